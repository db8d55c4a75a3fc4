/**
 * Bins by value for the distances of unsorted samples (ks-distance.ts, wasserstein-distance.ts):
 * a monotone map from a value to one of VALUE_BINS bins, so each bin holds a contiguous stretch of
 * the pooled sorted order with ties together, and the gather of the few bins a kernel cannot
 * settle from per-bin summaries. Twin: native/kernels/value_bins.h.
 *
 * The bins are equal-width between the 0.1 % and 99.9 % points of a strided sample of both
 * samples, with one open-ended bin below and one above: for a smooth distribution each holds
 * ~1/65536 of the values. A sample concentrated on few values leaves big bins: slower, never wrong.
 */
import type { FloatArray } from '../../matrix.js';
import { ecdfWalkDistances, newEcdfWalkState } from '../ecdf-walk-state.js';
import { ecdfWalk } from './ecdf-distances.js';
import { sortColumns } from './sort-columns.js';

/** Bins, sample size and tail share: shared with the C++ twin (speed only; no answer depends on them). */
export const VALUE_BINS = 1 << 16;
/**
 * Below this many values in both samples together the kernels sort and walk them whole: setting up
 * 65 536 bins then costs more than the sort (measured: the crossover lies near 10^5 a sample).
 */
export const VALUE_BINS_MINIMUM = 1 << 17;
const SAMPLE_EACH = 4096;
const TAIL_SHARE = 0.001;

export interface ValueBins {
  halfLo: number;
  scale: number;
  /** Of an inner bin in x: 2 / scale (0 when scale is 0). */
  width: number;
}

/**
 * 0 below lo, VALUE_BINS - 1 above hi, 1 + floor((x/2 - lo/2) * scale) between: each step is
 * monotone in x, rounding included, so x <= y gives bin(x) <= bin(y). Halves keep hi - lo finite.
 */
export function binOf(x: number, { halfLo, scale }: ValueBins): number {
  const t = (x * 0.5 - halfLo) * scale;
  if (!(t >= 0)) return 0;
  if (t >= VALUE_BINS - 2) return VALUE_BINS - 1;
  return 1 + Math.floor(t);
}

/** A value near the low end of inner bin k, from k alone: the point that bin's sums are taken from. */
export function binStart(k: number, { halfLo, width }: ValueBins): number {
  return 2 * halfLo + (k - 1) * width;
}

function sampleFinite(v: FloatArray, out: number[]): void {
  const step = Math.max(1, Math.floor(v.length / SAMPLE_EACH));
  for (let i = 0; i < v.length; i += step) if (Number.isFinite(v[i])) out.push(v[i]);
}

/** The bins for samples a and b. */
export function valueBinsOf(a: FloatArray, b: FloatArray): ValueBins {
  const sample: number[] = [];
  sampleFinite(a, sample);
  sampleFinite(b, sample);
  if (sample.length === 0) return { halfLo: 0, scale: 0, width: 0 };
  const sorted = Float64Array.from(sample).sort();
  const tail = Math.floor(TAIL_SHARE * sorted.length);
  const lo = sorted[tail];
  const hi = sorted[sorted.length - 1 - tail];
  const halfWidth = hi * 0.5 - lo * 0.5;
  const raw = halfWidth > 0 ? (VALUE_BINS - 2) / halfWidth : 0;
  const scale = Number.isFinite(raw) ? raw : 0;
  return { halfLo: lo * 0.5, scale, width: scale > 0 ? 2 / scale : 0 };
}

/** The finite values of v in the walked bins, sorted (-0 made +0: one value to the walk). */
export function gatherSorted(v: FloatArray, bins: ValueBins, walked: Uint8Array, count: number): Float64Array {
  const out = new Float64Array(count);
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (Number.isFinite(x) && walked[binOf(x, bins)] === 1) out[n++] = x + 0;
  }
  return out.sort();
}

/** The walk over both samples' finite values sorted, for samples too small to bin: their distances and finite counts. */
export function sortedWalk(a: FloatArray, b: FloatArray): { ks: number; wasserstein: number; na: number; nb: number } {
  const finiteSorted = (v: FloatArray) => {
    const { values, counts } = sortColumns(v, v.length, 1, 0, 1);
    return values.subarray(0, counts[0]);
  };
  const sa = finiteSorted(a);
  const sb = finiteSorted(b);
  const state = newEcdfWalkState(sa.length, sb.length);
  if (sa.length > 0 && sb.length > 0) ecdfWalk(sa, true, sb, true, state);
  return { ...ecdfWalkDistances(state), na: sa.length, nb: sb.length };
}
