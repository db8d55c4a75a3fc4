/**
 * compareVersions: what changed from version a to version b: metric deltas, whether b's signature
 * serves a's callers, the artifacts added, removed and changed (by hash), and their lineage.
 */
import type { Lineage } from './lineage.js';
import type { ModelVersion } from './model-version.js';
import { signatureDifferences } from './signature.js';

export interface VersionComparison {
  a: string;
  b: string;
  /** Every metric of either version: a's and b's values (null where missing) and b - a. */
  metrics: Record<string, { a: number | null; b: number | null; delta: number | null }>;
  signature: { compatible: boolean; differences: string[] };
  artifacts: { added: string[]; removed: string[]; changed: string[]; unchanged: string[] };
  lineage: { a: Lineage; b: Lineage; sameTrainingData: boolean; bDescendsFromA: boolean };
}

/** The comparison of a and b (pure: the registry loads both first). */
export function compareVersions(a: ModelVersion, b: ModelVersion): VersionComparison {
  const metrics: VersionComparison['metrics'] = {};
  for (const key of [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])].sort()) {
    const x = a.metrics[key] ?? null;
    const y = b.metrics[key] ?? null;
    metrics[key] = { a: x, b: y, delta: x === null || y === null ? null : y - x };
  }
  const before = new Map(a.artifacts.map((f) => [f.path, f.sha256]));
  const after = new Map(b.artifacts.map((f) => [f.path, f.sha256]));
  const artifacts: VersionComparison['artifacts'] = { added: [], removed: [], changed: [], unchanged: [] };
  for (const [path, hash] of after) {
    if (!before.has(path)) artifacts.added.push(path);
    else (before.get(path) === hash ? artifacts.unchanged : artifacts.changed).push(path);
  }
  for (const path of before.keys()) if (!after.has(path)) artifacts.removed.push(path);
  const ta = a.lineage.trainingData;
  const tb = b.lineage.trainingData;
  return {
    a: a.ref,
    b: b.ref,
    metrics,
    signature: signatureDifferences(a.signature, b.signature),
    artifacts,
    lineage: {
      a: a.lineage,
      b: b.lineage,
      sameTrainingData: Boolean(ta && tb && ta.contentHash === tb.contentHash),
      bDescendsFromA: a.name === b.name && b.lineage.parentVersion === a.version,
    },
  };
}
