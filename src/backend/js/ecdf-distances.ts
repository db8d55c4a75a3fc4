/**
 * JS ecdfDistances and ecdfWalk: the merge walk of two sorted samples giving the KS and
 * Wasserstein distances, in one call or carried across blocks (ecdf-walk-state.ts).
 * Twins: native/kernels/ecdf_distances.cc (cpu) and native/cuda/ecdf_distances.cu (cuda): the same contract, the same answers.
 */
import type { EcdfDistances } from '../contract.js';
import { ECDF_WALK, ecdfWalkDistances, newEcdfWalkState } from '../ecdf-walk-state.js';
import { pauseIfDue } from '../time-slice.js';

/** Distinct pooled values walked between two yields: the async form may pause there for the event loop. */
const SLICE_STEPS = 1 << 14;

/**
 * One step per distinct pooled value x present in the blocks: every copy of x in both blocks is
 * consumed, then the previous value's ECDF difference is settled now that a larger value is
 * known (it enters the KS maximum and is multiplied by the gap to x). The C++ twin steps once per
 * value, without branches; inside a run of ties its terms are exactly 0, so the sums agree bit for
 * bit, and here the JIT runs the skip loops faster. A run cut by a block's end continues in the
 * next call (x equals `last` there: no term). The walk needs both samples' next values, so it
 * stops when a non-final block is used up. Yields every SLICE_STEPS steps.
 */
function* walk(a: Float64Array, aFrom: number, aTo: number, aFinal: boolean, b: Float64Array, bFrom: number, bTo: number, bFinal: boolean, state: Float64Array): Generator<void, void> {
  const na = state[ECDF_WALK.na];
  const nb = state[ECDF_WALK.nb];
  let ks = state[ECDF_WALK.ks];
  let sum = state[ECDF_WALK.sum];
  let compensation = state[ECDF_WALK.compensation];
  let last = state[ECDF_WALK.last];
  let lastDiff = state[ECDF_WALK.lastDiff];
  let i = aFrom;
  let j = bFrom;
  // values of each sample consumed before these blocks, so that i + beforeA counts all consumed
  const beforeA = state[ECDF_WALK.i] - aFrom;
  const beforeB = state[ECDF_WALK.j] - bFrom;
  let steps = 0;
  if (state[ECDF_WALK.i] + state[ECDF_WALK.j] === 0 && (i < aTo || j < bTo)) {
    // the first value has no predecessor: a zero term
    last = i < aTo && (j >= bTo || a[i] <= b[j]) ? a[i] : b[j];
    lastDiff = 0;
  }
  // The walk needs both samples' next values: it stops where a non-final block is used up.
  const aStop = aFinal ? -1 : aTo;
  const bStop = bFinal ? -1 : bTo;
  while (i !== aStop && j !== bStop && (i < aTo || j < bTo)) {
    if (++steps === SLICE_STEPS) {
      steps = 0;
      yield;
    }
    const x = i < aTo && (j >= bTo || a[i] <= b[j]) ? a[i] : b[j];
    if (x > last && lastDiff > ks) ks = lastDiff;
    const term = lastDiff * (x - last);
    const t = sum + term;
    compensation += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
    sum = t;
    while (i < aTo && a[i] <= x) i++;
    while (j < bTo && b[j] <= x) j++;
    last = x;
    lastDiff = Math.abs((i + beforeA) / na - (j + beforeB) / nb);
  }
  state[ECDF_WALK.i] = i + beforeA;
  state[ECDF_WALK.j] = j + beforeB;
  state[ECDF_WALK.ks] = ks;
  state[ECDF_WALK.sum] = sum;
  state[ECDF_WALK.compensation] = compensation;
  state[ECDF_WALK.last] = last;
  state[ECDF_WALK.lastDiff] = lastDiff;
}

/** The walk over blocks a and b (see Backend.ecdfWalk). */
export function ecdfWalk(a: Float64Array, aFinal: boolean, b: Float64Array, bFinal: boolean, state: Float64Array): void {
  for (const _ of walk(a, 0, a.length, aFinal, b, 0, b.length, bFinal, state)) void _;
}

/** The walk of pair k, whole samples: its state, ready for ecdfWalkDistances. */
function* pairWalk(a: Float64Array, a0: number, na: number, b: Float64Array, b0: number, nb: number, state: Float64Array): Generator<void, void> {
  if (na > 0 && nb > 0) yield* walk(a, a0, a0 + na, true, b, b0, b0 + nb, true, state);
}

function record(out: EcdfDistances, k: number, state: Float64Array): void {
  const d = ecdfWalkDistances(state);
  out.ks[k] = d.ks;
  out.wasserstein[k] = d.wasserstein;
}

export function ecdfDistances(a: Float64Array, aStart: Float64Array, aCount: Float64Array, b: Float64Array, bStart: Float64Array, bCount: Float64Array): EcdfDistances {
  const out = { ks: new Float64Array(aStart.length), wasserstein: new Float64Array(aStart.length) };
  for (let k = 0; k < aStart.length; k++) {
    const state = newEcdfWalkState(aCount[k], bCount[k]);
    for (const _ of pairWalk(a, aStart[k], aCount[k], b, bStart[k], bCount[k], state)) void _;
    record(out, k, state);
  }
  return out;
}

/** The walks, yielding to the event loop every few milliseconds (time-slice.ts). */
export async function ecdfDistancesAsync(a: Float64Array, aStart: Float64Array, aCount: Float64Array, b: Float64Array, bStart: Float64Array, bCount: Float64Array): Promise<EcdfDistances> {
  const out = { ks: new Float64Array(aStart.length), wasserstein: new Float64Array(aStart.length) };
  for (let k = 0; k < aStart.length; k++) {
    const state = newEcdfWalkState(aCount[k], bCount[k]);
    for (const _ of pairWalk(a, aStart[k], aCount[k], b, bStart[k], bCount[k], state)) await pauseIfDue();
    record(out, k, state);
    await pauseIfDue();
  }
  return out;
}
