/**
 * The reference's multi-day production simulation, extended to two weeks: a model serves
 * predictions every hour; once a day its inputs are checked for drift and the retraining
 * policy is asked. A data shift with an accuracy drop arrives on day 4, a latency spike on
 * day 8, and on day 11 the last retrain is a week old. All time is simulated (injected clock).
 *
 * Returns the timeline; the demo (production-simulation.ts) prints it and the tests check it.
 */
import { DriftDetector, type DriftSeverity } from '../drift/drift-detector.js';
import { ModelMonitor } from '../monitor/model-monitor.js';
import { percentiles } from '../stats/quantiles.js';
import { RetrainingTrigger, type RetrainingDecision } from '../trigger/retraining-trigger.js';
import { SeededRandom } from './random.js';

export interface SimulationDay {
  day: number;
  meanAccuracy: number;
  latencyP50: number;
  latencyP99: number;
  drift: { detected: boolean; severity: DriftSeverity; maxScore: number; driftedFeatures: string[] };
  /** The drift suite on the same sample: the test each column got, and the drifted columns. */
  suite: { tests: string[]; driftedColumns: string[] };
  alerts: string[];
  retrain: boolean;
  reasons: string[];
  /** The trigger's whole decision (the registry demo records it as the new version's lineage). */
  decision: RetrainingDecision;
}

export interface SimulationOptions {
  days?: number;
  seed?: number;
  /** Rows of the daily feature sample checked for drift. */
  dailyRows?: number;
}

const HOUR_MS = 3_600_000;
export const FEATURES = ['amount', 'account_age', 'merchant_risk', 'hour_of_day'] as const;
const LOC = [0, 1, -0.5, 12];
const SCALE = [1, 0.5, 0.8, 6];

export function runProductionSimulation(options: SimulationOptions = {}): SimulationDay[] {
  const { days = 14, seed = 2026, dailyRows = 5_000 } = options;
  const rng = new SeededRandom(seed);
  const start = Date.UTC(2026, 0, 1);
  let now = start;
  const clock = () => now;

  const monitor = new ModelMonitor('fraud_model_v1', { baselineAccuracy: 0.92, latencyThresholdMs: 200, capacity: 24 * days, now: clock });
  let detector = new DriftDetector(rng.normalMatrix(20_000, LOC, SCALE), { featureNames: [...FEATURES], now: clock });
  const trigger = new RetrainingTrigger('fraud_model_v1', {}, { now: clock, lastRetrainAt: start });

  let shifted = false; // the input shift of day 4 stays; a retrain re-learns it
  let degraded = false; // the model is worse on shifted data until it is retrained
  const timeline: SimulationDay[] = [];
  for (let day = 1; day <= days; day++) {
    if (day === 4) shifted = degraded = true;
    const loc = shifted ? [LOC[0] + 2.5, ...LOC.slice(1)] : LOC;
    const latencyBase = day === 8 ? 235 : 150;
    const dayLatencies = new Float64Array(24);
    let accuracySum = 0;
    for (let hour = 0; hour < 24; hour++) {
      now += HOUR_MS;
      const accuracy = Math.min(1, (degraded ? 0.76 : 0.91) + rng.normal(0, 0.01));
      const latency = Math.max(1, latencyBase + rng.normal(0, 10));
      monitor.recordPerformance(accuracy, latency);
      dayLatencies[hour] = latency;
      accuracySum += accuracy;
    }
    const sample = rng.normalMatrix(dailyRows, loc, SCALE);
    const drift = detector.detectSimpleDrift(sample);
    const suite = detector.detect({ ...sample, names: FEATURES });
    const alerts = monitor.checkAlerts();
    const decision = trigger.shouldRetrain(alerts, drift);
    const [p50, p99] = percentiles(dayLatencies, [50, 99]);
    timeline.push({
      day,
      meanAccuracy: accuracySum / 24,
      latencyP50: p50,
      latencyP99: p99,
      drift: {
        detected: drift.driftDetected,
        severity: drift.driftSeverity,
        maxScore: drift.maxDriftScore,
        driftedFeatures: Object.entries(drift.perFeature).filter(([, f]) => f.driftDetected).map(([name]) => name),
      },
      suite: { tests: [...new Set(Object.values(suite.columns).map((c) => c.test))], driftedColumns: suite.driftedColumns },
      alerts: alerts.alerts.map((a) => a.type),
      retrain: decision.shouldRetrain,
      reasons: decision.triggerReasons,
      decision,
    });
    if (decision.shouldRetrain) {
      // The retrained model learns today's data: it becomes the new drift baseline.
      degraded = false;
      detector = new DriftDetector(sample, { featureNames: [...FEATURES], now: clock });
    }
  }
  return timeline;
}
