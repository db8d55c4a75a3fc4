/**
 * RetrainingTrigger: decides when to retrain from monitor alerts and drift results, with the
 * reference's policy: an accuracy drop, drift above a score, or too long without retraining
 * trigger a retrain, but never sooner than a minimum interval after the last one.
 *
 * Difference from the reference (on purpose): the caller can say when the model was last
 * trained. `lastRetrainAt` defaults to construction time, as in the reference; `null` means
 * never/unknown: the minimum interval is then satisfied and the maximum-age rule not applied.
 */
import { EventEmitter } from 'node:events';
import { clockOption, type Clock } from '../clock.js';
import { rangeError, requireInteger, requireNumber, typeError } from '../errors.js';
import { decodeSnapshot, encodeSnapshot, SnapshotKind } from '../persist/snapshot-format.js';
import type { DriftSeverity } from '../drift/drift-detector.js';
import type { AlertReport } from '../monitor/model-monitor.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface RetrainingPolicy {
  /** An accuracy alert triggers when threshold - current >= this. Default 0.05. */
  accuracyThreshold: number;
  /** Drift triggers when maxDriftScore >= this. Default 2.0. */
  driftThreshold: number;
  /** No retrain sooner than this after the last one, in ms. Default 24 h. */
  minTimeBetweenRetrainsMs: number;
  /** Retrain when the last one is older than this, in ms. Default 7 days. */
  maxTimeWithoutRetrainMs: number;
  /** Added to the severity score for drift of each severity. */
  driftSeverityWeights: Record<DriftSeverity, number>;
}

/** The reference's policy: 5 % accuracy drop, drift score 2.0, retrains 24 h to 7 days apart. */
export const DEFAULT_RETRAINING_POLICY: Readonly<RetrainingPolicy> = Object.freeze({
  accuracyThreshold: 0.05,
  driftThreshold: 2.0,
  minTimeBetweenRetrainsMs: DAY_MS,
  maxTimeWithoutRetrainMs: 7 * DAY_MS,
  driftSeverityWeights: Object.freeze({ low: 0.1, medium: 0.5, high: 1.0 }),
});

export interface RetrainingTriggerOptions {
  /** Clock in epoch milliseconds. Default Date.now. */
  now?: Clock;
  /** When the model was last trained (epoch ms or Date); null for never/unknown. Default: now. */
  lastRetrainAt?: number | Date | null;
  /** Decisions kept by getRetrainingHistory(). Default 100. */
  historyCapacity?: number;
}

/** What shouldRetrain reads from a drift result: DriftDetector's result fits. */
export interface DriftSignal {
  driftDetected: boolean;
  driftSeverity: DriftSeverity;
  maxDriftScore: number;
}

export interface RetrainingDecision {
  /** When the decision was made, epoch ms. */
  timestamp: number;
  shouldRetrain: boolean;
  /** 1.0 per accuracy trigger + the drift severity's weight + 0.5 for the maximum-age rule. */
  severityScore: number;
  triggerReasons: string[];
  constraints: { accuracyTrigger: boolean; driftTrigger: boolean; timeTrigger: boolean; minTimeSatisfied: boolean };
  /** Time since the last retrain in ms; null when it never happened. */
  timeSinceLastRetrainMs: number | null;
  /** Earliest time (epoch ms) the minimum interval allows a retrain; null when it never happened. */
  nextAllowedRetrain: number | null;
}

export interface RetrainingTrigger {
  /** Emitted by shouldRetrain when it decides to retrain. */
  on(event: 'retrain', listener: (decision: RetrainingDecision, modelName: string) => void): this;
  emit(event: 'retrain', decision: RetrainingDecision, modelName: string): boolean;
}

export class RetrainingTrigger extends EventEmitter {
  readonly modelName: string;
  readonly policy: Readonly<RetrainingPolicy>;
  private readonly now: Clock;
  private readonly historyCapacity: number;
  private readonly history: RetrainingDecision[] = [];
  private last: number | null;

  constructor(modelName: string, policy: Partial<RetrainingPolicy> = {}, options: RetrainingTriggerOptions = {}) {
    super();
    if (typeof modelName !== 'string' || modelName.length === 0) throw typeError('a non-empty string', 'modelName', modelName);
    if (typeof policy !== 'object' || policy === null) throw typeError('a policy object', 'policy', policy);
    if (typeof options !== 'object' || options === null) throw typeError('an options object', 'options', options);
    this.modelName = modelName;
    this.policy = Object.freeze(validatePolicy({ ...DEFAULT_RETRAINING_POLICY, ...policy }));
    this.now = clockOption(options.now);
    this.historyCapacity = requireInteger(options.historyCapacity ?? 100, 'options.historyCapacity', 1, 1_000_000);
    this.last = options.lastRetrainAt === undefined ? this.now() : toEpochMs(options.lastRetrainAt);
  }

