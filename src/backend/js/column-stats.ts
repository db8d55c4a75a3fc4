/**
 * Column statistics in plain TypeScript: the reference for native/kernels/column_stats.cc.
 *
 * Rows are processed in blocks small enough to stay in cache. For each block, pass 1 sums,
 * counts and finds extremes per column; pass 2 sums squared deviations from the block's own
 * mean. Blocks are merged into (n, mean, M2) with Chan et al.'s update. That is a two-pass
 * algorithm's accuracy at one pass's memory traffic, with no division per element.
 *
 * Values are shifted by a per-column constant K (the mean of the first block of rows) and every
 * mean is kept relative to K, so that Chan's differences of block means stay accurate on
 * columns like 1e8 + N(0, 1), where the raw means' rounding is large against their spread.
 * Twins: native/kernels/column_stats.cc (cpu) and native/cuda/column_stats.cu (cuda): the same contract, the same answers.
 */
import type { ColumnStats } from '../contract.js';
import type { FloatArray } from '../../matrix.js';
import { pauseIfDue } from '../time-slice.js';
import { chanUpdate, columnStatsOfState, newColumnStatsState, stateField } from '../column-stats-state.js';

const BLOCK_BYTES = 64 * 1024;
/** Elements processed between two yields of the event loop in the async form. */
const ASYNC_SLICE_ELEMENTS = 1 << 16;

/** Rows per block: a block stays in cache between its two passes. */
function blockRowsOf(cols: number, bytesPerElement: number): number {
  return Math.max(4, Math.floor(BLOCK_BYTES / (cols * bytesPerElement)));
}

/**
 * Running statistics over the rows seen so far, kept in a carried state (column-stats-state.ts)
 * so that accumulateColumnStats can continue it across calls.
 */
class ColumnAccumulator {
  private readonly n: Float64Array;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private readonly nans: Float64Array;
  private readonly min: Float64Array;
  private readonly max: Float64Array;
  private readonly shift: Float64Array;
  private readonly sum: Float64Array;
  private readonly count: Float64Array;
  private readonly bmin: Float64Array;
  private readonly bmax: Float64Array;
  private readonly squares: Float64Array;

  constructor(
    readonly cols: number,
    readonly state: Float64Array = newColumnStatsState(cols),
  ) {
    this.n = stateField(state, cols, 'count');
    this.nans = stateField(state, cols, 'nanCount');
    this.shift = stateField(state, cols, 'shift');
    this.mean = stateField(state, cols, 'mean');
    this.m2 = stateField(state, cols, 'm2');
    this.min = stateField(state, cols, 'min');
    this.max = stateField(state, cols, 'max');
    this.sum = new Float64Array(cols);
    this.count = new Float64Array(cols);
    this.bmin = new Float64Array(cols);
    this.bmax = new Float64Array(cols);
    this.squares = new Float64Array(cols);
  }

  /** Adds rows [r0, r1) of a row-major matrix with this accumulator's column count. */
  addRows(data: FloatArray, r0: number, r1: number): void {
    const cols = this.cols;
    const blockRows = blockRowsOf(cols, data.BYTES_PER_ELEMENT);
    if (r1 > r0 && this.shift.some(Number.isNaN)) {
      const first = firstBlockMeans(data, r0, Math.min(r1, r0 + blockRows), cols);
      for (let c = 0; c < cols; c++) if (Number.isNaN(this.shift[c])) this.shift[c] = first[c];
    }
    for (let b0 = r0; b0 < r1; b0 += blockRows) this.addBlock(data, b0, Math.min(r1, b0 + blockRows));
  }

  /**
   * Leaves the shift of every column with no value yet to the next call (nothing depends on it):
   * a first block of NaN must not fix K = 0 for a column of values near 1e12.
   */
  reopenEmptyShifts(): void {
    for (let c = 0; c < this.cols; c++) if (this.n[c] === 0) this.shift[c] = NaN;
  }

