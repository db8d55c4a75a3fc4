/**
 * What the merged bucket counts say about the ECDF difference |F_ref - F_cur| before any value is
 * moved (docs/distributed.md has the argument in full):
 *
 * - its value just below each edge e_k is known exactly: the walk over all the data reaches it
 *   as |i/n_ref - j/n_cur| with i, j the counts below e_k, the very expression (and operands) the
 *   ECDF kernel evaluates there, so the largest of them, L, is a value the kernel's maximum takes;
 * - inside bucket k the difference is at most U_k = max(refBelow(k+1)/n_ref - curBelow(k)/n_cur,
 *   curBelow(k+1)/n_cur - refAtMost(e_k)/n_ref), so only buckets with U_k >= L (less a margin for
 *   rounding) can hold a larger value: the KS candidates;
 * - the difference keeps one sign over bucket k when curBelow(k)/n_cur >= refBelow(k+1)/n_ref (the
 *   current ECDF above the reference's everywhere in it) or refAtMost(e_k)/n_ref >= curBelow(k+1)/n_cur;
 *   decided in exact integer arithmetic (BigInt), since a wrong call would be a wrong integral.
 */
import type { ReferenceBuckets } from './bucket-edges.js';

/**
 * Margin on the KS bound: each computed difference is within 4e-16 of its real value (two
 * divisions and a subtraction of numbers in [0, 1]), so a bucket whose bound falls short of L by
 * more than this cannot hold a point whose computed value exceeds L's.
 */
export const KS_MARGIN = 1e-14;

export interface BucketBounds {
  /** curBelow[k]: current values below bucket k (k = 0 … K + 1, the last = n_cur). */
  curBelow: Float64Array;
  /** refBelow[k], likewise for the reference. */
  refBelow: Float64Array;
  /** Largest ECDF difference just below an edge, as the kernel computes it. */
  edgeMax: number;
  /** Buckets that may hold a larger difference than edgeMax. */
  ksCandidate: boolean[];
  /** Buckets over which the difference keeps one sign: +1 (current above), -1 (reference above), 0 (either may be). */
  sign: Int8Array;
}

const big = (n: number) => BigInt(n);

/** The bounds of one column from the reference buckets and the merged current bucket counts. */
export function bucketBounds(ref: ReferenceBuckets, curCounts: Float64Array, na: number, nb: number): BucketBounds {
  const K = ref.edges.length;
  const curBelow = new Float64Array(K + 2);
  const refBelow = new Float64Array(K + 2);
  for (let k = 0; k <= K; k++) curBelow[k + 1] = curBelow[k] + curCounts[k];
  for (let k = 0; k < K; k++) refBelow[k + 1] = ref.below[k];
  refBelow[K + 1] = na;
  let edgeMax = 0;
  for (let k = 1; k <= K; k++) {
    const d = Math.abs(refBelow[k] / na - curBelow[k] / nb); // the kernel's expression: |i / na - j / nb|
    if (d > edgeMax) edgeMax = d;
  }
  const ksCandidate: boolean[] = [];
  const sign = new Int8Array(K + 1);
  for (let k = 0; k <= K; k++) {
    const refAtMost = k === 0 ? 0 : ref.atMost[k - 1]; // the reference ECDF's least value in bucket k
    const upper = Math.max(refBelow[k + 1] / na - curBelow[k] / nb, curBelow[k + 1] / nb - refAtMost / na);
    ksCandidate.push(upper >= edgeMax - KS_MARGIN);
    if (big(curBelow[k]) * big(na) >= big(refBelow[k + 1]) * big(nb)) sign[k] = 1;
    else if (big(refAtMost) * big(nb) >= big(curBelow[k + 1]) * big(na)) sign[k] = -1;
  }
  return { curBelow, refBelow, edgeMax, ksCandidate, sign };
}
