import { afterAll, expect, it } from 'vitest';
import { getBackend, ModelMonitor, useBackend, type Alert, type RuleAlert } from '../../src/index.js';
import { SeededRandom } from '../../src/demo/random.js';
import { describeEachBackend } from '../helpers/backends.js';

const initial = getBackend().name;
afterAll(() => void useBackend(initial));

describeEachBackend('ModelMonitor on the %s backend', (backend) => {
  it('reports no_data before the first record', () => {
    useBackend(backend);
    const monitor = new ModelMonitor('m');
    expect(monitor.checkAlerts()).toEqual({
      modelName: 'm',
      status: 'no_data',
      alerts: [],
      recentAccuracy: null,
      recentLatency: null,
      totalMeasurements: 0,
      ruleAlerts: [],
    });
    expect(monitor.getPerformanceTrend()).toEqual({ accuracyTrend: 'insufficient_data', latencyTrend: 'insufficient_data' });
  });

  it('follows the reference scenario: healthy, then degraded accuracy and latency', () => {
    useBackend(backend);
    const rng = new SeededRandom(1);
    let t = 1_000_000;
    const monitor = new ModelMonitor('image_classifier_v1', { baselineAccuracy: 0.92, now: () => (t += 60_000) });
    const emitted: (Alert | RuleAlert)[] = [];
    const resolved: (Alert | RuleAlert)[] = [];
    monitor.on('alert', (alert) => emitted.push(alert));
    monitor.on('resolved', (alert) => resolved.push(alert));
    expect(monitor.accuracyThreshold).toBeCloseTo(0.828, 12);

    // Phase 1: healthy (accuracy around 0.91, latency around 150 ms)
    for (let i = 0; i < 5; i++) monitor.recordPerformance(0.91 + rng.normal(0, 0.01), 150 + rng.normal(0, 10));
    const healthy = monitor.checkAlerts();
    expect(healthy.status).toBe('healthy');
    expect(healthy.alerts).toEqual([]);
    expect(healthy.totalMeasurements).toBe(5);
    expect(emitted).toEqual([]);

    // Phase 2: degradation (accuracy around 0.81 < 0.828, latency around 220 ms > 200)
    const degraded = [0.805, 0.812, 0.798];
    const slow = [221, 219, 233];
    for (let i = 0; i < 3; i++) monitor.recordPerformance(degraded[i], slow[i]);
    const report = monitor.checkAlerts();
    expect(report.status).toBe('alert');
    expect(report.alerts).toEqual([
      { type: 'accuracy_degradation', current: 0.798, threshold: 0.92 * 0.9, severity: 'high' },
      { type: 'latency_spike', current: 233, threshold: 200, severity: 'medium' },
    ]);
    expect(report.recentAccuracy).toBe(0.798);
    expect(report.recentLatency).toBe(233);
    // events fire once when an alert starts, not on every record
    expect(emitted).toEqual([
      { type: 'accuracy_degradation', current: 0.805, threshold: 0.92 * 0.9, severity: 'high' },
      { type: 'latency_spike', current: 221, threshold: 200, severity: 'medium' },
    ]);
    expect(resolved).toEqual([]);

    // 8 records, window 5: recent = last 5, older = recent (fewer than 10 records), as the reference
    const trend = monitor.getPerformanceTrend();
    expect(trend.accuracyTrend).toBe('stable');
    expect(trend.olderAccuracy).toBe(trend.recentAccuracy);
    const history = monitor.accuracyHistory();
    const lastFive = Array.from(history.slice(-5));
    expect(trend.recentAccuracy).toBeCloseTo(lastFive.reduce((a, b) => a + b) / 5, 14);
    // window 4: recent = last 4 records vs the 4 before, 2 % / 10 % rules
    const t4 = monitor.getPerformanceTrend(4);
    expect(t4.accuracyTrend).toBe('degrading');
    expect(t4.latencyTrend).toBe('increasing');
    expect(t4.recentLatency).toBeCloseTo(Array.from(monitor.latencyHistory().slice(-4)).reduce((a, b) => a + b) / 4, 12);
    // timestamps come from the injected clock
    expect(Array.from(monitor.timestampHistory())).toEqual(Array.from({ length: 8 }, (_, i) => 1_000_000 + 60_000 * (i + 1)));

    // recovery: each alert resolves once
    monitor.recordPerformance(0.9, 150);
    monitor.recordPerformance(0.91, 140);
    expect(resolved.map((a) => ('type' in a ? a.type : a.rule))).toEqual(['accuracy_degradation', 'latency_spike']);
    expect(emitted).toHaveLength(2);
    expect(monitor.checkAlerts().status).toBe('healthy');
  });

  it('detects improving accuracy and decreasing latency', () => {
    useBackend(backend);
    const monitor = new ModelMonitor('m', { now: () => 0 });
    for (let i = 0; i < 3; i++) monitor.recordPerformance(0.8, 100);
    for (let i = 0; i < 3; i++) monitor.recordPerformance(0.9, 80);
    expect(monitor.getPerformanceTrend(3)).toMatchObject({ accuracyTrend: 'improving', latencyTrend: 'decreasing' });
  });

  it('keeps a bounded history and computes percentiles over the window', () => {
    useBackend(backend);
    const monitor = new ModelMonitor('m', { capacity: 100, now: () => 0 });
    for (let i = 1; i <= 250; i++) monitor.recordPerformance(0.9, i);
    // the window holds latencies 151..250
    expect(monitor.latencyHistory()).toEqual(Float64Array.from({ length: 100 }, (_, i) => 151 + i));
    expect(monitor.checkAlerts().totalMeasurements).toBe(250);
    // numpy.percentile(np.arange(151, 251), [50, 90, 99]) = [200.5, 240.1, 249.01]
    const p = monitor.latencyPercentiles();
    expect(p[0]).toBeCloseTo(200.5, 10);
    expect(p[1]).toBeCloseTo(240.1, 10);
    expect(p[2]).toBeCloseTo(249.01, 10);
    expect(Array.from(monitor.latencyPercentiles([0, 100]))).toEqual([151, 250]);
  });

  it('rejects invalid records without storing them', () => {
    useBackend(backend);
    const monitor = new ModelMonitor('m', { now: () => 0 });
    expect(() => monitor.recordPerformance(NaN, 10)).toThrow(/Expected a number in \[0, 1\] \(the record was not stored\) for accuracy but received NaN/);
    expect(() => monitor.recordPerformance(1.5, 10)).toThrow(/for accuracy but received 1.5/);
    expect(() => monitor.recordPerformance(0.9, -1)).toThrow(/finite number >= 0 \(the record was not stored\) for latencyMs but received -1/);
    expect(() => monitor.recordPerformance(0.9, Infinity)).toThrow(/for latencyMs but received Infinity/);
    expect(() => monitor.recordLatency(NaN)).toThrow(/for latencyMs but received NaN/);
    expect(() => monitor.recordPerformance('0.9' as never, 1)).toThrow(TypeError);
    expect(monitor.checkAlerts().status).toBe('no_data');
    expect(monitor.stats.rejected).toBe(6);
    expect(monitor.latencySketch.count).toBe(0);
    expect(() => monitor.latencyPercentiles()).toThrow(/at least one recorded latency/);
    expect(() => monitor.getPerformanceTrend(0)).toThrow(/window/);
  });

  it('rejects bad constructor arguments', () => {
    expect(() => new ModelMonitor('')).toThrow(/non-empty string for modelName/);
    expect(() => new ModelMonitor('m', { capacity: 0 })).toThrow(/options.capacity/);
    expect(() => new ModelMonitor('m', { baselineAccuracy: 2 })).toThrow(/options.baselineAccuracy/);
    expect(() => new ModelMonitor('m', { now: 5 as never })).toThrow(/options.now/);
  });
});
