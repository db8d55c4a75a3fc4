/**
 * The buckets of pass 1: equi-depth buckets of the reference, whose edges are values of the
 * reference's sorted finite values (the ReferenceProfile holds them, so the edges cost nothing).
 *
 * With edges e_1 < … < e_K (e_1 = the reference minimum, e_K = its maximum) the buckets are
 * b_0 = (-∞, e_1), b_k = [e_k, e_k+1) for 1 <= k < K, and b_K = [e_K, +∞). Choosing the
 * extremes as edges makes the outer buckets free of reference mass (b_0) or reference variation
 * (b_K: the reference ECDF is 1 there), so the ECDF difference never changes sign in them.
 *
 * Per bucket a side is summarised by its count and its offset sum: Σ (v - e_k) over the bucket's
 * values (b_0: Σ (e_1 - v)), a non-negative sum from which the integral of the ECDF over the
 * bucket follows in closed form (docs/distributed.md). Both come from existing kernels: counts
 * by binary search in sorted values, offset sums from accumulateColumnStats' shifted mean.
 */
import type { Backend } from '../backend/contract.js';
import { COLUMN_STATS_FIELDS, newColumnStatsState } from '../backend/column-stats-state.js';
import { crc32 } from '../persist/crc32.js';
import { searchSorted } from '../drift/statistics.js';

/** Default number of equi-depth steps between the reference's minimum and maximum. */
export const DEFAULT_BUCKETS = 1024;

/** The bucket edges of one reference column, with what the reference holds below and at each. */
export interface ReferenceBuckets {
  /** Strictly ascending reference values: edges[0] = minimum, edges[K-1] = maximum. */
  edges: Float64Array;
  /** below[k]: reference values < edges[k]. */
  below: Float64Array;
  /** atMost[k]: reference values <= edges[k]. */
  atMost: Float64Array;
  /** Reference count and offset sum per bucket (K + 1 buckets). */
  counts: Float64Array;
  sums: Float64Array;
  /** CRC-32 of the edges' bytes: partials built on other edges are refused when merged. */
  fingerprint: number;
}

/**
 * Edges at the reference values of ranks floor(t (n - 1) / steps), t = 0 … steps, duplicates
 * dropped (a value holding more than one step's mass is one edge, and its ties one bucket).
 */
export function bucketEdges(sorted: Float64Array, steps: number): Float64Array {
  const n = sorted.length;
  if (n === 0) return new Float64Array(0);
  const edges: number[] = [];
  for (let t = 0; t <= steps; t++) {
    const v = sorted[Math.floor((t * (n - 1)) / steps)];
    if (edges.length === 0 || v !== edges[edges.length - 1]) edges.push(v);
  }
  return Float64Array.from(edges);
}

/** Positions in sorted values where each bucket starts: starts[k] = values < edges[k-1] (starts[0] = 0), starts[K+1] = length. */
export function bucketStarts(sorted: Float64Array, edges: Float64Array): Float64Array {
  const starts = new Float64Array(edges.length + 2);
  for (let k = 0; k < edges.length; k++) starts[k + 1] = searchSorted(sorted, edges[k], 'left');
  starts[edges.length + 1] = sorted.length;
  return starts;
}

/**
 * Σ (v - anchor) (or Σ (anchor - v) when `fromAbove`) over sorted finite values, from the
 * accumulateColumnStats kernel: its state holds n, a shift K inside the values' range and the mean
 * relative to K, so n ((K - anchor) + mean) keeps the digits of values far from zero (1e8 + small
 * offsets) that n · mean - n · anchor would cancel.
 */
function offsetSum(values: Float64Array, anchor: number, fromAbove: boolean, backend: Backend): number {
  const n = values.length;
  if (n === 0) return 0;
  const state = newColumnStatsState(1);
  backend.accumulateColumnStats(values, n, 1, state);
  const shift = state[COLUMN_STATS_FIELDS.indexOf('shift')];
  const mean = state[COLUMN_STATS_FIELDS.indexOf('mean')];
  const sum = fromAbove ? n * (anchor - shift - mean) : n * (shift - anchor + mean);
  return sum > 0 ? sum : 0; // every term is >= 0: a rounding below zero is zero
}

/** Counts and offset sums of sorted finite values over the buckets of `edges` (one algorithm for both sides). */
export function bucketize(sorted: Float64Array, edges: Float64Array, backend: Backend): { counts: Float64Array; sums: Float64Array } {
  const starts = bucketStarts(sorted, edges);
  const buckets = edges.length + 1;
  const counts = new Float64Array(buckets);
  const sums = new Float64Array(buckets);
  for (let k = 0; k < buckets; k++) {
    const values = sorted.subarray(starts[k], starts[k + 1]);
    counts[k] = values.length;
    sums[k] = k === 0 ? offsetSum(values, edges[0], true, backend) : offsetSum(values, edges[k - 1], false, backend);
  }
  return { counts, sums };
}

const cache = new WeakMap<Float64Array, Map<string, ReferenceBuckets>>();

/**
 * The buckets of a reference column: its sorted values are packed[start, start + count) (a
 * ReferenceProfile's packed array, which never changes, so the result is cached per array, window
 * and step count).
 */
export function referenceBuckets(packed: Float64Array, start: number, count: number, steps: number, backend: Backend): ReferenceBuckets {
  let byKey = cache.get(packed);
  if (!byKey) cache.set(packed, (byKey = new Map()));
  const key = `${start}:${count}:${steps}`;
  const known = byKey.get(key);
  if (known) return known;
  const sorted = packed.subarray(start, start + count);
  const edges = bucketEdges(sorted, steps);
  const below = Float64Array.from(edges, (e) => searchSorted(sorted, e, 'left'));
  const atMost = Float64Array.from(edges, (e) => searchSorted(sorted, e, 'right'));
  const { counts, sums } = bucketize(sorted, edges, backend);
  const fingerprint = crc32(new Uint8Array(edges.buffer, edges.byteOffset, edges.byteLength));
  const made = { edges, below, atMost, counts, sums, fingerprint };
  byKey.set(key, made);
  return made;
}
