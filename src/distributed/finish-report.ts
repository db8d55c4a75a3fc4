/**
 * The end of a distributed run: the merged pass-1 partial and every partition's pass-2 bytes give
 * the DatasetDriftResult DriftDetector.detect gives on the whole table — the same tests, chosen
 * by the same rules (through mergedPair), summarised by the same code (drift-suite.ts).
 */
import { clockOption, type Clock } from '../clock.js';
import { getBackend } from '../backend/registry.js';
import { CorruptPartialError } from '../errors.js';
import { columnOutcome, summarise, type DatasetDriftResult } from '../drift/drift-suite.js';
import type { ReferenceProfile } from '../drift/reference-profile.js';
import { measureColumn } from '../drift/tests/index.js';
import { referenceBuckets } from './bucket-edges.js';
import { candidates, planColumns, suiteOf, type DistributedOptions, type Pass2Request } from './candidates.js';
import { exactDistances } from './exact-distances.js';
import { currentUsable, mergedPair, type PassTwoResult } from './merged-pair.js';
import { decodePartial } from './partial-format.js';
import type { NumericPartial, PartialProfile } from './partial-profile.js';
import { decodePassTwo, type PassTwoColumn } from './pass-two.js';

export interface FinishOptions extends DistributedOptions {
  /** Clock of the report's timestamp, epoch milliseconds. Default Date.now. */
  now?: Clock;
}

/** Per column: the current values shipped for each walked bucket (sorted) and the summed histogram. */
interface Gathered {
  shipped: Map<number, Float64Array>;
  histogram: Float64Array | null;
}

/**
 * The pass-2 parts of every partition, gathered per requested column and checked against the
 * request and the merged counts: a bucket must receive exactly the values pass 1 counted in it,
 * within its bounds, so a missing, repeated or foreign partition is an error, not a wrong answer.
 */
function gather(request: Pass2Request, merged: PartialProfile, parts: readonly PassTwoColumn[][], backend: ReturnType<typeof getBackend>): Map<string, Gathered> {
  const out = new Map<string, Gathered>();
  for (const column of request.columns) {
    const fail = (detail: string) => new CorruptPartialError(`drift pass-2 partials, column ${JSON.stringify(column.name)}`, detail);
    const current = merged.columns.find((c) => c.name === column.name) as NumericPartial;
    const pieces = column.buckets.map(() => [] as Float64Array[]);
    let histogram: Float64Array | null = null;
    for (const part of parts) {
      const mine = part.find((c) => c.name === column.name);
      if (!mine || mine.buckets.length !== column.buckets.length || mine.buckets.some((b, i) => b !== column.buckets[i]) || (mine.histogram !== null) !== (column.histogram !== null)) {
        throw fail('a part made for another request (its buckets or histogram differ from this run\'s)');
      }
      let at = 0;
      mine.lengths.forEach((n, i) => {
        pieces[i].push(mine.values.subarray(at, at + n));
        at += n;
      });
      if (mine.histogram) {
        if (histogram && histogram.length !== mine.histogram.length) throw fail('histograms of different lengths');
        histogram ??= new Float64Array(mine.histogram.length);
        for (let i = 0; i < histogram.length; i++) histogram[i] += mine.histogram[i];
      }
    }
    const shipped = new Map<number, Float64Array>();
    column.buckets.forEach((b, i) => {
      const n = pieces[i].reduce((s, p) => s + p.length, 0);
      if (n !== current.bucketCounts![b]) throw fail(`bucket ${b}: ${n} values shipped where pass 1 counted ${current.bucketCounts![b]} (a partition missing or given twice?)`);
      const joined = new Float64Array(n);
      let at = 0;
      for (const p of pieces[i]) {
        joined.set(p, at);
        at += p.length;
      }
      const [lo, hi] = column.bounds[i];
      // The partitions' runs interleave: one sort kernel call orders the bucket's values.
      const sorted = n === 0 ? joined : backend.sortColumns(joined, n, 1, 0, 1).values.subarray(0, n);
      if (n > 0 && ((lo !== null && sorted[0] < lo) || (hi !== null && sorted[n - 1] >= hi))) throw fail(`bucket ${b}: values outside its bounds`);
      shipped.set(b, sorted);
    });
    if (column.histogram && (!histogram || histogram.reduce((a, c) => a + c, 0) !== current.finiteCount)) throw fail(`a histogram that does not count the ${current.finiteCount} finite values`);
    out.set(column.name, { shipped, histogram });
  }
  return out;
}

