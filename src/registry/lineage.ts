/**
 * Lineage: where a version came from: the training data (a name and a hash of its contents), the
 * version it was retrained from, the RetrainingDecision and drift report that caused it, and the
 * training run. Kept as JSON with the version; the policy can require the training data.
 */
import type { RetrainingDecision } from '../trigger/retraining-trigger.js';
import { requireInteger, typeError } from '../errors.js';

export interface TrainingData {
  /** What the data is called (a table, a file, a dataset version). */
  name: string;
  /** A hash of its contents (e.g. SHA-256 hex), so "the same data" can be checked. */
  contentHash: string;
}

export interface Lineage {
  trainingData?: TrainingData | null;
  /** The version of the same model this one was retrained from. */
  parentVersion?: number | null;
  /** The decision that asked for this retrain (RetrainingTrigger.shouldRetrain's result). */
  retrainingDecision?: RetrainingDecision | null;
  /** The drift report that led to it (any JSON: detect()'s result, a file report). */
  driftReport?: unknown;
  /** The training run or job that produced the model. */
  run?: string | null;
}

/** Checks lineage's form; returns a JSON-safe copy (undefined fields dropped). */
export function checkLineage(lineage: unknown): Lineage {
  if (lineage === undefined || lineage === null) return {};
  if (typeof lineage !== 'object') throw typeError('an object { trainingData?, parentVersion?, retrainingDecision?, driftReport?, run? }', 'lineage', lineage);
  const l = lineage as Lineage;
  const out: Lineage = {};
  if (l.trainingData != null) {
    const t = l.trainingData;
    if (typeof t !== 'object' || typeof t.name !== 'string' || t.name.length === 0 || typeof t.contentHash !== 'string' || t.contentHash.length === 0) {
      throw typeError('{ name, contentHash } with non-empty strings', 'lineage.trainingData', t);
    }
    out.trainingData = { name: t.name, contentHash: t.contentHash };
  }
  if (l.parentVersion != null) out.parentVersion = requireInteger(l.parentVersion, 'lineage.parentVersion', 1);
  if (l.retrainingDecision != null) {
    const d = l.retrainingDecision;
    if (typeof d !== 'object' || typeof d.shouldRetrain !== 'boolean' || !Array.isArray(d.triggerReasons)) throw typeError('a RetrainingDecision (from RetrainingTrigger.shouldRetrain)', 'lineage.retrainingDecision', d);
    out.retrainingDecision = JSON.parse(JSON.stringify(d)) as RetrainingDecision;
  }
  if (l.driftReport !== undefined && l.driftReport !== null) {
    try {
      out.driftReport = JSON.parse(JSON.stringify(l.driftReport));
    } catch {
      throw typeError('a JSON-serializable drift report', 'lineage.driftReport', l.driftReport);
    }
  }
  if (l.run != null) {
    if (typeof l.run !== 'string') throw typeError('a string', 'lineage.run', l.run);
    out.run = l.run;
  }
  return out;
}
