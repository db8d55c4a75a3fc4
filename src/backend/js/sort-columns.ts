/**
 * JS sortColumns: each column's finite values gathered into its slot of the output and sorted
 * with Float64Array.prototype.sort (numeric, implemented inside the engine). The async form sorts
 * a column as runs of RUN values, then merges them in passes, in units of UNIT values, yielding
 * to the event loop every few milliseconds (time-slice.ts): no single turn sorts a whole column (a
 * million values took ~100-200 ms).
 * Twins: native/kernels/sort_columns.cc (cpu) and native/cuda/sort_columns.cu (cuda): the same contract, the same answers.
 */
import type { SortedColumns } from '../contract.js';
import type { FloatArray } from '../../matrix.js';
import { pauseIfDue } from '../time-slice.js';

/** Values sorted by the engine at once (about 2 ms on a slow machine), and values merged or gathered between two checks of the clock. */
const RUN = 1 << 14;
const UNIT = 1 << 15;

/** Copies the finite values of rows [r0, r1) of a column to out[at + n ...]; returns the new n. */
function gatherRows(data: FloatArray, r0: number, r1: number, cols: number, col: number, out: Float64Array, at: number, n: number): number {
  for (let r = r0, i = r0 * cols + col; r < r1; r++, i += cols) {
    const v = data[i];
    if (Number.isFinite(v)) out[at + n++] = v;
  }
  return n;
}

function gather(data: FloatArray, rows: number, cols: number, col: number, out: Float64Array, at: number): number {
  return gatherRows(data, 0, rows, cols, col, out, at, 0);
}

/** Sorts the finite values of one column into out[at ...]; returns how many there are. */
export function sortColumn(data: FloatArray, rows: number, cols: number, col: number, out: Float64Array, at: number): number {
  const n = gather(data, rows, cols, col, out, at);
  if (n > 0) out.subarray(at, at + n).sort(); // (a detached, empty `out` has no subarray to take)
  return n;
}

export function sortColumns(data: FloatArray, rows: number, cols: number, firstCol: number, colCount: number, out?: Float64Array): SortedColumns {
  const values = out ?? new Float64Array(rows * colCount);
  const counts = new Float64Array(colCount);
  for (let k = 0; k < colCount; k++) counts[k] = sortColumn(data, rows, cols, firstCol + k, values, k * rows);
  return { values, counts };
}

/** Sorts a in slices of work: sorted runs, then merge passes between a and a scratch array. */
async function sortInSlices(a: Float64Array, scratch: Float64Array): Promise<void> {
  const n = a.length;
  for (let i = 0; i < n; i += RUN) {
    a.subarray(i, Math.min(n, i + RUN)).sort();
    await pauseIfDue();
  }
  let src = a;
  let dst = scratch.subarray(0, n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width);
      const hi = Math.min(n, lo + 2 * width);
      let i = lo;
      let j = mid;
      let k = lo;
      while (k < hi) {
        const stop = Math.min(hi, k + UNIT);
        while (k < stop) dst[k++] = j >= hi || (i < mid && src[i] <= src[j]) ? src[i++] : src[j++];
        await pauseIfDue();
      }
    }
    [src, dst] = [dst, src];
  }
  if (src !== a) a.set(src);
}

/** sortColumns in slices of work, yielding to the event loop between them. */
export async function sortColumnsAsync(data: FloatArray, rows: number, cols: number, firstCol: number, colCount: number, out?: Float64Array): Promise<SortedColumns> {
  const values = out ?? new Float64Array(rows * colCount);
  const counts = new Float64Array(colCount);
  const scratch = new Float64Array(rows);
  for (let k = 0; k < colCount; k++) {
    let n = 0;
    for (let r0 = 0; r0 < rows; r0 += UNIT) {
      n = gatherRows(data, r0, Math.min(rows, r0 + UNIT), cols, firstCol + k, values, k * rows, n);
      await pauseIfDue(); // strided reads: a cache miss per value
    }
    counts[k] = n;
    await sortInSlices(values.subarray(k * rows, k * rows + counts[k]), scratch);
  }
  return { values, counts };
}
