/**
 * The Backend contract: every kernel's signature and semantics. The JS backend (./js) is the
 * readable reference; the native backend must give the same answers within floating-point
 * rounding (relative 1e-12 for statistics, bit-identical for quantiles).
 *
 * Kernels receive arguments that the public functions have already validated; the native
 * addon validates them again.
 */
import type { FloatArray } from '../matrix.js';

/** The backends mlwatch knows. */
export type BackendName = 'js' | 'cpu' | 'cuda';

/** Per-column statistics, one value per column in each array. */
export interface ColumnStats {
  /** Number of non-NaN values (±Infinity counts as a value, as in NumPy's nan-functions). */
  count: Float64Array;
  /** Number of NaN values, which are skipped by every other statistic. */
  nanCount: Float64Array;
  /** Mean of the non-NaN values; NaN when the column has none. */
  mean: Float64Array;
  /** Population standard deviation (ddof = 0, as numpy.std); NaN when the column has none. */
  std: Float64Array;
  /** Smallest non-NaN value; NaN when the column has none. */
  min: Float64Array;
  /** Largest non-NaN value; NaN when the column has none. */
  max: Float64Array;
}

export interface Backend {
  readonly name: BackendName;
  /**
   * Statistics of every column of a row-major rows x cols matrix, in one pass over memory with
   * float64 accumulation: blocks of rows are reduced with a two-pass mean/deviation in cache and
   * merged with Chan et al.'s update, so large offsets (1e8 + N(0, 1)) keep their precision.
   */
  columnStats(data: FloatArray, rows: number, cols: number): ColumnStats;
  /** The same as columnStats, without blocking the event loop for the whole computation. */
  columnStatsAsync(data: FloatArray, rows: number, cols: number): Promise<ColumnStats>;
  /**
   * Exact quantiles by NumPy's default 'linear' method (q in [0, 1], results in the order of q).
   * Never modifies values. If any value is NaN every result is NaN, as numpy.quantile.
   */
  quantiles(values: FloatArray, q: Float64Array): Float64Array;
}
