/**
 * Between the passes: from the merged pass-1 partial and the reference, which test each column
 * gets (the suite's automatic choice, read through mergedPair) and what pass 2 must ship for it:
 *
 * - ks: the values of the KS candidate buckets (bucket-bounds.ts);
 * - wasserstein: the values of the buckets where the ECDF difference may change sign (the others
 *   have their integral in closed form from the pass-1 counts and offset sums);
 * - psi / jensenshannon on numbers binned by Sturges' rule: a histogram over edges that depend on
 *   the merged range and size, known only now;
 * - every other test reads pass 1 alone.
 *
 * The request is plain JSON-safe data (edge values as numbers, null for ±∞), for a queue to carry.
 */
import { getBackend } from '../backend/registry.js';
import type { Backend } from '../backend/contract.js';
import { typeError } from '../errors.js';
import { resolveSuite } from '../drift/drift-detector.js';
import type { DriftSuiteOptions, DriftTestName } from '../drift/drift-options.js';
import type { ReferenceProfile } from '../drift/reference-profile.js';
import type { SuiteConfig } from '../drift/drift-suite.js';
import { MAX_DISCRETE_VALUES } from '../drift/statistics.js';
import { autoTest } from '../drift/tests/index.js';
import { referenceBuckets } from './bucket-edges.js';
import { bucketBounds, type BucketBounds } from './bucket-bounds.js';
import { currentUsable, mergedPair } from './merged-pair.js';
import type { NumericPartial, PartialProfile } from './partial-profile.js';

export interface DistributedOptions extends DriftSuiteOptions {
  /**
   * 'needed' (default): pass 2 ships only what the columns' tests read; 'all': the values for both
   * exact distances (KS and Wasserstein) of every numerical column, whatever its test.
   */
  distances?: 'needed' | 'all';
  /** Backend of the kernels (default: the active one). */
  backend?: Backend;
}

/** One column's share of pass 2. */
export interface Pass2Column {
  name: string;
  /** Buckets whose current values to ship, ascending, with their bounds [lo, hi) (null: -∞ / +∞). */
  buckets: number[];
  bounds: [number | null, number | null][];
  /** Count the current finite values over sturgesEdges(min, max, n) (statistics.ts). */
  histogram: { min: number; max: number; n: number } | null;
}

/** What every partition's pass 2 needs. */
export interface Pass2Request {
  columns: Pass2Column[];
  /** Finite current values of the numerical columns, and how many of them pass 2 ships. */
  finiteValues: number;
  shippedValues: number;
}

/** A column's plan: its test (undefined when a side has no values) and what it reads. */
export interface ColumnPlan {
  test: DriftTestName | undefined;
  needKs: boolean;
  needWasserstein: boolean;
  needHistogram: boolean;
  bounds: BucketBounds | null;
}

/** The suite configuration of a run's options (as DriftDetector resolves them). */
export function suiteOf(reference: ReferenceProfile, options: DistributedOptions): SuiteConfig {
  if (typeof options !== 'object' || options === null) throw typeError('an options object', 'options', options);
  const { distances: _d, backend: _b, ...suite } = options;
  return resolveSuite(reference, suite);
}

/** Each column's plan, from the merged partial; shared by candidates() and finishReport(). */
export function planColumns(merged: PartialProfile, reference: ReferenceProfile, options: DistributedOptions): ColumnPlan[] {
  const config = suiteOf(reference, options);
  const backend = options.backend ?? getBackend();
  if (merged.columns.length !== reference.columns.length || merged.columns.some((c, k) => c.name !== reference.columns[k].name)) {
    throw typeError(`a partial profile of the reference's columns (${reference.columns.map((c) => c.name).join(', ')})`, 'merged', merged.columns.map((c) => c.name).join(', '));
  }
  return reference.columns.map((column, k): ColumnPlan => {
    const current = merged.columns[k];
    const referenceCount = column.kind === 'numerical' ? column.count : column.sample.n;
    if (referenceCount === 0 || currentUsable(current) === 0) return { test: undefined, needKs: false, needWasserstein: false, needHistogram: false, bounds: null };
    const configured = config.columns[k].test;
    const test = configured === 'auto' ? autoTest(mergedPair(reference, column, current)) : configured;
    const numerical = column.kind === 'numerical';
    const all = options.distances === 'all' && numerical;
    const needHistogram = numerical && (test === 'psi' || test === 'jensenshannon') && column.distinct > MAX_DISCRETE_VALUES;
    let bounds: BucketBounds | null = null;
    if (numerical) {
      const c = current as NumericPartial;
      const buckets = referenceBuckets(reference.packed, column.start, column.count, merged.buckets, backend);
      if (c.fingerprint !== buckets.fingerprint || c.bucketCounts === null) {
        throw typeError(`partials bucketed on this reference (${merged.buckets} steps)`, `merged.columns.${column.name}`, 'buckets of another reference or step count');
      }
      bounds = bucketBounds(buckets, c.bucketCounts, column.count, c.finiteCount);
    }
    return { test, needKs: all || test === 'ks', needWasserstein: all || test === 'wasserstein', needHistogram, bounds };
  });
}

/** The buckets a plan walks in pass 2: KS candidates for ks, sign-changing buckets for wasserstein. */
export function walkedBuckets(plan: ColumnPlan): number[] {
  if (!plan.bounds) return [];
  const out: number[] = [];
  plan.bounds.sign.forEach((s, k) => {
    if ((plan.needKs && plan.bounds!.ksCandidate[k]) || (plan.needWasserstein && s === 0)) out.push(k);
  });
  return out;
}

/**
 * Pass 2's request from the merged pass-1 partial: per column the buckets whose values to ship
 * and the histogram to count (options as DriftDetector's, plus `distances`). Deterministic: the
 * same merged partial, reference and options give the same request, which finishReport recomputes.
 */
export function candidates(merged: PartialProfile, reference: ReferenceProfile, options: DistributedOptions = {}): Pass2Request {
  const plans = planColumns(merged, reference, options);
  const backend = options.backend ?? getBackend();
  const columns: Pass2Column[] = [];
  let finiteValues = 0;
  let shippedValues = 0;
  reference.columns.forEach((column, k) => {
    const current = merged.columns[k];
    if (column.kind !== 'numerical' || current.kind !== 'numbers') return;
    finiteValues += current.finiteCount;
    const plan = plans[k];
    const buckets = walkedBuckets(plan);
    if (buckets.length === 0 && !plan.needHistogram) return;
    const edges = referenceBuckets(reference.packed, column.start, column.count, merged.buckets, backend).edges;
    for (const b of buckets) shippedValues += current.bucketCounts![b];
    columns.push({
      name: column.name,
      buckets,
      bounds: buckets.map((b) => [b === 0 ? null : edges[b - 1], b === edges.length ? null : edges[b]]),
      histogram: plan.needHistogram ? { min: Math.min(reference.sorted(column)[0], current.finiteMin), max: Math.max(reference.sorted(column)[column.count - 1], current.finiteMax), n: column.count + current.finiteCount } : null,
    });
  });
  return { columns, finiteValues, shippedValues };
}
