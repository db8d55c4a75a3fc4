/**
 * One column of the DriftDetector: the reference profile's column and the current sample in
 * memory, read by the drift tests through the ColumnPair interface (drift/tests/), which the
 * file jobs implement over their summaries too, so both run the same rules and the same tests.
 */
import { categoriesOfNumbers, type CategoricalSample, type NumericSample } from './samples.js';
import type { ColumnProfile, NumericalColumnProfile, ReferenceProfile } from './reference-profile.js';
import { meanAndStd, numericShares, type TestResult } from './statistics.js';
import { MIN_NUMERICAL_DISTINCT, type ColumnPair } from './tests/column-pair.js';
import { autoTest as autoTestOfPair, autoTestRule, driftTestSpec, measureColumn, type DriftTestName } from './tests/index.js';

/**
 * The current data of one column, prepared. 'counted' is a numerical column measured where it was
 * sorted (the cuda backend keeps sorted columns on the device): only its count of finite values
 * and the ECDF distances came back, which is all that the distances-only tests (ks, wasserstein) read.
 */
export type CurrentSample =
  | { kind: 'numeric'; sample: NumericSample }
  | { kind: 'categorical'; sample: CategoricalSample }
  | { kind: 'counted'; count: number; total: number };

/** The ECDF distances of a numerical column pair, from the backend's batched kernel. */
export interface PairDistances {
  ks: number;
  wasserstein: number;
}

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

/** The current values as a sorted sample; a counted sample has none. */
function currentValues(current: CurrentSample): NumericSample {
  if (current.kind !== 'numeric') throw new Error(`a ${current.kind} current sample has no numbers to read`);
  return current.sample;
}

/** A column of the profile and its current sample as a ColumnPair. */
function memoryPair(profile: ReferenceProfile, column: ColumnProfile, current: CurrentSample, distances: PairDistances | undefined): ColumnPair {
  const numbers = column.kind === 'numerical' && current.kind !== 'categorical';
  const reference = () => profile.sorted(column as NumericalColumnProfile);
  return {
    referenceCount: column.kind === 'numerical' ? column.count : column.sample.n,
    currentCount: current.kind === 'counted' ? current.count : current.kind === 'numeric' ? current.sample.sorted.length : current.sample.n,
    numbers,
    referenceDistinct: column.kind === 'numerical' ? column.distinct : column.sample.categories.length,
    unionDistinct: (limit) => (current.kind === 'counted' ? (column as NumericalColumnProfile).distinct : unionDistinct(reference(), currentValues(current).sorted, limit)),
    distances: () => {
      if (!distances) throw new Error('the ECDF distances were not measured for this column');
      return distances;
    },
    referenceMoments: () => ({ mean: (column as NumericalColumnProfile).mean, std: (column as NumericalColumnProfile).std }),
    currentMean: () => meanAndStd(currentValues(current).sorted).mean,
    categories: () => ({
      reference: column.kind === 'categorical' ? column.sample : categoriesOfNumbers({ sorted: reference(), total: column.total }),
      current: current.kind === 'categorical' ? current.sample : categoriesOfNumbers(currentValues(current)),
    }),
    binnedShares: () => numericShares(reference(), (column as NumericalColumnProfile).distinct, currentValues(current).sorted),
  };
}

/**
 * The test a column gets whatever the current values are, when the reference alone decides it:
 * a distances-only test named, or the automatic choice for a numerical column with more than
 * MIN_NUMERICAL_DISTINCT distinct reference values when that choice is distances-only.
 * Undefined when the current values are needed.
 */
export function testWithoutValues(column: ColumnProfile, configured: DriftTestName | 'auto'): DriftTestName | undefined {
  if (column.kind !== 'numerical') return undefined;
  if (configured !== 'auto') return driftTestSpec(configured).distancesOnly ? configured : undefined;
  if (column.distinct <= MIN_NUMERICAL_DISTINCT) return undefined;
  const chosen = autoTestRule(column.count, true, () => 0);
  return driftTestSpec(chosen).distancesOnly ? chosen : undefined;
}

/** The automatic test of a column (drift/tests/index.ts). */
export function autoTest(profile: ReferenceProfile, column: ColumnProfile, current: CurrentSample): DriftTestName {
  return autoTestOfPair(memoryPair(profile, column, current, undefined));
}

/** The statistic (and p-value) of `test` on one column. */
export function evaluateColumn(profile: ReferenceProfile, column: ColumnProfile, current: CurrentSample, test: DriftTestName, distances: PairDistances | undefined): TestResult {
  return measureColumn(memoryPair(profile, column, current, distances), test);
}