  /** When the model was last retrained (epoch ms), or null for never/unknown. */
  get lastRetrainAt(): number | null {
    return this.last;
  }

  /** Tells the trigger that a retrain happened (for retrains decided elsewhere). */
  recordRetrain(at: number | Date = this.now()): void {
    this.last = toEpochMs(at);
  }

  /**
   * Decides whether to retrain now, from a ModelMonitor.checkAlerts() report and a drift result.
   * A positive decision records now as the last retrain time and emits 'retrain'.
   */
  shouldRetrain(alerts: AlertReport, drift: DriftSignal): RetrainingDecision {
    validateAlerts(alerts);
    validateDrift(drift, this.policy.driftSeverityWeights);
    const now = this.now();
    const policy = this.policy;
    const since = this.last === null ? null : now - this.last;
    const triggerReasons: string[] = [];
    let severityScore = 0;

    let accuracyTrigger = false;
    if (alerts.status === 'alert') {
      for (const alert of alerts.alerts) {
        if (alert.type !== 'accuracy_degradation') continue;
        const drop = alert.threshold - alert.current;
        if (drop >= policy.accuracyThreshold) {
          accuracyTrigger = true;
          triggerReasons.push(`Accuracy dropped by ${drop.toFixed(3)}`);
          severityScore += 1.0;
        }
      }
    }

    let driftTrigger = false;
    if (drift.driftDetected && drift.maxDriftScore >= policy.driftThreshold) {
      driftTrigger = true;
      triggerReasons.push(`Drift detected (score: ${drift.maxDriftScore.toFixed(2)})`);
      severityScore += policy.driftSeverityWeights[drift.driftSeverity];
    }

    let timeTrigger = false;
    if (since !== null && since >= policy.maxTimeWithoutRetrainMs) {
      timeTrigger = true;
      triggerReasons.push(`Maximum time exceeded (${(since / DAY_MS).toFixed(1)} days)`);
      severityScore += 0.5;
    }

    const minTimeSatisfied = since === null || since >= policy.minTimeBetweenRetrainsMs;
    const shouldRetrain = (accuracyTrigger || driftTrigger || timeTrigger) && minTimeSatisfied;
    if (!minTimeSatisfied && (accuracyTrigger || driftTrigger)) {
      triggerReasons.push(`Waiting for minimum time (${(policy.minTimeBetweenRetrainsMs / HOUR_MS).toFixed(1)}h)`);
    }

    const decision: RetrainingDecision = {
      timestamp: now,
      shouldRetrain,
      severityScore,
      triggerReasons,
      constraints: { accuracyTrigger, driftTrigger, timeTrigger, minTimeSatisfied },
      timeSinceLastRetrainMs: since,
      nextAllowedRetrain: this.last === null ? null : this.last + policy.minTimeBetweenRetrainsMs,
    };
    this.history.push(decision);
    if (this.history.length > this.historyCapacity) this.history.shift();
    if (shouldRetrain) {
      this.last = now;
      this.emit('retrain', decision, this.modelName);
    }
    return decision;
  }

  /** The newest `limit` decisions, oldest first (all kept decisions when limit is 0). */
  getRetrainingHistory(limit = 10): RetrainingDecision[] {
    requireInteger(limit, 'limit', 0);
    return limit === 0 ? [...this.history] : this.history.slice(-limit);
  }

  /**
   * The trigger's state as bytes (snapshot format version 1, see persist/snapshot-format.ts): the
   * policy, the last retrain time and the bounded decision history. Save it after every decision
   * (e.g. with a FileStateStore) so that a restarted process keeps the minimum interval.
   */
  snapshot(): Uint8Array {
    return encodeSnapshot(SnapshotKind.RetrainingTrigger, {
      modelName: this.modelName,
      policy: this.policy,
      lastRetrainAt: this.last,
      historyCapacity: this.historyCapacity,
      history: this.history,
    });
  }

