/**
 * mergeProfiles: the PartialProfile of several partitions together. Counts, extremes, runs,
 * categories and sketch buckets merge exactly (integers and min/max); the floating-point parts
 * (moments by Chan's update, bucket offset sums, sketch sums) depend on the order of the
 * additions, so the partials are sorted by partition number first: the same set of partials gives
 * the same bits whatever order they arrived in.
 */
import { mergeColumnStatsStates } from '../backend/column-stats-state.js';
import { CorruptPartialError, typeError } from '../errors.js';
import { alignCategories } from '../drift/samples.js';
import { decodePartial } from './partial-format.js';
import { MAX_PARTIAL_RUNS, type LabelPartial, type NumericPartial, type PartialColumn, type PartialProfile, type Runs } from './partial-profile.js';
import { SignedSketch } from './signed-sketch.js';

function mismatch(detail: string): CorruptPartialError {
  return new CorruptPartialError('drift partial profiles to merge', detail);
}

/** Union of two run lists, counts added; null past `limit` distinct values or when either is null. */
function mergeRuns(a: Runs | null, b: Runs | null, limit: number): Runs | null {
  if (!a || !b) return null;
  const n = (r: Runs) => ({ categories: r.values, counts: r.counts, n: 0, total: 0 });
  const aligned = alignCategories(n(a), n(b));
  if (aligned.categories.length > limit) return null;
  return { values: aligned.categories as number[], counts: aligned.a.map((c, i) => c + aligned.b[i]) };
}

function copyNumbers(c: NumericPartial): NumericPartial {
  const sketch = new SignedSketch({ relativeAccuracy: c.sketch.positive.relativeAccuracy, maxBins: c.sketch.positive.maxBins });
  sketch.merge(c.sketch);
  return {
    ...c,
    stats: Float64Array.from(c.stats),
    finiteMoments: Float64Array.from(c.finiteMoments),
    runs: c.runs && { values: [...c.runs.values], counts: [...c.runs.counts] },
    bucketCounts: c.bucketCounts && Float64Array.from(c.bucketCounts),
    bucketSums: c.bucketSums && Float64Array.from(c.bucketSums),
    sketch,
  };
}

function addNumbers(into: NumericPartial, from: NumericPartial, runLimit: number): void {
  if (into.referenceKind !== from.referenceKind || (into.bucketCounts === null) !== (from.bucketCounts === null) || into.fingerprint !== from.fingerprint || (into.bucketCounts && into.bucketCounts.length !== from.bucketCounts!.length)) {
    throw mismatch(`column ${JSON.stringify(into.name)}: buckets of another reference or another bucket count`);
  }
  into.total += from.total;
  mergeColumnStatsStates(into.stats, from.stats, 1);
  mergeColumnStatsStates(into.finiteMoments, from.finiteMoments, 1);
  if (from.finiteCount > 0) {
    into.finiteMin = into.finiteCount > 0 ? Math.min(into.finiteMin, from.finiteMin) : from.finiteMin;
    into.finiteMax = into.finiteCount > 0 ? Math.max(into.finiteMax, from.finiteMax) : from.finiteMax;
  }
  into.finiteCount += from.finiteCount;
  into.runs = mergeRuns(into.runs, from.runs, runLimit);
  if (into.bucketCounts && from.bucketCounts) {
    for (let k = 0; k < into.bucketCounts.length; k++) {
      into.bucketCounts[k] += from.bucketCounts[k];
      into.bucketSums![k] += from.bucketSums![k];
    }
  }
  into.sketch.merge(from.sketch);
}

function addLabels(into: LabelPartial, from: LabelPartial): void {
  const aligned = alignCategories(
    { categories: into.categories, counts: into.counts, n: 0, total: 0 },
    { categories: from.categories, counts: from.counts, n: 0, total: 0 },
  );
  into.total += from.total;
  into.categories = aligned.categories as string[];
  into.counts = aligned.a.map((c, i) => c + aligned.b[i]);
}

/**
 * The partial profile of all the given partials' partitions (each a PartialProfile or its bytes),
 * merged in ascending order of their first partition number, so the result does not depend on the
 * order they are given in. A merge can be merged again (a tree of merges); the partitions of the
 * parts must not overlap.
 *
 * @throws CorruptPartialError on damaged bytes, overlapping partitions, or partials of other
 *   columns, bucket steps, sketch options or references
 */
export function mergeProfiles(parts: readonly (PartialProfile | Uint8Array)[]): PartialProfile {
  if (!Array.isArray(parts) || parts.length === 0) throw typeError('a non-empty array of partial profiles (or their bytes)', 'parts', parts);
  const decoded: PartialProfile[] = (parts as readonly (PartialProfile | Uint8Array)[]).map((p) => (p instanceof Uint8Array ? decodePartial(p) : p));
  const ordered = [...decoded].sort((a, b) => a.partitions[0] - b.partitions[0]);
  const seen = new Set<number>();
  for (const p of ordered) {
    for (const n of p.partitions) {
      if (seen.has(n)) throw mismatch(`partition ${n} given twice`);
      seen.add(n);
    }
  }
  const [first, ...rest] = ordered;
  const columns: PartialColumn[] = first.columns.map((c) => (c.kind === 'labels' ? { ...c, categories: [...c.categories], counts: [...c.counts] } : copyNumbers(c)));
  let rows = first.rows;
  for (const p of rest) {
    if (p.buckets !== first.buckets || p.sketch.relativeAccuracy !== first.sketch.relativeAccuracy || p.sketch.maxBins !== first.sketch.maxBins) {
      throw mismatch(`partition ${p.partitions[0]}: other bucket steps or sketch options than partition ${first.partitions[0]}`);
    }
    if (p.columns.length !== columns.length || p.columns.some((c, k) => c.name !== columns[k].name || c.kind !== columns[k].kind)) {
      throw mismatch(`partition ${p.partitions[0]}: other columns than partition ${first.partitions[0]}`);
    }
    rows += p.rows;
    p.columns.forEach((c, k) => {
      const into = columns[k];
      if (into.kind === 'labels') addLabels(into, c as LabelPartial);
      else addNumbers(into, c as NumericPartial, into.referenceKind === 'numerical' ? MAX_PARTIAL_RUNS : Infinity);
    });
  }
  return { partitions: [...seen].sort((a, b) => a - b), rows, buckets: first.buckets, sketch: { ...first.sketch }, columns };
}
