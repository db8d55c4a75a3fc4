/**
 * SortedSummary: what the drift tests need from one side of a numeric column, gathered from its
 * sorted values block by block: distinct count, the distinct values with their counts (while
 * there are few enough to keep), a histogram over fixed edges, and mean/std. The moments are the
 * backend's accumulateColumnStats carried over the blocks: a single block (a column in memory)
 * gets exactly what columnStats gives DriftDetector, and any number of blocks keeps the spread of
 * 1e12 + N(0, 0.01).
 */
import type { Backend } from '../backend/contract.js';
import { columnStatsOfState, newColumnStatsState } from '../backend/column-stats-state.js';
import { histogramOfSorted } from '../drift/statistics.js';

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
  private readonly moments = newColumnStatsState(1);
  private last = NaN;
  private runs: { values: number[]; counts: number[] } | null = { values: [], counts: [] };
  private readonly histogram: Float64Array;
  /** Room for a block's runs: values in the first half, counts in the second. */
  private runScratch = new Float64Array(0);

  constructor(
    private readonly total: number,
    private readonly edges: Float64Array,
    private readonly backend: Backend,
  ) {
    this.histogram = new Float64Array(Math.max(0, edges.length - 1));
  }

  /** Adds the next sorted block (values >= every value added before). */
  add(block: Float64Array): void {
    const n = block.length;
    if (n === 0) return;
    const continues = block[0] === this.last;
    // the block's runs on the backend, written while they fit within MAX_KEPT_RUNS
    const room = this.runs ? Math.min(n, MAX_KEPT_RUNS - this.distinct + (continues ? 1 : 0)) : 0;
    if (this.runScratch.length < 2 * room) this.runScratch = new Float64Array(2 * room);
    const half = this.runScratch.length / 2;
    const values = this.runScratch.subarray(0, Math.min(room, half));
    const counts = this.runScratch.subarray(half, half + values.length);
    const runs = this.backend.sortedRuns(block, values, counts);
    const newDistinct = runs - (continues ? 1 : 0);
    if (this.runs && runs <= room) {
      let from = 0;
      if (continues) {
        this.runs.counts[this.runs.counts.length - 1] += counts[0];
        from = 1;
      }
      for (let i = from; i < runs; i++) {
        this.runs.values.push(values[i]);
        this.runs.counts.push(counts[i]);
      }
    } else this.runs = null;
    this.distinct += newDistinct;
    this.last = block[n - 1];
    if (this.histogram.length > 0) {
      const h = histogramOfSorted(block, this.edges);
      for (let i = 0; i < h.length; i++) this.histogram[i] += h[i];
    }
    this.backend.accumulateColumnStats(block, n, 1, this.moments);
    this.count += n;
  }

  finish(): NumericSummary {
    const { mean, std } = columnStatsOfState(this.moments, 1);
    return {
      total: this.total,
      count: this.count,
      distinct: this.distinct,
      mean: mean[0],
      std: std[0],
      histogram: this.histogram,
      runs: this.runs,
    };
  }
}
