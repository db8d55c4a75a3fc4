/**
 * JS ecdfDistances: the merge walk of two sorted samples giving the KS and Wasserstein distances.
 * Twins: native/kernels/ecdf_distances.cc (cpu) and native/cuda/ecdf_distances.cu (cuda): the same contract, the same answers.
 */
import type { EcdfDistances } from '../contract.js';
import { pauseIfDue } from '../time-slice.js';

/** Distinct pooled values walked between two yields: the async form may pause there for the event loop. */
const SLICE_STEPS = 1 << 14;

function* walk(a: Float64Array, a0: number, na: number, b: Float64Array, b0: number, nb: number, out: EcdfDistances, k: number): Generator<void, void> {
  if (na < 1 || nb < 1) {
    out.ks[k] = NaN;
    out.wasserstein[k] = NaN;
    return;
  }
  const aEnd = a0 + na;
  const bEnd = b0 + nb;
  let i = a0;
  let j = b0;
  let ks = 0;
  let sum = 0;
  let compensation = 0;
  let steps = 0;
  while (i < aEnd || j < bEnd) {
    if (++steps === SLICE_STEPS) {
      steps = 0;
      yield;
    }
    const x = i < aEnd && (j >= bEnd || a[i] <= b[j]) ? a[i] : b[j];
    while (i < aEnd && a[i] <= x) i++;
    while (j < bEnd && b[j] <= x) j++;
    const diff = Math.abs((i - a0) / na - (j - b0) / nb);
    if (diff > ks) ks = diff;
    if (i < aEnd || j < bEnd) {
      const next = i < aEnd && (j >= bEnd || a[i] <= b[j]) ? a[i] : b[j];
      const term = diff * (next - x);
      const t = sum + term;
      compensation += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
      sum = t;
    }
  }
  out.ks[k] = ks;
  out.wasserstein[k] = sum + compensation;
}

export function ecdfDistances(a: Float64Array, aStart: Float64Array, aCount: Float64Array, b: Float64Array, bStart: Float64Array, bCount: Float64Array): EcdfDistances {
  const out = { ks: new Float64Array(aStart.length), wasserstein: new Float64Array(aStart.length) };
  for (let k = 0; k < aStart.length; k++) for (const _ of walk(a, aStart[k], aCount[k], b, bStart[k], bCount[k], out, k)) void _;
  return out;
}

/** The walks, yielding to the event loop every few milliseconds (time-slice.ts). */
export async function ecdfDistancesAsync(a: Float64Array, aStart: Float64Array, aCount: Float64Array, b: Float64Array, bStart: Float64Array, bCount: Float64Array): Promise<EcdfDistances> {
  const out = { ks: new Float64Array(aStart.length), wasserstein: new Float64Array(aStart.length) };
  for (let k = 0; k < aStart.length; k++) {
    for (const _ of walk(a, aStart[k], aCount[k], b, bStart[k], bCount[k], out, k)) await pauseIfDue();
    await pauseIfDue();
  }
  return out;
}