  private addBlock(data: FloatArray, b0: number, b1: number): void {
    const { cols, sum, count, bmin, bmax, squares, shift } = this;
    const rowsInBlock = b1 - b0;
    sum.fill(0);
    count.fill(rowsInBlock); // NaNs are subtracted as they are found (they are rare)
    bmin.fill(Infinity);
    bmax.fill(-Infinity);
    squares.fill(0);
    for (let r = b0; r < b1; r++) {
      const base = r * cols;
      for (let c = 0; c < cols; c++) {
        const x = data[base + c];
        if (x === x) {
          sum[c] += x - shift[c];
          if (x < bmin[c]) bmin[c] = x;
          if (x > bmax[c]) bmax[c] = x;
        } else {
          count[c] -= 1;
        }
      }
    }
    // sum becomes the block mean (relative to the shift); pass 2 reads the block again while it
    // is still in cache. Deviations are (x - K) - mean, not x - (K + mean): K + mean would be
    // rounded at the scale of K, and that error, squared, would bias every deviation of the block
    // (1e12 + N(0, 0.01): 7e-6 of the spread).
    for (let c = 0; c < cols; c++) sum[c] = count[c] > 0 ? sum[c] / count[c] : 0;
    for (let r = b0; r < b1; r++) {
      const base = r * cols;
      for (let c = 0; c < cols; c++) {
        const x = data[base + c];
        if (x === x) {
          const d = x - shift[c] - sum[c];
          squares[c] += d * d;
        }
      }
    }
    for (let c = 0; c < cols; c++) {
      this.nans[c] += rowsInBlock - count[c];
      if (bmin[c] < this.min[c]) this.min[c] = bmin[c];
      if (bmax[c] > this.max[c]) this.max[c] = bmax[c];
      this.merge(c, count[c], sum[c], squares[c]);
    }
  }

  /** Chan et al.'s parallel update of column c with (nb, meanB, m2B) (column-stats-state.ts). */
  private merge(c: number, nb: number, meanB: number, m2B: number): void {
    chanUpdate(this.n, this.mean, this.m2, c, nb, meanB, m2B);
  }

  /** The statistics of all rows added so far. */
  result(): ColumnStats {
    return columnStatsOfState(this.state, this.cols);
  }
}

/** The shift K per column: the mean of the non-NaN values of rows [r0, r1), 0 if not finite. */
function firstBlockMeans(data: FloatArray, r0: number, r1: number, cols: number): Float64Array {
  const sum = new Float64Array(cols);
  const count = new Float64Array(cols);
  for (let r = r0; r < r1; r++) {
    for (let c = 0; c < cols; c++) {
      const x = data[r * cols + c];
      if (x === x) {
        sum[c] += x;
        count[c] += 1;
      }
    }
  }
  for (let c = 0; c < cols; c++) {
    const k = count[c] > 0 ? sum[c] / count[c] : 0;
    sum[c] = Number.isFinite(k) ? k : 0;
  }
  return sum;
}

/** Statistics of every column of a row-major rows x cols matrix. */
export function columnStats(data: FloatArray, rows: number, cols: number): ColumnStats {
  const acc = new ColumnAccumulator(cols);
  acc.addRows(data, 0, rows);
  return acc.result();
}

/** columnStats carried across blocks of rows (see Backend.accumulateColumnStats). */
export function accumulateColumnStats(data: FloatArray, rows: number, cols: number, state: Float64Array): void {
  const acc = new ColumnAccumulator(cols, state);
  acc.addRows(data, 0, rows);
  acc.reopenEmptyShifts();
}

/** columnStats in slices of rows, yielding to the event loop between slices. */
export async function columnStatsAsync(data: FloatArray, rows: number, cols: number): Promise<ColumnStats> {
  const acc = new ColumnAccumulator(cols);
  // Whole blocks per slice: the blocks, and so the results, are those of the sync form.
  const blockRows = blockRowsOf(cols, data.BYTES_PER_ELEMENT);
  const sliceRows = blockRows * Math.max(1, Math.floor(ASYNC_SLICE_ELEMENTS / cols / blockRows));
  for (let r0 = 0; r0 < rows; r0 += sliceRows) {
    acc.addRows(data, r0, Math.min(rows, r0 + sliceRows));
    await pauseIfDue();
  }
  return acc.result();
}
