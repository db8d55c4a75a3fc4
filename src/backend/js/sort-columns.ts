/**
 * JS sortColumns: each column's finite values gathered into its slot of the output and sorted
 * with Float64Array.prototype.sort (numeric, implemented inside the engine).
 */
import type { SortedColumns } from '../contract.js';
import type { FloatArray } from '../../matrix.js';

function sortColumn(data: FloatArray, rows: number, cols: number, col: number, out: Float64Array, at: number): number {
  let n = 0;
  for (let r = 0, i = col; r < rows; r++, i += cols) {
    const v = data[i];
    if (Number.isFinite(v)) out[at + n++] = v;
  }
  out.subarray(at, at + n).sort();
  return n;
}

export function sortColumns(data: FloatArray, rows: number, cols: number, firstCol: number, colCount: number, out?: Float64Array): SortedColumns {
  const values = out ?? new Float64Array(rows * colCount);
  const counts = new Float64Array(colCount);
  for (let k = 0; k < colCount; k++) counts[k] = sortColumn(data, rows, cols, firstCol + k, values, k * rows);
  return { values, counts };
}

/** One column per macrotask, so other work runs between columns. */
export async function sortColumnsAsync(data: FloatArray, rows: number, cols: number, firstCol: number, colCount: number, out?: Float64Array): Promise<SortedColumns> {
  const values = out ?? new Float64Array(rows * colCount);
  const counts = new Float64Array(colCount);
  for (let k = 0; k < colCount; k++) {
    counts[k] = sortColumn(data, rows, cols, firstCol + k, values, k * rows);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { values, counts };
}
