/**
 * Samples as the drift tests read them: a numerical sample is its finite values sorted
 * ascending (NaN and ±Infinity dropped and counted as missing); a categorical sample is its
 * categories with counts. Sorting runs on the active backend.
 */
import type { Backend } from '../backend/contract.js';
import { getBackend } from '../backend/registry.js';
import { rangeError, typeError } from '../errors.js';
import { toFloatArray, type FloatArray } from '../matrix.js';
import { pauseIfDue } from '../backend/time-slice.js';

/** A column's values: numbers (typed or plain) or category labels. */
export type ColumnValues = Float32Array | Float64Array | Int32Array | readonly number[] | readonly string[];

/** Finite values ascending, plus how many values the column had in all. */
export interface NumericSample {
  sorted: Float64Array;
  total: number;
}

/** A category: a label, or a number when numbers are treated as categories. */
export type Category = string | number;

/** Categories in ascending order with their counts; missing values are not categories. */
export interface CategoricalSample {
  categories: Category[];
  counts: number[];
  /** Sum of counts. */
  n: number;
  total: number;
}

/**
 * The values as a typed array the kernels read (Int32Array and number[] are copied to float64;
 * null and undefined in a number[] are missing values, read as NaN and dropped like it).
 */
export function numericValues(values: unknown, name: string): FloatArray {
  if (values instanceof Int32Array) return Float64Array.from(values);
  if (Array.isArray(values) && values.some((v) => v === null || v === undefined)) {
    return Float64Array.from(values, (v, i) => {
      if (v === null || v === undefined) return NaN;
      if (typeof v !== 'number') throw typeError('a number (or null for a missing value)', `${name}[${i}]`, v);
      return v;
    });
  }
  return toFloatArray(values, name);
}

/** Sorts the finite values of one sample on the backend. */
export function numericSample(values: FloatArray, backend: Backend = getBackend()): NumericSample {
  if (values.length === 0) return { sorted: new Float64Array(0), total: 0 };
  const { values: sorted, counts } = backend.sortColumns(values, values.length, 1, 0, 1);
  return { sorted: sorted.subarray(0, counts[0]), total: values.length };
}

/** Distinct values of a sorted array with their multiplicities (the backend's sortedRuns: one count, one fill). */
export function runLengths(sorted: Float64Array, backend: Backend = getBackend()): { values: number[]; counts: number[] } {
  const none = new Float64Array(0);
  const runs = backend.sortedRuns(sorted, none, none);
  const values = new Float64Array(runs);
  const counts = new Float64Array(runs);
  backend.sortedRuns(sorted, values, counts);
  return { values: Array.from(values), counts: Array.from(counts) };
}

/** Number of distinct values of a sorted array. */
export function distinctCount(sorted: Float64Array): number {
  return distinctIn(sorted, 0, sorted.length);
}

function distinctIn(sorted: Float64Array, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) count++;
  return count;
}

/** distinctCount in units of 2^16 values, yielding to the event loop every few milliseconds. */
export async function distinctCountAsync(sorted: Float64Array): Promise<number> {
  const step = 1 << 16;
  let count = 0;
  for (let i = 0; i < sorted.length; i += step) {
    count += distinctIn(sorted, i, Math.min(sorted.length, i + step));
    await pauseIfDue();
  }
  return count;
}

/** Numbers as categories: the distinct finite values of a numerical sample. */
export function categoriesOfNumbers(sample: NumericSample): CategoricalSample {
  const { values, counts } = runLengths(sample.sorted);
  return { categories: values, counts, n: sample.sorted.length, total: sample.total };
}

/**
 * Counts the labels of a string column. null and undefined entries are missing values; every
 * other entry must be a string (the empty string is a category).
 */
export function categoriesOfLabels(labels: readonly unknown[], name: string): CategoricalSample {
  const counts = new Map<string, number>();
  let n = 0;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v === null || v === undefined) continue;
    if (typeof v !== 'string') throw typeError('a string (or null for a missing value)', `${name}[${i}]`, v);
    counts.set(v, (counts.get(v) ?? 0) + 1);
    n++;
  }
  const categories = [...counts.keys()].sort(compareCategories);
  return { categories, counts: categories.map((c) => counts.get(c)!), n, total: labels.length };
}

/** Ascending order of categories: numbers numerically, strings by code unit. */
export function compareCategories(a: Category, b: Category): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** The union of two samples' categories, ascending, with each sample's count (0 when absent). */
export function alignCategories(a: CategoricalSample, b: CategoricalSample): { categories: Category[]; a: number[]; b: number[] } {
  const categories: Category[] = [];
  const ca: number[] = [];
  const cb: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.categories.length || j < b.categories.length) {
    const order = i >= a.categories.length ? 1 : j >= b.categories.length ? -1 : compareCategories(a.categories[i], b.categories[j]);
    if (order <= 0) {
      categories.push(a.categories[i]);
      ca.push(a.counts[i++]);
      cb.push(order === 0 ? b.counts[j++] : 0);
    } else {
      categories.push(b.categories[j]);
      ca.push(0);
      cb.push(b.counts[j++]);
    }
  }
  return { categories, a: ca, b: cb };
}

/** Throws when a sample has no usable value (public two-sample functions need one on each side). */
export function requireValues(count: number, name: string): void {
  if (count < 1) throw rangeError('at least one finite value (NaN, ±Infinity and null are dropped)', name, 'none');
}
