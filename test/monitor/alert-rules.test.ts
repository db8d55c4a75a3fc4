import { afterAll, expect, it } from 'vitest';
import { DriftDetector, getBackend, ModelMonitor, RetrainingTrigger, useBackend, type RuleAlert } from '../../src/index.js';
import { describeEachBackend } from '../helpers/backends.js';

const initial = getBackend().name;
afterAll(() => void useBackend(initial));

function watched(monitor: ModelMonitor) {
  const fired: RuleAlert[] = [];
  const resolved: RuleAlert[] = [];
  monitor.alerts.on('alert', (a) => fired.push(a));
  monitor.alerts.on('resolved', (a) => resolved.push(a));
  return { fired, resolved };
}

describeEachBackend('alert rules on the %s backend', (backend) => {
  it('fires once when a rule starts and once when it resolves (hysteresis band)', () => {
    useBackend(backend);
    let t = 0;
    const monitor = new ModelMonitor('m', { capacity: 100, latencyThresholdMs: 1e9, now: () => t });
    monitor.configureAlerts({ latency_p99_ms: { threshold: 100, severity: 'critical', resolveAt: 80 } });
    const { fired, resolved } = watched(monitor);
    for (let i = 0; i < 100; i++) monitor.recordLatency(50);
    expect(monitor.checkAlerts().ruleAlerts).toEqual([]);
    for (let i = 0; i < 5; i++) monitor.recordLatency(500); // p99 of the window jumps above 100
    t = 1000;
    const report = monitor.checkAlerts();
    expect(report.status).toBe('alert');
    expect(report.ruleAlerts).toHaveLength(1);
    expect(report.ruleAlerts[0]).toMatchObject({ rule: 'latency_p99_ms', severity: 'critical', state: 'firing', threshold: 100, since: 1000 });
    expect(report.ruleAlerts[0].value).toBeGreaterThan(100);
    // evaluating again while it stays high: no new event
    monitor.checkAlerts();
    monitor.checkAlerts();
    expect(fired).toHaveLength(1);
    // p99 back between resolveAt (80) and threshold (100): still firing
    for (let i = 0; i < 99; i++) monitor.recordLatency(50);
    monitor.recordLatency(90);
    monitor.recordLatency(90);
    monitor.recordLatency(90);
    expect(monitor.checkAlerts().ruleAlerts).toHaveLength(1);
    expect(resolved).toHaveLength(0);
    // below resolveAt: resolves once
    for (let i = 0; i < 100; i++) monitor.recordLatency(40);
    expect(monitor.checkAlerts().ruleAlerts).toEqual([]);
    monitor.checkAlerts();
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({ rule: 'latency_p99_ms', state: 'resolved', since: 1000 });
    expect(fired).toHaveLength(1);
  });

  it('evaluates accuracy_drop, error_rate and drift_score from the monitor figures', () => {
    useBackend(backend);
    const monitor = new ModelMonitor('m', { baselineAccuracy: 0.9, capacity: 10, now: () => 0 });
    monitor.configureAlerts({
      accuracy_drop: { threshold: 0.02, severity: 'high' },
      error_rate: { threshold: 0.1, severity: 'high' },
      drift_score: { threshold: 0.05, severity: 'medium' },
    });
    const { fired } = watched(monitor);
    for (let i = 0; i < 10; i++) monitor.recordPerformance(0.89, 10);
    expect(monitor.checkAlerts().ruleAlerts).toEqual([]); // drop 0.01, no errors, no drift yet
    monitor.recordPerformance(0.5, 10); // window mean 0.851: drop 0.049
    monitor.recordError();
    monitor.recordError(); // 2 errors among the last 10 requests
    monitor.recordDrift({ maxDriftScore: 0.3 });
    expect(monitor.driftSignal).toBeNull(); // a bare score: no whole drift result to hand a trigger
    const rules = monitor.checkAlerts().ruleAlerts.map((a) => [a.rule, a.value]);
    expect(rules.map(([r]) => r).sort()).toEqual(['accuracy_drop', 'drift_score', 'error_rate']);
    expect(monitor.errorRate).toBeCloseTo(0.2, 12);
    expect(rules.find(([r]) => r === 'accuracy_drop')![1]).toBeCloseTo(0.9 - (9 * 0.89 + 0.5) / 10, 12);
    expect(fired.map((a) => a.rule).sort()).toEqual(['accuracy_drop', 'drift_score', 'error_rate']);
  });

  it('keeps the last whole drift result for a retraining trigger', () => {
    const monitor = new ModelMonitor('m');
    expect(monitor.driftSignal).toBeNull();
    const detector = new DriftDetector({ data: Float64Array.from({ length: 400 }, (_, i) => (i % 20) / 20), rows: 200, cols: 2 });
    const shifted = detector.detectSimpleDrift({ data: Float64Array.from({ length: 400 }, (_, i) => 3 + (i % 20) / 20), rows: 200, cols: 2 });
    monitor.recordDrift(shifted);
    expect(monitor.driftSignal).toEqual({ driftDetected: true, driftSeverity: shifted.driftSeverity, maxDriftScore: shifted.maxDriftScore });
    expect(monitor.driftScore).toBe(shifted.maxDriftScore);
    const decision = new RetrainingTrigger('m', {}, { lastRetrainAt: null }).shouldRetrain(monitor.checkAlerts(), monitor.driftSignal!);
    expect(decision.constraints.driftTrigger).toBe(true);
  });

  it('rejects malformed rules', () => {
    const monitor = new ModelMonitor('m');
    expect(() => monitor.configureAlerts({ p42: { threshold: 1, severity: 'high' } } as never)).toThrow(/one of latency_p99_ms/);
    expect(() => monitor.configureAlerts({ error_rate: { threshold: NaN, severity: 'high' } })).toThrow(/rules.error_rate.threshold/);
    expect(() => monitor.configureAlerts({ error_rate: { threshold: 1, severity: 'urgent' as never } })).toThrow(/rules.error_rate.severity/);
    expect(() => monitor.configureAlerts({ error_rate: { threshold: 0.1, severity: 'high', resolveAt: 0.2 } })).toThrow(/at most the threshold 0.1/);
  });
});
