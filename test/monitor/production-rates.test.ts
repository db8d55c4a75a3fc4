import { afterAll, describe, expect, it } from 'vitest';
import { getBackend, ModelMonitor, MonitorRegistry, useBackend } from '../../src/index.js';
import { SeededRandom } from '../../src/demo/random.js';
import { describeEachBackend } from '../helpers/backends.js';

const initial = getBackend().name;
afterAll(() => void useBackend(initial));

describeEachBackend('monitoring at production rates on the %s backend', (backend) => {
  it('recordBatch stores what single records would, and the sketch covers all time', () => {
    useBackend(backend);
    const rng = new SeededRandom(3);
    const lat = Float64Array.from({ length: 5000 }, () => Math.exp(rng.normal(4, 0.5)));
    const acc = Float64Array.from({ length: 5000 }, () => Math.min(1, Math.max(0, rng.normal(0.9, 0.02))));
    const batch = new ModelMonitor('b', { capacity: 1000, now: () => 7 });
    batch.recordBatch(acc.subarray(0, 2500), lat.subarray(0, 2500));
    batch.recordBatch(acc.subarray(2500), lat.subarray(2500));
    const single = new ModelMonitor('s', { capacity: 1000, now: () => 7 });
    for (let i = 0; i < lat.length; i++) single.recordPerformance(acc[i], lat[i]);
    expect(batch.latencyHistory()).toEqual(single.latencyHistory());
    expect(batch.accuracyHistory()).toEqual(single.accuracyHistory());
    expect(batch.timestampHistory()).toEqual(single.timestampHistory());
    expect(batch.stats).toEqual(single.stats);
    expect(Array.from(batch.latencyPercentiles())).toEqual(Array.from(single.latencyPercentiles()));
    // over all time: within the sketch's 1 % of the exact order statistic
    const sorted = Float64Array.from(lat).sort();
    const all = batch.latencyPercentiles([50, 99], { over: 'all' });
    [0.5, 0.99].forEach((q, i) => {
      const exact = sorted[Math.floor(q * (sorted.length - 1))];
      expect(Math.abs(all[i] - exact)).toBeLessThanOrEqual(0.01 * exact);
    });
    expect(batch.latencySketch.count).toBe(5000);
    expect(batch.checkAlerts().totalMeasurements).toBe(5000);
  });

  it('recordBatch is all-or-nothing: a bad value stores nothing and is counted', () => {
    useBackend(backend);
    const m = new ModelMonitor('m', { now: () => 0 });
    expect(() => m.recordBatch(null, [1, 2, -3, 4])).toThrow(/values\[2\] but received -3/);
    expect(() => m.recordBatch([0.9, 1.2], [1, 2])).toThrow(/accuracies in \[0, 1\] .* max 1.2/);
    expect(() => m.recordBatch([0.9, NaN], [1, 2])).toThrow(/1 NaN \(nothing stored\)/);
    expect(() => m.recordBatch([0.9], [1, 2])).toThrow(/2 accuracies \(one per latency\)/);
    expect(m.stats).toEqual({ records: 0, accuracyRecords: 0, errors: 0, rejected: 8 }); // 4 + 2 + 2 values; a length mismatch is an argument error
    expect(m.latencySketch.count).toBe(0);
    expect(m.checkAlerts().status).toBe('no_data');
    m.recordBatch(null, [5, 6]);
    expect(Array.from(m.latencyHistory())).toEqual([5, 6]);
    expect(m.accuracyHistory()).toHaveLength(0);
  });
});

describe('MonitorRegistry', () => {
  it('creates monitors on first use with shared defaults and reports memory', () => {
    const registry = new MonitorRegistry({ defaults: { capacity: 100, latencyThresholdMs: 50 } });
    const a = registry.get('a');
    expect(registry.get('a')).toBe(a);
    const b = registry.get('b', { capacity: 10 });
    expect(a.latencyThresholdMs).toBe(50);
    expect(b.capacity).toBe(10);
    expect(registry.names()).toEqual(['a', 'b']);
    const before = registry.memoryUsage();
    expect(before.monitors).toBe(2);
    // 3 float64 rings + 1 byte per request for the error window
    expect(before.bytes).toBe(100 * 25 + 10 * 25);
    for (let i = 0; i < 10_000; i++) a.recordLatency(1 + (i % 500));
    const after = registry.memoryUsage();
    // bounded: only the sketch's buckets grew, and they are capped by maxBins (4096 x 8 bytes)
    expect(after.bytes - before.bytes).toBeGreaterThan(0);
    expect(after.bytes - before.bytes).toBeLessThanOrEqual(4096 * 8);
    expect(registry.delete('b')).toBe(true);
    expect(registry.size).toBe(1);
    const small = new MonitorRegistry({ maxMonitors: 1 });
    small.get('x');
    expect(() => small.get('y')).toThrow(/at most 1 monitors/);
  });

  it('exposes Prometheus metrics', () => {
    const registry = new MonitorRegistry({ defaults: { capacity: 100, now: () => 0 } });
    const m = registry.get('fraud "v2"');
    m.configureAlerts({ error_rate: { threshold: 0.005, severity: 'high' } });
    for (let i = 1; i <= 100; i++) m.recordPerformance(0.9, i);
    m.recordError();
    const text = registry.metrics([0.5, 0.99]);
    const lines = text.split('\n');
    expect(lines).toContain('# TYPE mlwatch_latency_ms summary');
    expect(lines).toContain('mlwatch_latency_ms{model="fraud \\"v2\\"",quantile="0.5"} 50.5');
    expect(lines).toContain('mlwatch_latency_ms{model="fraud \\"v2\\"",quantile="0.99"} 99.01');
    expect(lines).toContain('mlwatch_latency_ms_sum{model="fraud \\"v2\\""} 5050');
    expect(lines).toContain('mlwatch_latency_ms_count{model="fraud \\"v2\\""} 100');
    expect(lines).toContain('mlwatch_records_total{model="fraud \\"v2\\""} 100');
    expect(lines).toContain('mlwatch_errors_total{model="fraud \\"v2\\""} 1');
    expect(lines).toContain('mlwatch_alert_firing{model="fraud \\"v2\\"",alert="error_rate",severity="high"} 1');
    expect(lines).toContain('mlwatch_alert_firing{model="fraud \\"v2\\"",alert="latency_spike",severity="medium"} 0');
    expect(lines.find((l) => l.startsWith('mlwatch_accuracy{'))).toMatch(/ 0\.9\d*$/);
    // every sample line is NAME{LABELS} VALUE, every family has HELP and TYPE
    for (const line of lines.filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(/^[a-z_]+\{.*\} [-+0-9.eNaInf]+$/);
    expect(text.match(/# TYPE/g)!.length).toBe(text.match(/# HELP/g)!.length);
  });
});
