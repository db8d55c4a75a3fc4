/**
 * One column of a file job: both sides as summaries (SortedSummary for numbers, CategoryCounter
 * for labels), read by the drift tests through the ColumnPair interface (drift/tests/), which the
 * DriftDetector implements over samples in memory too: same rules, same tests, so a job over files
 * gives the numbers DriftDetector gives on the same data.
 */
import { alignCategories, type CategoricalSample } from '../drift/samples.js';
import type { TestResult } from '../drift/statistics.js';
import type { ColumnPair } from '../drift/tests/column-pair.js';
import { autoTest, measureColumn, type DriftTestName } from '../drift/tests/index.js';
import { MAX_KEPT_RUNS, type NumericSummary } from './sorted-summary.js';
import { coded } from '../errors.js';

/** One side of a column, summarised. */
export type SideSummary = { kind: 'numeric'; summary: NumericSummary } | { kind: 'categorical'; sample: CategoricalSample };

/** Number of values the tests see on a side. */
export function usableCount(side: SideSummary): number {
  return side.kind === 'numeric' ? side.summary.count : side.sample.n;
}

/** The side as categories (numbers: their distinct values); throws when too many were seen to keep. */
export function categoriesOfSide(side: SideSummary, column: string): CategoricalSample {
  if (side.kind === 'categorical') return side.sample;
  const { runs, count, total } = side.summary;
  if (!runs) throw coded(new RangeError(`column ${JSON.stringify(column)}: more than ${MAX_KEPT_RUNS} distinct numbers to compare as categories; declare the test (--tests) or the column categorical`), 'ERR_MLWATCH_INVALID_ARGUMENT');
  return { categories: runs.values, counts: runs.counts, n: count, total };
}

/** Distinct values of both sides together, counting no further than limit + 1. */
function unionDistinct(a: NumericSummary, b: NumericSummary, limit: number): number {
  if (!a.runs || !b.runs) return Math.max(a.distinct, b.distinct);
  const runs = (s: NumericSummary): CategoricalSample => ({ categories: s.runs!.values, counts: s.runs!.counts, n: s.count, total: s.total });
  return Math.min(limit + 1, alignCategories(runs(a), runs(b)).categories.length);
}

/** A column's two summarised sides as a ColumnPair; `distances` are its KS and Wasserstein distances, when measured. */
function summaryPair(ref: SideSummary, cur: SideSummary, distances: { ks: number; wasserstein: number } | undefined, column: string): ColumnPair {
  const numbers = ref.kind === 'numeric' && cur.kind === 'numeric';
  const r = () => (ref as { summary: NumericSummary }).summary;
  const c = () => (cur as { summary: NumericSummary }).summary;
  return {
    referenceCount: usableCount(ref),
    currentCount: usableCount(cur),
    numbers,
    referenceDistinct: ref.kind === 'numeric' ? ref.summary.distinct : ref.sample.categories.length,
    unionDistinct: (limit) => unionDistinct(r(), c(), limit),
    distances: () => {
      if (!distances) throw new Error(`column ${JSON.stringify(column)}: the ECDF distances were not measured`);
      return distances;
    },
    referenceMoments: () => ({ mean: r().mean, std: r().std }),
    currentMean: () => c().mean,
    categories: () => ({ reference: categoriesOfSide(ref, column), current: categoriesOfSide(cur, column) }),
    // the summaries' histograms were counted on the Sturges edges of both sides together
    binnedShares: () => ({ ref: r().histogram.map((n) => n / r().count), cur: c().histogram.map((n) => n / c().count) }),
  };
}

/** The automatic test of a column (drift/tests/index.ts). */
export function autoTestOfSummaries(ref: SideSummary, cur: SideSummary, column: string): DriftTestName {
  return autoTest(summaryPair(ref, cur, undefined, column));
}

/** The statistic (and p-value) of `test`; `distances` are the column's KS and Wasserstein distances. */
export function evaluateSummaries(ref: SideSummary, cur: SideSummary, test: DriftTestName, distances: { ks: number; wasserstein: number } | undefined, column: string): TestResult {
  return measureColumn(summaryPair(ref, cur, distances, column), test);
}
