/** Public per-column statistics over a FeatureMatrix, on the active backend. */
import type { ColumnStats } from '../backend/contract.js';
import { getBackend } from '../backend/registry.js';
import { validateMatrix, type FeatureMatrix } from '../matrix.js';

export type { ColumnStats };

/**
 * Per-column count, NaN count, mean, population std (ddof = 0), min and max of a row-major
 * matrix, each a Float64Array of length `cols`. NaN values are skipped and counted; a column
 * with no non-NaN value gets NaN statistics. One pass over the data, float64 accumulation.
 *
 * @throws TypeError / RangeError when the matrix is malformed or empty.
 */
export function columnStats(matrix: FeatureMatrix): ColumnStats {
  const m = validateMatrix(matrix);
  return getBackend().columnStats(m.data, m.rows, m.cols);
}

/**
 * columnStats without blocking the event loop: the native backend computes on a worker thread
 * (do not write to or transfer the matrix's buffer until the promise settles); the JS backend yields between slices.
 */
export async function columnStatsAsync(matrix: FeatureMatrix): Promise<ColumnStats> {
  const m = validateMatrix(matrix);
  return getBackend().columnStatsAsync(m.data, m.rows, m.cols);
}
