/**
 * SortedSummary: what the drift tests need from one side of a numeric column, gathered from its
 * sorted values block by block: distinct count, the distinct values with their counts (while
 * there are few enough to keep), a histogram over fixed edges, and mean/std. A single block
 * (a column in memory) takes meanAndStd as DriftDetector does. Blocks merged from disk each go
 * through the backend's columnStats shifted by the column's first value and are combined by
 * Chan's formula relative to that shift: raw block means of 1e12 + N(0, 0.01) would be rounded
 * at the scale of 1e12 and lose the spread.
 */
import { columnStats } from '../stats/column-stats.js';
import { distinctCount, runLengths } from '../drift/samples.js';
import { histogramOfSorted, meanAndStd } from '../drift/statistics.js';

/** Distinct values kept per column side for the tests that read numbers as categories. */
export const MAX_KEPT_RUNS = 100_000;

export interface NumericSummary {
  /** Values read, missing ones included. */
  total: number;
  /** Finite values. */
  count: number;
  distinct: number;
  mean: number;
  std: number;
  /** Counts over the edges the summary was built with ([e_i, e_i+1), the last bin closed). */
  histogram: Float64Array;
  /** Distinct values ascending with their counts; null when there were more than MAX_KEPT_RUNS. */
  runs: { values: number[]; counts: number[] } | null;
}

export class SummaryBuilder {
  private count = 0;
  private distinct = 0;
  private wholeMoments: { mean: number; std: number } | null = null;
  /** Blocks from disk: moments relative to `shift` (the first value), and a buffer for shifted blocks. */
  private shift = NaN;
  private mean = 0;
  private m2 = 0;
  private shifted = new Float64Array(0);
  private last = NaN;
  private runs: { values: number[]; counts: number[] } | null = { values: [], counts: [] };
  private readonly histogram: Float64Array;

  /**
   * @param whole true when the values come as one block (a column in memory): its moments are
   *   then the backend's columnStats of it, as DriftDetector computes them
   */
  constructor(
    private readonly total: number,
    private readonly edges: Float64Array,
    private readonly whole: boolean,
  ) {
    this.histogram = new Float64Array(Math.max(0, edges.length - 1));
  }

  /** Adds the next sorted block (values >= every value added before). */
  add(block: Float64Array): void {
    const n = block.length;
    if (n === 0) return;
    const continues = block[0] === this.last;
    const newDistinct = distinctCount(block) - (continues ? 1 : 0);
    if (this.runs && this.distinct + newDistinct <= MAX_KEPT_RUNS) {
      const r = runLengths(block);
      let from = 0;
      if (continues) {
        this.runs.counts[this.runs.counts.length - 1] += r.counts[0];
        from = 1;
      }
      for (let i = from; i < r.values.length; i++) {
        this.runs.values.push(r.values[i]);
        this.runs.counts.push(r.counts[i]);
      }
    } else this.runs = null;
    this.distinct += newDistinct;
    this.last = block[n - 1];
    if (this.histogram.length > 0) {
      const h = histogramOfSorted(block, this.edges);
      for (let i = 0; i < h.length; i++) this.histogram[i] += h[i];
    }
    if (this.whole) {
      if (this.wholeMoments) throw new Error('SummaryBuilder: a second block for a whole column');
      this.wholeMoments = meanAndStd(block);
    } else this.addMoments(block);
    this.count += n;
  }

  /** Chan's update with the block's moments, measured by the backend on values minus the shift. */
  private addMoments(block: Float64Array): void {
    const n = block.length;
    if (Number.isNaN(this.shift)) this.shift = block[0];
    if (this.shifted.length < n) this.shifted = new Float64Array(n);
    const shifted = this.shifted.subarray(0, n);
    for (let i = 0; i < n; i++) shifted[i] = block[i] - this.shift;
    const s = columnStats({ data: shifted, rows: n, cols: 1 });
    const before = this.count;
    const all = before + n;
    const delta = s.mean[0] - this.mean;
    this.mean += (delta * n) / all;
    this.m2 += s.std[0] * s.std[0] * n + (delta * delta * before * n) / all;
  }

  finish(): NumericSummary {
    const empty = this.count === 0;
    const { mean, std } = this.whole ? (this.wholeMoments ?? { mean: NaN, std: NaN }) : { mean: this.shift + this.mean, std: Math.sqrt(this.m2 / this.count) };
    return {
      total: this.total,
      count: this.count,
      distinct: this.distinct,
      mean: empty ? NaN : mean,
      std: empty ? NaN : std,
      histogram: this.histogram,
      runs: this.runs,
    };
  }
}
