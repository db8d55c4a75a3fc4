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
