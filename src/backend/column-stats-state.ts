/**
 * The running column statistics that Backend.accumulateColumnStats carries from one block of rows
 * to the next, as a Float64Array laid out as native/kernels/column_stats.h says: 7 fields of
 * `cols` values each, field by field — the count of non-NaN values, the NaN count, the shift K
 * (NaN until a block with values in the column fixes it), the mean relative to K, M2 (the sum of
 * squared deviations from the mean), the minimum and the maximum.
 */
import type { ColumnStats } from './contract.js';

/** The fields, in the order they are laid out. */
export const COLUMN_STATS_FIELDS = ['count', 'nanCount', 'shift', 'mean', 'm2', 'min', 'max'] as const;

export type ColumnStatsField = (typeof COLUMN_STATS_FIELDS)[number];

/** Field f of every column: a view into the state. */
export function stateField(state: Float64Array, cols: number, field: ColumnStatsField): Float64Array {
  const f = COLUMN_STATS_FIELDS.indexOf(field);
  return state.subarray(f * cols, (f + 1) * cols);
}

/** A state that has seen no rows. */
export function newColumnStatsState(cols: number): Float64Array {
  const state = new Float64Array(COLUMN_STATS_FIELDS.length * cols);
  stateField(state, cols, 'shift').fill(NaN);
  stateField(state, cols, 'min').fill(Infinity);
  stateField(state, cols, 'max').fill(-Infinity);
  return state;
}

/** The statistics of every row added to the state (NaN statistics for a column with no value). */
export function columnStatsOfState(state: Float64Array, cols: number): ColumnStats {
  const n = stateField(state, cols, 'count');
  const [shift, mean, m2, min, max] = (['shift', 'mean', 'm2', 'min', 'max'] as const).map((f) => stateField(state, cols, f));
  const out: ColumnStats = {
    count: Float64Array.from(n),
    nanCount: Float64Array.from(stateField(state, cols, 'nanCount')),
    mean: new Float64Array(cols),
    std: new Float64Array(cols),
    min: new Float64Array(cols),
    max: new Float64Array(cols),
  };
  for (let c = 0; c < cols; c++) {
    const some = n[c] > 0;
    out.mean[c] = some ? shift[c] + mean[c] : NaN;
    out.std[c] = some ? Math.sqrt(m2[c] / n[c]) : NaN;
    out.min[c] = some ? min[c] : NaN;
    out.max[c] = some ? max[c] : NaN;
  }
  return out;
}

/**
 * Chan et al.'s parallel update: folds a group of nb values with mean meanB and squared-deviation
 * sum m2B (means relative to the column's shift) into column c of (n, mean, m2). The one copy of
 * this update on the host: the JS kernel's blocks and mergeColumnStatsStates both use it.
 */
export function chanUpdate(n: Float64Array, mean: Float64Array, m2: Float64Array, c: number, nb: number, meanB: number, m2B: number): void {
  if (nb === 0) return;
  const na = n[c];
  if (na === 0) {
    n[c] = nb;
    mean[c] = meanB;
    m2[c] = m2B;
    return;
  }
  const total = na + nb;
  const meanA = mean[c];
  if (!Number.isFinite(meanA) || !Number.isFinite(meanB)) {
    // ±Infinity in the data: the mean is infinite (or NaN) and the spread NaN, as in NumPy.
    mean[c] = (na * meanA + nb * meanB) / total;
    m2[c] = NaN;
  } else {
    const delta = meanB - meanA;
    mean[c] = meanA + delta * (nb / total);
    m2[c] += m2B + delta * delta * ((na * nb) / total);
  }
  n[c] = total;
}

/**
 * Adds the rows summarised in state `from` to state `into` (both of `cols` columns), as if
 * accumulateColumnStats had seen them: counts add, extremes combine, and the moments merge with
 * Chan's update after `from`'s means are moved onto `into`'s shift. This is how partial
 * statistics of partitions (distributed/) combine; O(cols), no pass over data.
 */
export function mergeColumnStatsStates(into: Float64Array, from: Float64Array, cols: number): void {
  const [n, nans, shift, mean, m2, min, max] = COLUMN_STATS_FIELDS.map((f) => stateField(into, cols, f));
  const [nB, nansB, shiftB, meanB, m2B, minB, maxB] = COLUMN_STATS_FIELDS.map((f) => stateField(from, cols, f));
  for (let c = 0; c < cols; c++) {
    nans[c] += nansB[c];
    if (nB[c] === 0) continue;
    if (minB[c] < min[c]) min[c] = minB[c];
    if (maxB[c] > max[c]) max[c] = maxB[c];
    if (n[c] === 0) {
      shift[c] = shiftB[c];
      n[c] = nB[c];
      mean[c] = meanB[c];
      m2[c] = m2B[c];
      continue;
    }
    // from's mean relative to into's shift: (K_B - K_A) + mean_B keeps the digits both means share.
    chanUpdate(n, mean, m2, c, nB[c], shiftB[c] - shift[c] + meanB[c], m2B[c]);
  }
}
