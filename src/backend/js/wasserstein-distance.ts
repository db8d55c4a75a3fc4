/**
 * JS wassersteinDistance: the first Wasserstein distance of two unsorted samples, without sorting
 * them. Twin: native/kernels/wasserstein_distance.cc (cpu; the cuda backend uses the cpu one): the
 * same bins and the same closed forms, so the two agree to rounding, as each does with the `wasserstein`
 * of ecdfDistances over both samples' finite values sorted (1e-12 relative), not bit for bit.
 *
 * W = ∫ |Fa - Fb| dx. The finite values are summarized into bins by value (value-bins.ts: a
 * monotone map, so each bin holds a contiguous stretch of the pooled sorted order): per bin and
 * sample a count, the sum of (x - start of the bin), the least and the largest value. Between two
 * bins the walk's term is |D| (D = i/na - j/nb after the earlier bin, exact from the counts) times
 * the gap from one bin's largest value to the next one's least. Inside a bin D moves between
 * i/na - (j + cb)/nb and (i + ca)/na - j/nb; where that range does not cross 0, |∫ D| over
 * [least, most] is exact in closed form:
 *   ∫ (Fa - Fb) = D (most - least) + Σa (most - x) / na - Σb (most - x) / nb,
 *   Σ (most - x) = c (most - start) - Σ (x - start),
 * the sums taken from a point near the bin (and compensated) so they keep the precision of the bin's
 * width. The closed form is used only where its rounding error is bounded below 1e-14 of its value:
 * ca·top − Σ cancels when a bin's values crowd at its top, and its two sample terms cancel when they
 * nearly balance; every contribution is non-negative, so the whole sum then keeps that relative
 * accuracy. A bin whose values are all equal contributes exactly 0. The other bins (where D crosses
 * 0, the two open-ended outer bins, and any whose closed form overflows or cannot be trusted) are
 * gathered, sorted and walked by the ECDF walk from a state at the counts before them.
 */
import type { FloatArray } from '../../matrix.js';
import type { WassersteinDistanceResult } from '../contract.js';
import { ECDF_WALK, newEcdfWalkState } from '../ecdf-walk-state.js';
import { addTo, type Compensated } from './compensated.js';
import { ecdfWalk } from './ecdf-distances.js';
import { binOf, binStart, gatherSorted, sortedWalk, VALUE_BINS, VALUE_BINS_MINIMUM, valueBinsOf, type ValueBins } from './value-bins.js';

/** The closed form's rounding error may be at most this share of its value. */
const CLOSED_FORM_ERROR = 1e-14;

/** One sample's per-bin count, Σ (x - bin start) (inner bins only, compensated: sum + comp), least and largest value. */
interface SampleBins {
  count: Float64Array;
  sum: Float64Array;
  comp: Float64Array;
  least: Float64Array;
  most: Float64Array;
}

function summarize(v: FloatArray, bins: ValueBins): SampleBins {
  const s: SampleBins = {
    count: new Float64Array(VALUE_BINS),
    sum: new Float64Array(VALUE_BINS),
    comp: new Float64Array(VALUE_BINS),
    least: new Float64Array(VALUE_BINS).fill(Infinity),
    most: new Float64Array(VALUE_BINS).fill(-Infinity),
  };
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!Number.isFinite(x)) continue;
    const k = binOf(x, bins);
    s.count[k]++;
    if (k !== 0 && k !== VALUE_BINS - 1) {
      // Neumaier's compensated sum (compensated.ts), inline: this loop runs once per value
      const v = x - binStart(k, bins);
      const sum = s.sum[k];
      const t = sum + v;
      s.comp[k] += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
      s.sum[k] = t;
    }
    if (x < s.least[k]) s.least[k] = x;
    if (x > s.most[k]) s.most[k] = x;
  }
  return s;
}