/**
 * The drift report of the whole table from the merged pass-1 partial (or its bytes) and the
 * pass-2 bytes of every partition, against the reference, with DriftDetector's options (the same
 * ones candidates() was given).
 *
 * @throws CorruptPartialError when the parts are damaged, incomplete or of another run
 */
export function finishReport(merged: PartialProfile | Uint8Array, pass2Parts: readonly Uint8Array[], reference: ReferenceProfile, options: FinishOptions = {}): DatasetDriftResult {
  const { now, ...runOptions } = options;
  const clock = clockOption(now);
  const partial = merged instanceof Uint8Array ? decodePartial(merged) : merged;
  const backend = runOptions.backend ?? getBackend();
  const config = suiteOf(reference, runOptions);
  const plans = planColumns(partial, reference, runOptions);
  const request = candidates(partial, reference, runOptions);
  const gathered = gather(request, partial, pass2Parts.map(decodePassTwo), backend);
  const outcomes = reference.columns.map((column, k) => {
    const current = partial.columns[k];
    const plan = plans[k];
    const sizes = {
      total: current.total,
      usable: currentUsable(current),
      referenceTotal: column.kind === 'numerical' ? column.total : column.sample.total,
      referenceUsable: column.kind === 'numerical' ? column.count : column.sample.n,
    };
    if (plan.test === undefined) return columnOutcome(sizes, config.columns[k], config.thresholds, undefined);
    const pass2: PassTwoResult = {};
    const got = gathered.get(column.name);
    if (column.kind === 'numerical' && (plan.needKs || plan.needWasserstein)) {
      const c = current as NumericPartial;
      const buckets = referenceBuckets(reference.packed, column.start, column.count, partial.buckets, backend);
      pass2.distances = exactDistances(reference.sorted(column), buckets, plan.bounds!, { n: c.finiteCount, sums: c.bucketSums! }, got?.shipped ?? new Map(), backend);
    }
    if (got?.histogram) pass2.histogram = got.histogram;
    const result = measureColumn(mergedPair(reference, column, current, pass2), plan.test);
    return columnOutcome(sizes, config.columns[k], config.thresholds, { test: plan.test, result });
  });
  return summarise(reference, outcomes, config, clock());
}

/**
 * The exact KS and Wasserstein distances of every numerical column with values on both sides
 * (run with `distances: 'all'` in candidates() so that pass 2 shipped what both need); for
 * checking and for callers who want the distances whatever the tests.
 */
export function finishDistances(merged: PartialProfile | Uint8Array, pass2Parts: readonly Uint8Array[], reference: ReferenceProfile, options: DistributedOptions = {}): Record<string, { ks: number; wasserstein: number }> {
  const partial = merged instanceof Uint8Array ? decodePartial(merged) : merged;
  const backend = options.backend ?? getBackend();
  const plans = planColumns(partial, reference, options);
  const gathered = gather(candidates(partial, reference, options), partial, pass2Parts.map(decodePassTwo), backend);
  const out: Record<string, { ks: number; wasserstein: number }> = Object.create(null);
  reference.columns.forEach((column, k) => {
    const plan = plans[k];
    if (column.kind !== 'numerical' || !plan.bounds) return;
    const c = partial.columns[k] as NumericPartial;
    const buckets = referenceBuckets(reference.packed, column.start, column.count, partial.buckets, backend);
    out[column.name] = exactDistances(reference.sorted(column), buckets, plan.bounds, { n: c.finiteCount, sums: c.bucketSums! }, gathered.get(column.name)?.shipped ?? new Map(), backend);
  });
  return out;
}
