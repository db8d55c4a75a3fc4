import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStateStore, ModelMonitor, RetrainingTrigger } from '../../src/index.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'mlwatch-store-'));
  dirs.push(d);
  return d;
};

function busyMonitor(): ModelMonitor {
  let t = 1000;
  const m = new ModelMonitor('fraud', { capacity: 50, baselineAccuracy: 0.9, latencyThresholdMs: 120, now: () => (t += 10) });
  m.configureAlerts({ error_rate: { threshold: 0.01, severity: 'high', resolveAt: 0.005 }, latency_p99_ms: { threshold: 1e6, severity: 'low' } });
  for (let i = 0; i < 80; i++) m.recordPerformance(i % 10 === 0 ? 0.5 : 0.92, 50 + i);
  m.recordError();
  m.recordDrift({ maxDriftScore: 1.5 });
  m.checkAlerts(); // error_rate fires
  return m;
}

describe('ModelMonitor snapshots', () => {
  it('round-trip every part of the state', () => {
    const m = busyMonitor();
    const r = ModelMonitor.restore(m.snapshot(), { now: () => 5000 });
    expect(r.modelName).toBe('fraud');
    expect([r.capacity, r.baselineAccuracy, r.latencyThresholdMs]).toEqual([50, 0.9, 120]);
    expect(r.latencyHistory()).toEqual(m.latencyHistory());
    expect(r.accuracyHistory()).toEqual(m.accuracyHistory());
    expect(r.timestampHistory()).toEqual(m.timestampHistory());
    expect(r.stats).toEqual(m.stats);
    expect(r.errorRate).toBe(m.errorRate);
    expect(r.latencySketch.serialize()).toEqual(m.latencySketch.serialize());
    expect(r.alerts.configured).toEqual(m.alerts.configured);
    const fresh = r.checkAlerts();
    const original = m.checkAlerts();
    expect({ ...fresh, ruleAlerts: fresh.ruleAlerts.map((a) => a.rule) }).toEqual({ ...original, ruleAlerts: original.ruleAlerts.map((a) => a.rule) });
    // the firing state carried over: no second 'alert' event after restore
    const events: string[] = [];
    r.on('alert', () => events.push('alert'));
    r.checkAlerts();
    expect(events).toEqual([]);
    // and the restored monitor keeps recording, with the ring buffers continuing where they were
    r.recordPerformance(0.95, 42);
    expect(r.latencyHistory().at(-1)).toBe(42);
    expect(r.latencyHistory()).toHaveLength(50);
  });

  it('rejects damaged or foreign bytes with a clear error', () => {
    const bytes = busyMonitor().snapshot();
    const damaged = bytes.slice();
    damaged[damaged.length - 3] ^= 0x40;
    expect(() => ModelMonitor.restore(damaged)).toThrow(/CRC-32 mismatch/);
    expect(() => ModelMonitor.restore(bytes.subarray(0, 8))).toThrow(/ModelMonitor snapshot/);
    expect(() => ModelMonitor.restore(new RetrainingTrigger('x').snapshot())).toThrow(/a snapshot of kind 2/);
    expect(() => RetrainingTrigger.restore(bytes)).toThrow(/RetrainingTrigger snapshot .* kind 1/);
    expect(() => ModelMonitor.restore('nope' as never)).toThrow(/Uint8Array snapshot/);
  });
});

describe('RetrainingTrigger snapshots and restarts', () => {
  it('a restarted process with the same store does not retrain inside the minimum interval', () => {
    const store = new FileStateStore(tempDir());
    const HOUR = 3_600_000;
    let t = 100 * HOUR;
    const alerts = { modelName: 'm', status: 'alert' as const, alerts: [{ type: 'accuracy_degradation' as const, current: 0.7, threshold: 0.8, severity: 'high' as const }], recentAccuracy: 0.7, recentLatency: 1, totalMeasurements: 1, ruleAlerts: [] };
    const noDrift = { driftDetected: false, driftSeverity: 'low' as const, maxDriftScore: 0 };

    const first = new RetrainingTrigger('m', {}, { now: () => t, lastRetrainAt: null });
    expect(first.shouldRetrain(alerts, noDrift).shouldRetrain).toBe(true);
    store.save('trigger-m', first.snapshot());

    // "restart": a new trigger from the store, two hours later
    t += 2 * HOUR;
    const second = RetrainingTrigger.restore(store.load('trigger-m')!, { now: () => t });
    expect(second.lastRetrainAt).toBe(100 * HOUR);
    expect(second.policy).toEqual(first.policy);
    expect(second.getRetrainingHistory()).toEqual(first.getRetrainingHistory());
    const blocked = second.shouldRetrain(alerts, noDrift);
    expect(blocked.shouldRetrain).toBe(false);
    expect(blocked.triggerReasons).toContain('Waiting for minimum time (24.0h)');
    t += 22 * HOUR;
    expect(second.shouldRetrain(alerts, noDrift).shouldRetrain).toBe(true);
  });
});

describe('FileStateStore', () => {
  it('saves, loads and lists keys, and cleans up temporary files of processes that are gone', () => {
    const dir = tempDir();
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!; // exited: its pid names no process now
    writeFileSync(join(dir, `.left-over.${gone}.0.tmp`), 'partial');
    writeFileSync(join(dir, `.in-flight.${process.ppid}.0.tmp`), 'another writer, alive'); // our parent is alive
    const store = new FileStateStore(dir);
    expect(readdirSync(dir)).toEqual([`.in-flight.${process.ppid}.0.tmp`]);
    rmSync(join(dir, `.in-flight.${process.ppid}.0.tmp`));
    expect(store.load('a')).toBeUndefined();
    store.save('a', new Uint8Array([1, 2, 3]));
    store.save('a', new Uint8Array([4, 5]));
    store.save('b.v2', new Uint8Array(0));
    expect(Array.from(store.load('a')!)).toEqual([4, 5]);
    expect(store.load('b.v2')!.length).toBe(0);
    expect(store.keys().sort()).toEqual(['a', 'b.v2']);
    expect(readdirSync(dir).sort()).toEqual(['a.state', 'b.v2.state']);
  });

  it('a save onto a directory fails clearly and leaves no temporary file', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'x.state'));
    const store = new FileStateStore(dir);
    expect(() => store.save('x', new Uint8Array([1]))).toThrow(/EISDIR: cannot write a file at .*x.state: it is a directory/);
    expect(readdirSync(dir)).toEqual(['x.state']);
  });

  it('rejects unsafe keys', () => {
    const store = new FileStateStore(tempDir());
    for (const key of ['../x', 'a/b', '', '.hidden', 'x'.repeat(201)]) expect(() => store.save(key, new Uint8Array(1))).toThrow(/for key but received/);
    expect(() => store.save('ok', 'text' as never)).toThrow(/Uint8Array for bytes/);
  });
});