/** See Backend.wassersteinDistance. */
export function wassersteinDistance(a: FloatArray, b: FloatArray): WassersteinDistanceResult {
  if (a.length + b.length < VALUE_BINS_MINIMUM) {
    const { wasserstein, na, nb } = sortedWalk(a, b);
    return { wasserstein, na, nb };
  }
  const bins = valueBinsOf(a, b);
  const A = summarize(a, bins);
  const B = summarize(b, bins);
  let na = 0;
  let nb = 0;
  for (let k = 0; k < VALUE_BINS; k++) {
    na += A.count[k];
    nb += B.count[k];
  }
  if (na === 0 || nb === 0) return { wasserstein: NaN, na, nb };
  // The walk's expression for D after i values of a and j of b.
  const diff = (i: number, j: number): number => i / na - j / nb;

  const total: Compensated = { sum: 0, comp: 0 };
  const walked = new Uint8Array(VALUE_BINS);
  let ga = 0;
  let gb = 0;
  let first = true;
  let last = 0; // the largest value of the previous non-empty bin
  for (let k = 0, i = 0, j = 0; k < VALUE_BINS; k++) {
    const ca = A.count[k];
    const cb = B.count[k];
    if (ca + cb === 0) continue;
    const least = Math.min(A.least[k], B.least[k]);
    const most = Math.max(A.most[k], B.most[k]);
    const d0 = diff(i, j);
    if (!first) addTo(total, Math.abs(d0) * (least - last));
    first = false;
    let settled = false;
    if (k !== 0 && k !== VALUE_BINS - 1) {
      if (least === most) {
        settled = true; // one value: a zero-width stretch, as in the walk
      } else if (diff(i, j + cb) >= 0 || diff(i + ca, j) <= 0) {
        const top = most - binStart(k, bins);
        const sa = A.sum[k] + A.comp[k];
        const sb = B.sum[k] + B.comp[k];
        const integral = d0 * (most - least) + (ca * top - sa) / na - (cb * top - sb) / nb;
        // A bound on its rounding error: a few units of roundoff of every magnitude in it.
        const magnitude = Math.abs(d0) * (most - least) + (ca * Math.abs(top) + Math.abs(sa)) / na + (cb * Math.abs(top) + Math.abs(sb)) / nb;
        if (Number.isFinite(integral) && Number.isFinite(magnitude) && 8 * Number.EPSILON * magnitude <= CLOSED_FORM_ERROR * Math.abs(integral)) {
          addTo(total, Math.abs(integral));
          settled = true;
        }
      }
    }
    if (!settled) {
      walked[k] = 1;
      ga += ca;
      gb += cb;
    }
    i += ca;
    j += cb;
    last = most;
  }

  if (ga + gb > 0) {
    const sa = gatherSorted(a, bins, walked, ga);
    const sb = gatherSorted(b, bins, walked, gb);
    // Each walked bin from a state at the counts before it, starting at its least value with the
    // difference before it (the gap term into it is already counted): its sum is ∫ |D| over it.
    const state = newEcdfWalkState(na, nb);
    let pa = 0;
    let pb = 0;
    for (let k = 0, i = 0, j = 0; k < VALUE_BINS; k++) {
      const ca = A.count[k];
      const cb = B.count[k];
      if (walked[k] === 1) {
        state[ECDF_WALK.i] = i;
        state[ECDF_WALK.j] = j;
        state[ECDF_WALK.sum] = 0;
        state[ECDF_WALK.compensation] = 0;
        state[ECDF_WALK.last] = Math.min(A.least[k], B.least[k]);
        state[ECDF_WALK.lastDiff] = Math.abs(diff(i, j));
        ecdfWalk(sa.subarray(pa, pa + ca), true, sb.subarray(pb, pb + cb), true, state);
        addTo(total, state[ECDF_WALK.sum]);
        addTo(total, state[ECDF_WALK.compensation]);
        pa += ca;
        pb += cb;
      }
      i += ca;
      j += cb;
    }
  }
  return { wasserstein: total.sum + total.comp, na, nb };
}
