/**
 * One column's drift from summaries rather than samples in memory: the automatic test choice
 * and the statistics of column-drift.ts, computed from what SortedSummary and CategoryCounter
 * gathered. Same rules, same statistic functions (drift/statistics.ts), so a job over files
 * gives the numbers DriftDetector gives on the same data.
 */
import { autoTestRule, MIN_NUMERICAL_DISTINCT } from '../drift/column-drift.js';
import type { DriftTestName } from '../drift/drift-options.js';
import { alignCategories, type CategoricalSample } from '../drift/samples.js';
import {
  categoricalShares,
  chiSquareOfCategories,
  jensenShannonOfShares,
  ksResult,
  MAX_DISCRETE_VALUES,
  meanShiftResult,
  psiOfShares,
  wassersteinResult,
  zTestOfCategories,
  type TestResult,
} from '../drift/statistics.js';
import { MAX_KEPT_RUNS, type NumericSummary } from './sorted-summary.js';

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
  if (!runs) throw new RangeError(`column ${JSON.stringify(column)}: more than ${MAX_KEPT_RUNS} distinct numbers to compare as categories; declare the test (--tests) or the column categorical`);
  return { categories: runs.values, counts: runs.counts, n: count, total };
}

/** Distinct values of both sides together, counting no further than limit + 1. */
function unionDistinct(a: NumericSummary, b: NumericSummary, limit: number): number {
  if (!a.runs || !b.runs) return Math.max(a.distinct, b.distinct);
  return Math.min(limit + 1, alignCategories(categoriesOfRuns(a), categoriesOfRuns(b)).categories.length);
}

function categoriesOfRuns(s: NumericSummary): CategoricalSample {
  return { categories: s.runs!.values, counts: s.runs!.counts, n: s.count, total: s.total };
}

/** Tested as numbers: a numerical column with > 5 distinct values in both samples together. */
function testedAsNumbers(ref: SideSummary, cur: SideSummary): boolean {
  if (ref.kind !== 'numeric' || cur.kind !== 'numeric') return false;
  if (ref.summary.distinct > MIN_NUMERICAL_DISTINCT) return true;
  return unionDistinct(ref.summary, cur.summary, MIN_NUMERICAL_DISTINCT) > MIN_NUMERICAL_DISTINCT;
}

/** The automatic test (column-drift.ts's autoTest rule). */
export function autoTestOfSummaries(ref: SideSummary, cur: SideSummary, column: string): DriftTestName {
  return autoTestRule(usableCount(ref), testedAsNumbers(ref, cur), () =>
    alignCategories(categoriesOfSide(ref, column), categoriesOfSide(cur, column)).categories.length,
  );
}

/** Shares for psi / jensenshannon: Sturges bins (the summaries' histograms) above 20 distinct reference values. */
function sharesOf(ref: SideSummary, cur: SideSummary, column: string): { ref: Float64Array; cur: Float64Array } {
  if (ref.kind === 'numeric' && cur.kind === 'numeric' && ref.summary.distinct > MAX_DISCRETE_VALUES) {
    return {
      ref: ref.summary.histogram.map((c) => c / ref.summary.count),
      cur: cur.summary.histogram.map((c) => c / cur.summary.count),
    };
  }
  return categoricalShares(categoriesOfSide(ref, column), categoriesOfSide(cur, column));
}

/** The statistic (and p-value) of `test`; `distances` are the column's KS and Wasserstein distances. */
export function evaluateSummaries(ref: SideSummary, cur: SideSummary, test: DriftTestName, distances: { ks: number; wasserstein: number } | undefined, column: string): TestResult {
  if (test === 'ks' || test === 'wasserstein' || test === 'meanShift') {
    const r = (ref as { summary: NumericSummary }).summary;
    const c = (cur as { summary: NumericSummary }).summary;
    if (test === 'ks') return ksResult(distances!.ks, r.count, c.count);
    if (test === 'wasserstein') return wassersteinResult(distances!.wasserstein, r.std);
    return meanShiftResult(r.mean, r.std, c.mean);
  }
  if (test === 'psi' || test === 'jensenshannon') {
    const shares = sharesOf(ref, cur, column);
    return test === 'psi' ? psiOfShares(shares.ref, shares.cur) : jensenShannonOfShares(shares.ref, shares.cur);
  }
  const r = categoriesOfSide(ref, column);
  const c = categoriesOfSide(cur, column);
  return test === 'chisquare' ? chiSquareOfCategories(r, c) : zTestOfCategories(r, c);
}
