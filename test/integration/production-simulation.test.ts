import { afterAll, expect, it } from 'vitest';
import { getBackend, useBackend } from '../../src/index.js';
import { runProductionSimulation } from '../../src/demo/simulation.js';
import { describeEachBackend } from '../helpers/backends.js';

const initial = getBackend().name;
afterAll(() => void useBackend(initial));

describeEachBackend('the two-week production simulation on the %s backend', (backend) => {
  it('retrains on the day of the shift and a week later, and only then', () => {
    useBackend(backend);
    const timeline = runProductionSimulation();
    expect(timeline).toHaveLength(14);
    expect(timeline.filter((d) => d.retrain).map((d) => d.day)).toEqual([4, 11]);

    for (const d of timeline.slice(0, 3)) {
      expect(d.drift.detected).toBe(false);
      expect(d.suite.driftedColumns).toEqual([]);
      expect(d.alerts).toEqual([]);
    }
    const shift = timeline[3];
    expect(shift.drift.detected).toBe(true);
    expect(shift.drift.driftedFeatures).toEqual(['amount']);
    // The drift suite (auto: wasserstein, the reference has 20 000 rows) agrees on the shifted column.
    expect(shift.suite).toEqual({ tests: ['wasserstein'], driftedColumns: ['amount'] });
    expect(shift.drift.maxScore).toBeGreaterThan(2.2);
    expect(shift.alerts).toEqual(['accuracy_degradation']);
    expect(shift.reasons[0]).toMatch(/^Accuracy dropped by 0\.0\d\d$/);
    expect(shift.reasons[1]).toMatch(/^Drift detected \(score: 2\.\d\d\)$/);

    // after the retrain the shifted data is the new baseline: no drift
    for (const d of timeline.slice(4)) expect(d.drift.detected).toBe(false);
    expect(timeline[7].alerts).toEqual(['latency_spike']);
    expect(timeline[7].latencyP50).toBeGreaterThan(200);
    expect(timeline[7].retrain).toBe(false);
    expect(timeline[10].reasons).toEqual(['Maximum time exceeded (7.0 days)']);
  });

  it('gives the same timeline on every backend', () => {
    useBackend(backend);
    const here = runProductionSimulation({ days: 6 });
    useBackend('js');
    const reference = runProductionSimulation({ days: 6 });
    expect(here.map((d) => [d.retrain, d.drift.detected, d.alerts])).toEqual(reference.map((d) => [d.retrain, d.drift.detected, d.alerts]));
    here.forEach((d, i) => expect(d.drift.maxScore).toBeCloseTo(reference[i].drift.maxScore, 10));
  });
});
