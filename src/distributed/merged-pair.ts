/**
 * One column of a distributed run as a ColumnPair (drift/tests/column-pair.ts): the reference
 * profile's column against the merged partial (and, once pass 2 is in, the exact distances and
 * the Sturges histogram), so the drift tests and their automatic choice run unchanged, as they do
 * for DriftDetector (drift/column-drift.ts) and the file jobs (batch/summary-drift.ts).
 */
import { columnStatsOfState } from '../backend/column-stats-state.js';
import { coded } from '../errors.js';
import type { ColumnProfile, NumericalColumnProfile, ReferenceProfile } from '../drift/reference-profile.js';
import { alignCategories, categoriesOfNumbers, type CategoricalSample } from '../drift/samples.js';
import { histogramOfSorted, sturgesEdges } from '../drift/statistics.js';
import type { ColumnPair } from '../drift/tests/column-pair.js';
import type { PartialColumn } from './partial-profile.js';

/** Usable current values of a merged column (finite numbers, or counted labels). */
export function currentUsable(c: PartialColumn): number {
  return c.kind === 'labels' ? c.counts.reduce((a, b) => a + b, 0) : c.finiteCount;
}

/** The current side as categories (numbers: their distinct values), as categoriesOfLabels / categoriesOfNumbers give them. */
export function currentCategories(c: PartialColumn): CategoricalSample {
  if (c.kind === 'labels') return { categories: [...c.categories], counts: [...c.counts], n: currentUsable(c), total: c.total };
  if (!c.runs) {
    throw coded(new RangeError(`column ${JSON.stringify(c.name)}: the partitions held more than their limit of distinct numbers to compare as categories; declare a numerical test for it (ks, wasserstein) or run DriftDetector on it`), 'ERR_MLWATCH_INVALID_ARGUMENT');
  }
  return { categories: [...c.runs.values], counts: [...c.runs.counts], n: c.finiteCount, total: c.total };
}

/** The Sturges edges numericShares uses for a column: over both sides' range, n = both sizes. */
export function sturgesOf(reference: Float64Array, c: PartialColumn & { kind: 'numbers' }): Float64Array {
  const min = Math.min(reference[0], c.finiteMin);
  const max = Math.max(reference[reference.length - 1], c.finiteMax);
  return sturgesEdges(min, max, reference.length + c.finiteCount);
}

/** What pass 2 adds to a column: the exact distances and the current histogram over sturgesOf's edges. */
export interface PassTwoResult {
  distances?: { ks: number; wasserstein: number };
  histogram?: Float64Array;
}

/** The ColumnPair of a reference column and its merged partial. */
export function mergedPair(profile: ReferenceProfile, column: ColumnProfile, current: PartialColumn, pass2: PassTwoResult = {}): ColumnPair {
  const reference = () => profile.sorted(column as NumericalColumnProfile);
  const numbers = column.kind === 'numerical';
  return {
    referenceCount: column.kind === 'numerical' ? column.count : column.sample.n,
    currentCount: currentUsable(current),
    numbers,
    referenceDistinct: column.kind === 'numerical' ? column.distinct : column.sample.categories.length,
    unionDistinct: (limit) => {
      if (current.kind === 'numbers' && !current.runs) return limit + 1; // more distinct values than any limit the tests ask about
      const ref = categoriesOfNumbers({ sorted: reference(), total: 0 });
      return Math.min(limit + 1, alignCategories(ref, currentCategories(current)).categories.length);
    },
    distances: () => {
      if (!pass2.distances) throw new Error(`column ${JSON.stringify(column.name)}: the ECDF distances were not measured`);
      return pass2.distances;
    },
    referenceMoments: () => ({ mean: (column as NumericalColumnProfile).mean, std: (column as NumericalColumnProfile).std }),
    currentMean: () => columnStatsOfState((current as { finiteMoments: Float64Array }).finiteMoments, 1).mean[0],
    categories: () => ({
      reference: column.kind === 'categorical' ? column.sample : categoriesOfNumbers({ sorted: reference(), total: column.total }),
      current: currentCategories(current),
    }),
    binnedShares: () => {
      if (!pass2.histogram) throw new Error(`column ${JSON.stringify(column.name)}: the current histogram was not counted`);
      const ref = reference();
      const edges = sturgesOf(ref, current as PartialColumn & { kind: 'numbers' });
      return { ref: histogramOfSorted(ref, edges).map((c) => c / ref.length), cur: pass2.histogram.map((c) => c / (current as { finiteCount: number }).finiteCount) };
    },
  };
}
