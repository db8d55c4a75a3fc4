/**
 * JS ksDistance: the two-sample Kolmogorov–Smirnov distance of two unsorted samples, without
 * sorting them. Twin: native/kernels/ks_distance.cc (cpu; the cuda backend uses the cpu one):
 * the same bins, the same answer, which is bit for bit the `ks` of ecdfDistances over both
 * samples' finite values sorted (the same divisions i/na - j/nb at the same points).
 *
 * D = max |Fa(x) - Fb(x)| needs the exact ECDFs only near its maximum. The finite values are
 * counted into bins by value with a monotone map, so each bin holds a contiguous stretch of the
 * pooled sorted order, ties together. The counts before and after a bin give the difference at
 * its end exactly (the point after its largest value) and bound every point inside it. Only bins
 * whose bound beats the largest end difference, and that hold values of both samples (with one
 * sample's values alone the difference moves one way, so its extremes are at the bin's ends), are
 * sorted and walked. The bins: value-bins.ts.
 */
import type { FloatArray } from '../../matrix.js';
import type { KsDistanceResult } from '../contract.js';
import { ECDF_WALK, newEcdfWalkState } from '../ecdf-walk-state.js';
import { ecdfWalk } from './ecdf-distances.js';
import { binOf, gatherSorted, sortedWalk, VALUE_BINS as BINS, VALUE_BINS_MINIMUM, valueBinsOf, type ValueBins } from './value-bins.js';

function countBins(v: FloatArray, binning: ValueBins, counts: Float64Array): void {
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (Number.isFinite(x)) counts[binOf(x, binning)]++;
  }
}

/** See Backend.ksDistance. */
export function ksDistance(a: FloatArray, b: FloatArray): KsDistanceResult {
  if (a.length + b.length < VALUE_BINS_MINIMUM) {
    const { ks, na, nb } = sortedWalk(a, b);
    return { ks, na, nb };
  }
  const binning = valueBinsOf(a, b);
  const ha = new Float64Array(BINS);
  const hb = new Float64Array(BINS);
  countBins(a, binning, ha);
  countBins(b, binning, hb);
  let na = 0;
  let nb = 0;
  for (let k = 0; k < BINS; k++) {
    na += ha[k];
    nb += hb[k];
  }
  if (na === 0 || nb === 0) return { ks: NaN, na, nb };
  const diff = (i: number, j: number): number => Math.abs(i / na - j / nb);

  let ks = 0; // the largest difference at a bin's end
  for (let k = 0, i = 0, j = 0; k < BINS; k++) {
    if (ha[k] + hb[k] === 0) continue;
    i += ha[k];
    j += hb[k];
    const d = diff(i, j);
    if (d > ks) ks = d;
  }
  const walked = new Uint8Array(BINS);
  let ga = 0;
  let gb = 0;
  for (let k = 0, i = 0, j = 0; k < BINS; k++) {
    const i1 = i + ha[k];
    const j1 = j + hb[k];
    if (ha[k] > 0 && hb[k] > 0 && Math.max(diff(i1, j), diff(i, j1)) > ks) {
      walked[k] = 1;
      ga += ha[k];
      gb += hb[k];
    }
    i = i1;
    j = j1;
  }
  if (ga === 0) return { ks, na, nb };

  const sa = gatherSorted(a, binning, walked, ga);
  const sb = gatherSorted(b, binning, walked, gb);
  // Each gathered bin is walked by the ECDF walk from a state at the counts before it: the same
  // expression on the same integers as the walk over all the data. Its first value only sets
  // `last` (the difference before it, at the previous bin's end, is already counted), and its
  // last value's difference, left pending, is this bin's end difference.
  const state = newEcdfWalkState(na, nb);
  let pa = 0;
  let pb = 0;
  for (let k = 0, i = 0, j = 0; k < BINS; k++) {
    if (walked[k] === 1) {
      const ba = sa.subarray(pa, pa + ha[k]);
      const bb = sb.subarray(pb, pb + hb[k]);
      state[ECDF_WALK.i] = i;
      state[ECDF_WALK.j] = j;
      state[ECDF_WALK.ks] = ks;
      state[ECDF_WALK.last] = Math.min(ba[0], bb[0]);
      state[ECDF_WALK.lastDiff] = diff(i, j);
      ecdfWalk(ba, true, bb, true, state);
      ks = state[ECDF_WALK.ks];
      pa += ha[k];
      pb += hb[k];
    }
    i += ha[k];
    j += hb[k];
  }
  return { ks, na, nb };
}
