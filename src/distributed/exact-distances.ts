/**
 * The exact KS and Wasserstein distances of a column from pass 1's bucket counts and sums and
 * pass 2's shipped values (docs/distributed.md):
 *
 * KS: D = max(L, the walks' maxima), L being the largest difference just below an edge
 * (bucket-bounds.ts). Each walked bucket is walked by the backend's ecdfWalk kernel from a state
 * set to the global ranks below the bucket, so every difference it evaluates is the same
 * floating-point expression on the same integers as the walk over all the data: D is
 * bit-identical to ksTest / DriftDetector.
 *
 * Wasserstein: ∫ |F_ref - F_cur| as a sum over buckets: a walked bucket contributes its walk's sum
 * plus the last step's difference times the distance to the bucket's upper edge; a bucket where
 * the difference keeps one sign contributes |∫ (F_cur - F_ref)|, in closed form:
 *   ∫_{e_k}^{e_k+1} F = (below(k+1) / n) (e_k+1 - e_k) - S_k / n   (S_k = Σ (v - e_k) in the bucket)
 *   b_0: ∫ F = T_0 / n (T_0 = Σ (e_1 - v)); b_K: ∫ (1 - F) = S_K / n.
 * The bucket terms are summed with Neumaier's compensation, as the kernel sums its steps.
 */
import type { Backend } from '../backend/contract.js';
import { ECDF_WALK, newEcdfWalkState } from '../backend/ecdf-walk-state.js';
import type { ReferenceBuckets } from './bucket-edges.js';
import type { BucketBounds } from './bucket-bounds.js';

/** curBelow / nb - refBelow / na with the numerator exact (BigInt): the ECDF gap at an edge, rounded once. */
function edgeGap(curBelow: number, nb: number, refBelow: number, na: number): number {
  return Number(BigInt(curBelow) * BigInt(na) - BigInt(refBelow) * BigInt(nb)) / (na * nb);
}

/** Σ terms with Neumaier's compensation (the ECDF kernel's summation, over a handful of bucket terms). */
function compensatedSum(terms: readonly number[]): number {
  let sum = 0;
  let compensation = 0;
  for (const term of terms) {
    const t = sum + term;
    compensation += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
    sum = t;
  }
  return sum + compensation;
}

/** One side of a column: its bucket counts' owner's size and offset sums. */
export interface BucketSide {
  n: number;
  sums: Float64Array;
}

/**
 * The distances of a column. `shipped` holds the current values of each walked bucket (sorted);
 * Wasserstein is NaN when a bucket the difference may change sign in was not walked (a run that
 * asked for KS only).
 */
export function exactDistances(refSorted: Float64Array, buckets: ReferenceBuckets, bounds: BucketBounds, current: BucketSide, shipped: ReadonlyMap<number, Float64Array>, backend: Backend): { ks: number; wasserstein: number } {
  const na = refSorted.length;
  const nb = current.n;
  const edges = buckets.edges;
  const K = edges.length;
  let ks = bounds.edgeMax;
  const terms: number[] = [];
  for (let k = 0; k <= K; k++) {
    const values = shipped.get(k);
    if (values) {
      const state = newEcdfWalkState(na, nb);
      state[ECDF_WALK.i] = bounds.refBelow[k];
      state[ECDF_WALK.j] = bounds.curBelow[k];
      // The bucket's first pooled value is its lower edge (a reference value): a zero-width first step, no KS term.
      if (k > 0) state[ECDF_WALK.last] = edges[k - 1];
      backend.ecdfWalk(refSorted.subarray(bounds.refBelow[k], bounds.refBelow[k + 1]), true, values, true, state);
      if (state[ECDF_WALK.ks] > ks) ks = state[ECDF_WALK.ks];
      const tail = k < K ? state[ECDF_WALK.lastDiff] * (edges[k] - state[ECDF_WALK.last]) : 0;
      terms.push(state[ECDF_WALK.sum] + state[ECDF_WALK.compensation] + tail);
    } else if (bounds.sign[k] === 0) {
      terms.push(NaN);
    } else {
      const offsets = current.sums[k] / nb - buckets.sums[k] / na;
      const integral = k === 0 || k === K ? offsets : edgeGap(bounds.curBelow[k + 1], nb, bounds.refBelow[k + 1], na) * (edges[k] - edges[k - 1]) - offsets;
      terms.push(Math.abs(integral));
    }
  }
  return { ks, wasserstein: compensatedSum(terms) };
}
