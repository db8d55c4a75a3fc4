import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRAINING_POLICY, RetrainingTrigger, type AlertReport, type RetrainingDecision } from '../../src/index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const healthy: AlertReport = { modelName: 'm', status: 'healthy', alerts: [], recentAccuracy: 0.9, recentLatency: 100, totalMeasurements: 1, ruleAlerts: [] };
const accuracyAlert: AlertReport = {
  modelName: 'm',
  status: 'alert',
  alerts: [{ type: 'accuracy_degradation', current: 0.85, threshold: 0.9, severity: 'high' }],
  recentAccuracy: 0.85,
  recentLatency: 100,
  totalMeasurements: 2,
  ruleAlerts: [],
};
const noDrift = { driftDetected: false, driftSeverity: 'low', maxDriftScore: 0.5 } as const;
const highDrift = { driftDetected: true, driftSeverity: 'high', maxDriftScore: 3.5 } as const;

describe('RetrainingTrigger', () => {
  it('has the reference default policy', () => {
    const trigger = new RetrainingTrigger('m');
    expect(trigger.policy).toEqual({
      accuracyThreshold: 0.05,
      driftThreshold: 2.0,
      minTimeBetweenRetrainsMs: DAY,
      maxTimeWithoutRetrainMs: 7 * DAY,
      driftSeverityWeights: { low: 0.1, medium: 0.5, high: 1.0 },
    });
    expect(DEFAULT_RETRAINING_POLICY.minTimeBetweenRetrainsMs).toBe(DAY);
  });

  it('runs the reference scenarios with an injected clock', () => {
    let t = 1_000_000;
    const trigger = new RetrainingTrigger('test_model', { minTimeBetweenRetrainsMs: 60_000, accuracyThreshold: 0.05 }, { now: () => t });
    const events: RetrainingDecision[] = [];
    trigger.on('retrain', (d) => events.push(d));

    // Scenario 1: healthy, no drift -> no retrain
    const d1 = trigger.shouldRetrain(healthy, noDrift);
    expect(d1.shouldRetrain).toBe(false);
    expect(d1.triggerReasons).toEqual([]);
    expect(d1.severityScore).toBe(0);

    // Scenario 2: accuracy 0.85 vs threshold 0.90 (drop 0.05 >= 0.05), but the trigger was
    // created just now: the minimum interval is not met (the reference's own quirk)...
    const d2 = trigger.shouldRetrain(accuracyAlert, noDrift);
    expect(d2.constraints).toEqual({ accuracyTrigger: true, driftTrigger: false, timeTrigger: false, minTimeSatisfied: false });
    expect(d2.shouldRetrain).toBe(false);
    expect(d2.triggerReasons).toEqual(['Accuracy dropped by 0.050', 'Waiting for minimum time (0.0h)']);
    expect(d2.severityScore).toBe(1);
    // ...and once the minute has passed, it retrains.
    t += 60_000;
    const d2b = trigger.shouldRetrain(accuracyAlert, noDrift);
    expect(d2b.shouldRetrain).toBe(true);
    expect(d2b.timeSinceLastRetrainMs).toBe(60_000);
    expect(trigger.lastRetrainAt).toBe(t);
    expect(events).toEqual([d2b]);

    // Scenario 3: high drift, one second later: blocked by the minimum interval
    t += 1000;
    const d3 = trigger.shouldRetrain(healthy, highDrift);
    expect(d3.shouldRetrain).toBe(false);
    expect(d3.constraints.driftTrigger).toBe(true);
    expect(d3.triggerReasons).toEqual(['Drift detected (score: 3.50)', 'Waiting for minimum time (0.0h)']);
    expect(d3.severityScore).toBe(1.0);
    expect(d3.nextAllowedRetrain).toBe(t - 1000 + 60_000);
    // after the interval, drift alone triggers
    t += 60_000;
    const d3b = trigger.shouldRetrain(healthy, highDrift);
    expect(d3b.shouldRetrain).toBe(true);
    expect(trigger.getRetrainingHistory()).toEqual([d1, d2, d2b, d3, d3b]);
    expect(trigger.getRetrainingHistory(2)).toEqual([d3, d3b]);
  });

  it('weights drift by severity and ignores drift under the score threshold', () => {
    const trigger = new RetrainingTrigger('m', {}, { lastRetrainAt: null, now: () => 0 });
    const medium = trigger.shouldRetrain(healthy, { driftDetected: true, driftSeverity: 'medium', maxDriftScore: 2.5 });
    expect(medium.severityScore).toBe(0.5);
    expect(medium.shouldRetrain).toBe(true);
    const weak = new RetrainingTrigger('m', { driftThreshold: 3 }, { lastRetrainAt: null, now: () => 0 });
    const d = weak.shouldRetrain(healthy, { driftDetected: true, driftSeverity: 'medium', maxDriftScore: 2.5 });
    expect(d.constraints.driftTrigger).toBe(false);
    expect(d.shouldRetrain).toBe(false);
  });

  it('treats lastRetrainAt: null as never: minimum satisfied, maximum-age rule not applied', () => {
    const trigger = new RetrainingTrigger('m', {}, { lastRetrainAt: null, now: () => 5 * DAY });
    const quiet = trigger.shouldRetrain(healthy, noDrift);
    expect(quiet.shouldRetrain).toBe(false);
    expect(quiet.constraints.timeTrigger).toBe(false);
    expect(quiet.constraints.minTimeSatisfied).toBe(true);
    expect(quiet.timeSinceLastRetrainMs).toBeNull();
    expect(quiet.nextAllowedRetrain).toBeNull();
    const d = trigger.shouldRetrain(accuracyAlert, noDrift);
    expect(d.shouldRetrain).toBe(true);
    expect(trigger.lastRetrainAt).toBe(5 * DAY);
  });

  it('retrains when the last retrain is older than the maximum age', () => {
    let t = Date.UTC(2026, 0, 1);
    const trigger = new RetrainingTrigger('m', {}, { lastRetrainAt: new Date(t), now: () => t });
    t += 7 * DAY - 1;
    expect(trigger.shouldRetrain(healthy, noDrift).shouldRetrain).toBe(false);
    t += 1;
    const d = trigger.shouldRetrain(healthy, noDrift);
    expect(d.shouldRetrain).toBe(true);
    expect(d.triggerReasons).toEqual(['Maximum time exceeded (7.0 days)']);
    expect(d.severityScore).toBe(0.5);
  });

  it('rejects malformed policies and signals', () => {
    expect(() => new RetrainingTrigger('m', { driftThreshold: -1 })).toThrow(/policy.driftThreshold/);
    expect(() => new RetrainingTrigger('m', { driftSeverityWeights: { low: 1, medium: NaN, high: 1 } })).toThrow(/driftSeverityWeights.medium/);
    expect(() => new RetrainingTrigger('m', {}, { lastRetrainAt: new Date('nope') })).toThrow(/lastRetrainAt/);
    const trigger = new RetrainingTrigger('m');
    expect(() => trigger.shouldRetrain({} as never, noDrift)).toThrow(/checkAlerts\(\) report/);
    expect(() => trigger.shouldRetrain(healthy, { driftDetected: true, driftSeverity: 'extreme', maxDriftScore: 9 } as never)).toThrow(
      /one of low, medium, high for drift.driftSeverity/,
    );
    expect(() => trigger.shouldRetrain(healthy, null as never)).toThrow(/drift result/);
  });
});