  /** A trigger with the state of snapshot() bytes; throws a RangeError on damaged or foreign bytes. */
  static restore(bytes: Uint8Array, options: { now?: Clock } = {}): RetrainingTrigger {
    const { header } = decodeSnapshot(bytes, SnapshotKind.RetrainingTrigger, 'RetrainingTrigger');
    const h = header as { modelName: string; policy: RetrainingPolicy; lastRetrainAt: number | null; historyCapacity: number; history: RetrainingDecision[] };
    if (!Array.isArray(h.history)) throw rangeError('a decision history', 'bytes', typeof h.history);
    // A policy is restored whole: a missing field must not silently become the default.
    if (typeof h.policy !== 'object' || h.policy === null) throw rangeError('a policy', "the snapshot's policy", String(h.policy));
    for (const key of Object.keys(DEFAULT_RETRAINING_POLICY)) {
      if (!(key in h.policy)) throw rangeError(`a complete policy (${Object.keys(DEFAULT_RETRAINING_POLICY).join(', ')})`, "the snapshot's policy", `one without ${key}`);
    }
    if (h.lastRetrainAt === undefined) throw rangeError('lastRetrainAt (a time or null)', "the snapshot's lastRetrainAt", 'none');
    h.history.forEach((d, i) => {
      if (typeof d !== 'object' || d === null || typeof d.shouldRetrain !== 'boolean' || !Number.isFinite(d.timestamp) || !Number.isFinite(d.severityScore) || !Array.isArray(d.triggerReasons)) {
        throw rangeError('a retraining decision', `the snapshot's history[${i}]`, JSON.stringify(d)?.slice(0, 80) ?? String(d));
      }
    });
    const trigger = new RetrainingTrigger(h.modelName, h.policy, { now: options.now, lastRetrainAt: h.lastRetrainAt, historyCapacity: h.historyCapacity });
    trigger.history.push(...h.history.slice(-trigger.historyCapacity));
    return trigger;
  }
}

function toEpochMs(value: unknown): number | null {
  if (value === null) return null;
  if (value instanceof Date) return requireNumber(value.getTime(), 'lastRetrainAt (a valid Date)');
  return requireNumber(value, 'lastRetrainAt');
}

function validatePolicy(p: RetrainingPolicy): RetrainingPolicy {
  requireNumber(p.accuracyThreshold, 'policy.accuracyThreshold', 0);
  requireNumber(p.driftThreshold, 'policy.driftThreshold', 0);
  requireNumber(p.minTimeBetweenRetrainsMs, 'policy.minTimeBetweenRetrainsMs', 0);
  requireNumber(p.maxTimeWithoutRetrainMs, 'policy.maxTimeWithoutRetrainMs', 0);
  if (p.minTimeBetweenRetrainsMs > p.maxTimeWithoutRetrainMs) {
    // Such a policy could never honour both: the maximum age would demand retrains the minimum forbids.
    throw rangeError(`a policy.minTimeBetweenRetrainsMs <= policy.maxTimeWithoutRetrainMs (${p.maxTimeWithoutRetrainMs})`, 'policy.minTimeBetweenRetrainsMs', String(p.minTimeBetweenRetrainsMs));
  }
  const w = p.driftSeverityWeights;
  if (typeof w !== 'object' || w === null) throw typeError('an object { low, medium, high }', 'policy.driftSeverityWeights', w);
  const weights = {
    low: requireNumber(w.low, 'policy.driftSeverityWeights.low', 0),
    medium: requireNumber(w.medium, 'policy.driftSeverityWeights.medium', 0),
    high: requireNumber(w.high, 'policy.driftSeverityWeights.high', 0),
  };
  return { ...p, driftSeverityWeights: Object.freeze(weights) };
}

function validateAlerts(alerts: unknown): void {
  const a = alerts as AlertReport;
  if (typeof a !== 'object' || a === null || typeof a.status !== 'string' || !Array.isArray(a.alerts)) {
    throw typeError('a ModelMonitor.checkAlerts() report { status, alerts }', 'alerts', alerts);
  }
  a.alerts.forEach((alert, i) => {
    if (typeof alert !== 'object' || alert === null || typeof alert.type !== 'string') throw typeError('an alert { type, current, threshold }', `alerts.alerts[${i}]`, alert);
    if (alert.type === 'accuracy_degradation') {
      requireNumber(alert.current, `alerts.alerts[${i}].current`);
      requireNumber(alert.threshold, `alerts.alerts[${i}].threshold`);
    }
  });
}

function validateDrift(drift: unknown, weights: Record<DriftSeverity, number>): void {
  const d = drift as DriftSignal;
  if (typeof d !== 'object' || d === null || typeof d.driftDetected !== 'boolean') {
    throw typeError('a drift result { driftDetected, driftSeverity, maxDriftScore }', 'drift', drift);
  }
  if (typeof d.driftSeverity !== 'string' || !Object.hasOwn(weights, d.driftSeverity)) {
    throw typeError(`one of ${Object.keys(weights).join(', ')}`, 'drift.driftSeverity', d.driftSeverity);
  }
  if (typeof d.maxDriftScore !== 'number') throw typeError('a number', 'drift.maxDriftScore', d.maxDriftScore);
}
