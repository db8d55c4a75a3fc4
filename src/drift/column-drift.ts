/**
 * One column's drift: the automatic choice of test (the rule Evidently users know) and the
 * test's statistic on the reference profile and the current sample.
 */
import type { DriftTestName } from './drift-options.js';
import type { ColumnProfile, NumericalColumnProfile, ReferenceProfile } from './reference-profile.js';
import { alignCategories, categoriesOfNumbers, type CategoricalSample, type NumericSample } from './samples.js';
import {
  categoricalShares,
  chiSquareOfCategories,
  jensenShannonOfShares,
  ksResult,
  meanAndStd,
  meanShiftResult,
  numericShares,
  psiOfShares,
  wassersteinResult,
  zTestOfCategories,
  type TestResult,
} from './statistics.js';

/** Reference sizes up to this use the small-sample tests (ks, chisquare, z). */
export const SMALL_REFERENCE_ROWS = 1000;
/** Numbers with more distinct values than this (both samples together) are tested as numbers. */
export const MIN_NUMERICAL_DISTINCT = 5;

/**
 * The current data of one column, prepared. 'counted' is a numerical column measured where it was
 * sorted (the cuda backend keeps sorted columns on the device): only its count of finite values
 * and the ECDF distances came back, which is all that ks and wasserstein read.
 */
export type CurrentSample =
  | { kind: 'numeric'; sample: NumericSample }
  | { kind: 'categorical'; sample: CategoricalSample }
  | { kind: 'counted'; count: number; total: number };

/** Distinct values of two sorted arrays together, counting no further than limit + 1. */
function unionDistinct(a: Float64Array, b: Float64Array, limit: number): number {
  let i = 0;
  let j = 0;
  let count = 0;
  while ((i < a.length || j < b.length) && count <= limit) {
    const x = i < a.length && (j >= b.length || a[i] <= b[j]) ? a[i] : b[j];
    while (i < a.length && a[i] === x) i++;
    while (j < b.length && b[j] === x) j++;
    count++;
  }
  return count;
}

/** Current values as categories (numbers: their distinct values). */
function currentCategories(current: CurrentSample): CategoricalSample {
  if (current.kind === 'counted') throw new Error('a counted sample has no values to count as categories');
  return current.kind === 'categorical' ? current.sample : categoriesOfNumbers(current.sample);
}

/**
 * The test a column gets whatever the current values are, when that is decided by the reference
 * alone: ks or wasserstein named, or the automatic choice for a numerical column with more than
 * MIN_NUMERICAL_DISTINCT distinct reference values. Undefined when the current values are needed.
 */
export function testWithoutValues(column: ColumnProfile, configured: DriftTestName | 'auto'): 'ks' | 'wasserstein' | undefined {
  if (column.kind !== 'numerical') return undefined;
  if (configured === 'ks' || configured === 'wasserstein') return configured;
  if (configured !== 'auto' || column.distinct <= MIN_NUMERICAL_DISTINCT) return undefined;
  return autoTestRule(column.count, true, () => 0) as 'ks' | 'wasserstein';
}

/** The reference values as categories. */
function referenceCategories(profile: ReferenceProfile, column: ColumnProfile): CategoricalSample {
  if (column.kind === 'categorical') return column.sample;
  return categoriesOfNumbers({ sorted: profile.sorted(column), total: column.total });
}

/** True when the column is tested as numbers: a numerical column with > 5 distinct values in both samples together. */
export function testedAsNumbers(profile: ReferenceProfile, column: ColumnProfile, current: CurrentSample): boolean {
  if (column.kind === 'numerical' && current.kind === 'counted') return column.distinct > MIN_NUMERICAL_DISTINCT;
  if (column.kind !== 'numerical' || current.kind !== 'numeric') return false;
  if (column.distinct > MIN_NUMERICAL_DISTINCT) return true;
  return unionDistinct(profile.sorted(column), current.sample.sorted, MIN_NUMERICAL_DISTINCT) > MIN_NUMERICAL_DISTINCT;
}

/**
 * The automatic test: reference <= 1000 values: ks for numbers, else chisquare when there are
 * more than 2 categories, else z; larger references: wasserstein for numbers, else jensenshannon.
 */
export function autoTest(profile: ReferenceProfile, column: ColumnProfile, current: CurrentSample): DriftTestName {
  const referenceCount = column.kind === 'numerical' ? column.count : column.sample.n;
  return autoTestRule(referenceCount, testedAsNumbers(profile, column, current), () =>
    alignCategories(referenceCategories(profile, column), currentCategories(current)).categories.length,
  );
}

/**
 * The automatic choice from its inputs (for samples in memory and for summaries of files alike):
 * the reference's usable values, whether the column is tested as numbers, and (asked only for
 * small references of categories) the number of categories of both samples together.
 */
export function autoTestRule(referenceCount: number, numbers: boolean, categories: () => number): DriftTestName {
  if (referenceCount <= SMALL_REFERENCE_ROWS) {
    if (numbers) return 'ks';
    return categories() > 2 ? 'chisquare' : 'z';
  }
  return numbers ? 'wasserstein' : 'jensenshannon';
}

/** The ECDF distances of a numerical column pair, from the backend's batched kernel. */
export interface PairDistances {
  ks: number;
  wasserstein: number;
}

/** The statistic (and p-value) of `test` on one column. */
export function evaluateColumn(
  profile: ReferenceProfile,
  column: ColumnProfile,
  current: CurrentSample,
  test: DriftTestName,
  distances: PairDistances | undefined,
): TestResult {
  if (test === 'ks' || test === 'wasserstein' || test === 'meanShift') {
    const c = column as NumericalColumnProfile;
    if (test === 'ks') return ksResult(distances!.ks, c.count, current.kind === 'counted' ? current.count : (current as { sample: NumericSample }).sample.sorted.length);
    if (test === 'wasserstein') return wassersteinResult(distances!.wasserstein, c.std);
    return meanShiftResult(c.mean, c.std, meanAndStd((current as { sample: NumericSample }).sample.sorted).mean);
  }
  if (test === 'psi' || test === 'jensenshannon') {
    const shares =
      column.kind === 'numerical' && current.kind === 'numeric'
        ? numericShares(profile.sorted(column), column.distinct, current.sample.sorted)
        : categoricalShares(referenceCategories(profile, column), currentCategories(current));
    return test === 'psi' ? psiOfShares(shares.ref, shares.cur) : jensenShannonOfShares(shares.ref, shares.cur);
  }
  const ref = referenceCategories(profile, column);
  const cur = currentCategories(current);
  return test === 'chisquare' ? chiSquareOfCategories(ref, cur) : zTestOfCategories(ref, cur);
}
