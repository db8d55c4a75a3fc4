/**
 * What a drift test reads of one column's two sides. Two implementations: samples in memory
 * (drift/column-drift.ts: the DriftDetector) and summaries gathered while reading files
 * (batch/summary-drift.ts: driftOfFiles). The rules that combine these readings (tested as
 * numbers or as categories, which shares the binned tests compare) are written once, here.
 */
import { alignCategories, type CategoricalSample } from '../samples.js';
import { categoricalShares, MAX_DISCRETE_VALUES } from '../statistics.js';

/** Numbers with more distinct values than this (both samples together) are tested as numbers. */
export const MIN_NUMERICAL_DISTINCT = 5;

export interface ColumnPair {
  /** Usable values (finite numbers, or counted categories) of each side. */
  readonly referenceCount: number;
  readonly currentCount: number;
  /** True when both sides hold numbers (a numeric column not declared categorical). */
  readonly numbers: boolean;
  /** Distinct reference values (numbers only). */
  readonly referenceDistinct: number;
  /** Distinct values of both sides together, counted no further than limit + 1 (numbers only). */
  unionDistinct(limit: number): number;
  /** The KS and Wasserstein distances of the two sides, measured by the backend's ECDF kernel (numbers only). */
  distances(): { ks: number; wasserstein: number };
  /** The reference's mean and standard deviation (numbers only). */
  referenceMoments(): { mean: number; std: number };
  /** The current sample's mean (numbers only). */
  currentMean(): number;
  /** Both sides as categories (numbers: their distinct values with their counts). */
  categories(): { reference: CategoricalSample; current: CategoricalSample };
  /** Shares of both sides over the Sturges bins of both together (numbers only). */
  binnedShares(): { ref: Float64Array; cur: Float64Array };
}

/** True when the column is tested as numbers: numbers with more than MIN_NUMERICAL_DISTINCT distinct values in both sides together. */
export function testedAsNumbers(pair: ColumnPair): boolean {
  if (!pair.numbers) return false;
  return pair.referenceDistinct > MIN_NUMERICAL_DISTINCT || pair.unionDistinct(MIN_NUMERICAL_DISTINCT) > MIN_NUMERICAL_DISTINCT;
}

/** Number of categories of both sides together. */
export function categoryCount(pair: ColumnPair): number {
  const { reference, current } = pair.categories();
  return alignCategories(reference, current).categories.length;
}

/** The shares the binned tests compare: Sturges bins for numbers with more than MAX_DISCRETE_VALUES distinct reference values, categories otherwise. */
export function sharesOf(pair: ColumnPair): { ref: Float64Array; cur: Float64Array } {
  if (pair.numbers && pair.referenceDistinct > MAX_DISCRETE_VALUES) return pair.binnedShares();
  const { reference, current } = pair.categories();
  return categoricalShares(reference, current);
}
