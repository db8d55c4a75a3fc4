import { afterAll, expect, it } from 'vitest';
import { columnStats, DriftDetector, getBackend, matrixFromRows, useBackend, type SimpleDriftResult } from '../../src/index.js';
import { SeededRandom } from '../../src/demo/random.js';
import { describeEachBackend } from '../helpers/backends.js';

const initial = getBackend().name;
afterAll(() => void useBackend(initial));

describeEachBackend('DriftDetector on the %s backend', (backend) => {
  it('follows the reference tests: no drift for a small shift, drift for a 3-sigma shift', () => {
    useBackend(backend);
    const rng = new SeededRandom(42);
    const names = ['temperature', 'humidity', 'pressure'];
    const baseline = rng.normalMatrix(1000, [0, 1, -0.5], [1, 0.5, 0.8]);
    const detector = new DriftDetector(baseline, { featureNames: names, now: () => 123 });
    const drifts: SimpleDriftResult[] = [];
    detector.on('drift', (r) => drifts.push(r));

    const similar = detector.detectSimpleDrift(rng.normalMatrix(500, [0.1, 1.1, -0.4], [1, 0.5, 0.8]));
    expect(similar.driftDetected).toBe(false);
    expect(similar.summary).toEqual({ totalFeatures: 3, driftedFeatures: 0, driftPercentage: 0 });
    expect(similar.timestamp).toBe(123);
    expect(drifts).toEqual([]);

    const shifted = detector.detectSimpleDrift(rng.normalMatrix(500, [3, 1, -0.5], [1, 0.5, 0.8]));
    expect(shifted.driftDetected).toBe(true);
    // a 3-sigma shift of the mean: the score is 3 up to sampling noise, so 'high' or 'medium' by the > 3 rule
    expect(Math.abs(shifted.maxDriftScore - 3)).toBeLessThan(0.25);
    expect(shifted.driftSeverity).toBe(shifted.maxDriftScore > 3 ? 'high' : 'medium');
    expect(shifted.maxDriftScore).toBe(shifted.perFeature.temperature.driftScore);
    expect(shifted.perFeature.temperature.driftDetected).toBe(true);
    expect(shifted.perFeature.humidity.driftDetected).toBe(false);
    expect(shifted.summary.driftedFeatures).toBe(1);
    expect(shifted.summary.driftPercentage).toBeCloseTo(100 / 3, 12);
    expect(drifts).toEqual([shifted]);
    expect(detector.getDriftHistory()).toEqual([similar, shifted]);
    expect(detector.getDriftHistory(1)).toEqual([shifted]);
  });

  it('DriftDetector.create builds the same detector without blocking the event loop', async () => {
    useBackend(backend);
    const rng = new SeededRandom(9);
    const reference = rng.normalMatrix(3000, [0, 1, -0.5], [1, 0.5, 0.8]);
    const current = rng.normalMatrix(2000, [0.3, 1, -0.5], [1, 0.5, 0.8]);
    const sync = new DriftDetector(reference, { featureNames: ['a', 'b', 'c'], now: () => 1 });
    const built = await DriftDetector.create(reference, { featureNames: ['a', 'b', 'c'], now: () => 1 });
    expect(Array.from(built.profile.packed)).toEqual(Array.from(sync.profile.packed));
    expect(built.profile.columns).toEqual(sync.profile.columns);
    expect(Array.from(built.baselineMean)).toEqual(Array.from(sync.baselineMean));
    expect(await built.detectAsync(current)).toEqual(sync.detect(current));
    await expect(DriftDetector.create({ data: new Float64Array(3), rows: 2, cols: 2 })).rejects.toThrow(/rows \* cols/);
  });

  it('computes the score |mean_new - mean_base| / (std_base + 1e-8) per feature', () => {
    useBackend(backend);
    // baseline column a: [0, 2, 4, 6] mean 3, std sqrt(5); column b constant 1 (std 0)
    const baseline = matrixFromRows([[0, 1], [2, 1], [4, 1], [6, 1]], ['a', 'b']);
    const detector = new DriftDetector(baseline);
    expect(detector.featureNames).toEqual(['a', 'b']);
    const result = detector.detectSimpleDrift(matrixFromRows([[10, 1], [12, 1.000001]]));
    expect(result.perFeature.a.driftScore).toBeCloseTo((11 - 3) / (Math.sqrt(5) + 1e-8), 12);
    expect(result.perFeature.a.baselineMean).toBe(3);
    expect(result.perFeature.a.newMean).toBe(11);
    expect(result.perFeature.b.driftScore).toBeCloseTo(0.0000005 / 1e-8, 6);
    expect(result.maxDriftScore).toBe(result.perFeature.b.driftScore);
    expect(result.driftSeverity).toBe('high');
    // severity bands: > 3 high, > 2 medium, else low, whatever the threshold
    const medium = detector.detectSimpleDrift(matrixFromRows([[3 + 2.5 * Math.sqrt(5), 1]]), 10);
    expect(medium.driftSeverity).toBe('medium');
    expect(medium.driftDetected).toBe(false);
  });

  it('matches columnStats for the baseline and keeps only statistics', () => {
    useBackend(backend);
    const rng = new SeededRandom(7);
    const m = rng.normalMatrix(2000, [1e8, 5], [1, 2]);
    const detector = new DriftDetector(m);
    const stats = columnStats(m);
    expect(detector.baselineMean).toEqual(stats.mean);
    expect(detector.baselineStd).toEqual(stats.std);
    expect(detector.featureNames).toEqual(['feature_0', 'feature_1']);
    expect(Object.values(detector).some((v) => v === m || v === m.data)).toBe(false);
  });

  it('bounds its history', () => {
    useBackend(backend);
    const detector = new DriftDetector(matrixFromRows([[1], [2]]), { historyCapacity: 3 });
    for (let i = 0; i < 5; i++) detector.detectSimpleDrift(matrixFromRows([[i]]));
    const history = detector.getDriftHistory(0);
    expect(history.map((r) => r.perFeature.feature_0.newMean)).toEqual([2, 3, 4]);
  });

  it('names both feature counts on a mismatch and rejects bad input', () => {
    useBackend(backend);
    const detector = new DriftDetector(matrixFromRows([[1, 2, 3], [4, 5, 6]]));
    expect(() => detector.detectSimpleDrift(matrixFromRows([[1, 2]]))).toThrow(RangeError);
    expect(() => detector.detectSimpleDrift(matrixFromRows([[1, 2]]))).toThrow(/current has 2 but the baseline has 3/);
    expect(() => detector.detectSimpleDrift(matrixFromRows([[1, 2, 3]]), -1)).toThrow(/threshold/);
    expect(() => new DriftDetector(matrixFromRows([[1, 2]]), { featureNames: ['x'] })).toThrow(/2 names/);
    expect(() => new DriftDetector({ data: new Float64Array(0), rows: 0, cols: 2 })).toThrow(/baseline.rows/);
  });
});
