/**
 * The state the ECDF walk (Backend.ecdfWalk) carries from one block to the next, as a
 * Float64Array laid out as native/kernels/ecdf_distances.h's EcdfWalkState: the samples' whole
 * sizes, the values consumed from each so far, the KS maximum, the Wasserstein sum with its
 * Neumaier compensation, and the last pooled value consumed with the ECDF difference after it
 * (its terms wait for the next, larger pooled value).
 */

/** Where each field lives in the state. */
export const ECDF_WALK = { na: 0, nb: 1, i: 2, j: 3, ks: 4, sum: 5, compensation: 6, last: 7, lastDiff: 8 } as const;

/** The state's length. */
export const ECDF_WALK_STATE_SIZE = 9;

/** A walk that has consumed nothing, over samples of na and nb values in all. */
export function newEcdfWalkState(na: number, nb: number): Float64Array {
  const state = new Float64Array(ECDF_WALK_STATE_SIZE);
  state[ECDF_WALK.na] = na;
  state[ECDF_WALK.nb] = nb;
  return state;
}

/** The distances of a finished walk (every value consumed): NaN when a sample is empty. */
export function ecdfWalkDistances(state: Float64Array): { ks: number; wasserstein: number } {
  if (state[ECDF_WALK.na] < 1 || state[ECDF_WALK.nb] < 1) return { ks: NaN, wasserstein: NaN };
  return { ks: state[ECDF_WALK.ks], wasserstein: state[ECDF_WALK.sum] + state[ECDF_WALK.compensation] };
}
