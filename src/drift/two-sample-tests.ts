/**
 * The drift tests as public functions over two samples, on the active backend. Numbers come as
 * Float32Array, Float64Array, Int32Array or number[] (NaN and ±Infinity dropped); categories as
 * string[] (null entries dropped). Each sample needs at least one remaining value.
 */
import { getBackend } from '../backend/registry.js';
import type { FloatArray } from '../matrix.js';
import { isLabelColumn } from './column-table.js';
import { typeError } from '../errors.js';
import {
  categoriesOfLabels,
  categoriesOfNumbers,
  distinctCount,
  numericSample,
  numericValues,
  requireValues,
  type CategoricalSample,
  type ColumnValues,
  type NumericSample,
} from './samples.js';
import {
  categoricalShares,
  chiSquareOfCategories,
  jensenShannonOfShares,
  ksResult,
  meanAndStd,
  numericShares,
  psiOfShares,
  wassersteinResult,
  zTestOfCategories,
} from './statistics.js';

/** A statistic with its p-value. */
export interface HypothesisTest {
  statistic: number;
  pValue: number;
}

function numeric(values: unknown, name: string): NumericSample {
  const sample = numericSample(numericValues(values, name));
  requireValues(sample.sorted.length, name);
  return sample;
}

function categorical(values: unknown, name: string): CategoricalSample {
  const sample = isLabelColumn(values) ? categoriesOfLabels(values, name) : categoriesOfNumbers(numericSample(numericValues(values, name)));
  requireValues(sample.n, name);
  return sample;
}

/**
 * Both samples sorted, each by its own kernel call: the native backend splits a single column
 * across all its threads, so no interleaved copy of the two samples is needed to keep them busy.
 */
function numericPair(a: unknown, b: unknown): [NumericSample, NumericSample] {
  numbersOnly(a, b);
  return [numeric(a, 'a'), numeric(b, 'b')];
}

function numbersOnly(a: unknown, b: unknown): void {
  if (isLabelColumn(a)) throw typeError('numbers (this test is for numerical samples)', 'a', a);
  if (isLabelColumn(b)) throw typeError('numbers (this test is for numerical samples)', 'b', b);
}

function sameKind(a: unknown, b: unknown): void {
  if (isLabelColumn(a) !== isLabelColumn(b)) throw typeError(isLabelColumn(a) ? 'string[] like a' : 'numbers like a', 'b', b);
}

/** A kernel's result over two numeric samples as given (unsorted), each checked to hold a finite value. */
function ofUnsortedPair<T extends { na: number; nb: number }>(a: ColumnValues, b: ColumnValues, kernel: (a: FloatArray, b: FloatArray) => T): T {
  numbersOnly(a, b);
  const result = kernel(numericValues(a, 'a'), numericValues(b, 'b'));
  requireValues(result.na, 'a');
  requireValues(result.nb, 'b');
  return result;
}

function distances(a: NumericSample, b: NumericSample) {
  const result = getBackend().ecdfDistances(a.sorted, Float64Array.of(0), Float64Array.of(a.sorted.length), b.sorted, Float64Array.of(0), Float64Array.of(b.sorted.length));
  return { ks: result.ks[0], wasserstein: result.wasserstein[0] };
}

/**
 * Two-sample Kolmogorov–Smirnov test: D and p-value as scipy.stats.ks_2samp(a, b) (method 'auto').
 * D comes from the backend's ksDistance, which finds it without sorting the samples.
 */
export function ksTest(a: ColumnValues, b: ColumnValues): HypothesisTest {
  const { ks, na, nb } = ofUnsortedPair(a, b, (va, vb) => getBackend().ksDistance(va, vb));
  return ksResult(ks, na, nb) as HypothesisTest;
}

/**
 * First Wasserstein distance between the samples (scipy.stats.wasserstein_distance). It comes from
 * the backend's wassersteinDistance, which integrates |F_a - F_b| bin by bin without sorting the
 * samples (equal to the sorted walk's sum to rounding).
 */
export function wassersteinDistance(a: ColumnValues, b: ColumnValues): number {
  return ofUnsortedPair(a, b, (va, vb) => getBackend().wassersteinDistance(va, vb)).wasserstein;
}

/** Wasserstein distance divided by max(std(a), 0.001), a being the reference sample. */
export function wassersteinNorm(a: ColumnValues, b: ColumnValues): number {
  const [sa, sb] = numericPair(a, b);
  return wassersteinResult(distances(sa, sb).wasserstein, meanAndStd(sa.sorted).std).statistic;
}

function shares(a: ColumnValues, b: ColumnValues): { ref: Float64Array; cur: Float64Array } {
  sameKind(a, b);
  if (isLabelColumn(a)) return categoricalShares(categorical(a, 'a'), categorical(b, 'b'));
  const [sa, sb] = numericPair(a, b);
  return numericShares(sa.sorted, distinctCount(sa.sorted), sb.sorted);
}

/**
 * Population stability index of b against the reference a: numbers with more than 20 distinct
 * reference values are binned by Sturges' rule over both samples, otherwise (and for string
 * samples) each value is its own bin.
 */
export function psi(a: ColumnValues, b: ColumnValues): number {
  const s = shares(a, b);
  return psiOfShares(s.ref, s.cur).statistic;
}

/** Jensen–Shannon distance (natural log) of the binned samples; bins as for psi. */
export function jensenShannon(a: ColumnValues, b: ColumnValues): number {
  const s = shares(a, b);
  return jensenShannonOfShares(s.ref, s.cur).statistic;
}

/**
 * Pearson's chi-square test of b's category counts against a's, scaled to b's size, over the
 * union of categories (numbers: each distinct value is a category). p-value as
 * scipy.stats.chisquare; NaN when there is only one category.
 */
export function chiSquareTest(a: ColumnValues, b: ColumnValues): HypothesisTest {
  sameKind(a, b);
  return chiSquareOfCategories(categorical(a, 'a'), categorical(b, 'b')) as HypothesisTest;
}

/**
 * Two-proportion z-test (two-sided) for a binary categorical variable: the share of values
 * other than the first category (ascending) in a against b.
 */
export function zTest(a: ColumnValues, b: ColumnValues): HypothesisTest {
  sameKind(a, b);
  return zTestOfCategories(categorical(a, 'a'), categorical(b, 'b')) as HypothesisTest;
}
