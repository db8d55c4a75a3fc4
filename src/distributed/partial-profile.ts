/**
 * PartialProfile: what pass 1 keeps of one partition (a block of rows of the current table), per
 * reference column, so that partials merged in any grouping describe the whole table:
 *
 * numbers  the raw values' column statistics (count of non-NaN values, NaN count, min, max,
 *          Chan-mergeable n/mean/M2) as the accumulateColumnStats state; the finite values' count,
 *          extremes and moments (what the drift tests read: NaN and ±Infinity are dropped there);
 *          their distinct values with counts while there are few (the tests that read numbers as
 *          categories); counts and offset sums over the reference's equi-depth buckets
 *          (bucket-edges.ts); a SignedSketch of the finite values.
 * labels   category counts.
 *
 * profilePartition builds one from a column table or a FeatureMatrix; every pass over the data is
 * a backend kernel (sortColumns, accumulateColumnStats, the sketch's sketchBins).
 */
import type { Backend } from '../backend/contract.js';
import { newColumnStatsState, COLUMN_STATS_FIELDS } from '../backend/column-stats-state.js';
import { getBackend } from '../backend/registry.js';
import { rangeError, requireInteger, typeError } from '../errors.js';
import { validateMatrix, type FeatureMatrix, type FloatArray } from '../matrix.js';
import { isFeatureMatrix, isLabelColumn, validateTable, type ColumnTable } from '../drift/column-table.js';
import type { ColumnProfile, ReferenceProfile } from '../drift/reference-profile.js';
import { categoriesOfLabels, distinctCount, numericValues, runLengths } from '../drift/samples.js';
import type { QuantileSketchOptions } from '../sketch/quantile-sketch.js';
import { bucketize, DEFAULT_BUCKETS, referenceBuckets } from './bucket-edges.js';
import { SignedSketch } from './signed-sketch.js';

/** Distinct finite values a numerical column's partial keeps (declared-categorical numbers: all). */
export const MAX_PARTIAL_RUNS = 4096;

/** Distinct values with their counts, ascending. */
export interface Runs {
  values: number[];
  counts: number[];
}

/** One column of a partition holding numbers. */
export interface NumericPartial {
  kind: 'numbers';
  name: string;
  /** Rows, missing values included. */
  total: number;
  /** The reference column's kind: declared-categorical numbers keep all their runs. */
  referenceKind: 'numerical' | 'categorical';
  /** accumulateColumnStats state (1 column) of the raw values: columnStats' count, nanCount, min, max, mean, std. */
  stats: Float64Array;
  /** Finite values (what the drift tests count). */
  finiteCount: number;
  /** Smallest and largest finite value (NaN when none). */
  finiteMin: number;
  finiteMax: number;
  /** accumulateColumnStats state of the finite values (the current mean the mean-shift test reads). */
  finiteMoments: Float64Array;
  /** Distinct finite values with counts; null when there were more than the column's limit. */
  runs: Runs | null;
  /** Counts and offset sums over the reference buckets; null when the reference column is categorical or empty. */
  bucketCounts: Float64Array | null;
  bucketSums: Float64Array | null;
  /** The buckets' edge fingerprint (0 without buckets). */
  fingerprint: number;
  sketch: SignedSketch;
}

/** One column of a partition holding string labels. */
export interface LabelPartial {
  kind: 'labels';
  name: string;
  total: number;
  /** Categories ascending (compareCategories) with their counts. */
  categories: string[];
  counts: number[];
}

export type PartialColumn = NumericPartial | LabelPartial;

/** Pass 1's summary of one or more partitions (a merge keeps the same shape). */
export interface PartialProfile {
  /** The partitions summarised, ascending (one for profilePartition's output). */
  partitions: number[];
  rows: number;
  /** Equi-depth steps of the reference buckets. */
  buckets: number;
  /** relativeAccuracy and maxBins of the sketches. */
  sketch: { relativeAccuracy: number; maxBins: number };
  /** One entry per reference column, in the reference's order. */
  columns: PartialColumn[];
}

export interface PartitionOptions {
  /** This partition's number (an integer >= 0, unique within a run): merges order partials by it. */
  partition: number;
  /** Equi-depth steps of the reference buckets (default 1024); every partition of a run must use the same. */
  buckets?: number;
  /** Options of the per-column SignedSketch (default: QuantileSketch's). */
  sketch?: QuantileSketchOptions;
  /** Backend of the kernels (default: the active one). */
  backend?: Backend;
}

/** A reference column's current values: labels, or numbers as the kernels read them (column col of a row-major block). */
export type CurrentColumn = { labels: readonly unknown[] } | { data: FloatArray; rows: number; cols: number; col: number };

/**
 * The current columns matching the reference's, checked as DriftDetector.detect checks them:
 * present, and labels where the reference has labels, numbers elsewhere.
 */
export function currentColumns(reference: ReferenceProfile, current: FeatureMatrix | ColumnTable): { rows: number; columns: CurrentColumn[] } {
  if (isFeatureMatrix(current)) {
    const m = validateMatrix(current, 'current');
    const names = m.names ?? (m.cols === reference.columns.length ? reference.columns.map((c) => c.name) : undefined);
    if (!names) throw rangeError(`${reference.columns.length} columns (or named columns)`, 'current', `${m.cols} unnamed columns`);
    const columns = reference.columns.map((c): CurrentColumn => {
      const col = names.indexOf(c.name);
      if (col < 0) throw rangeError(`a column named ${JSON.stringify(c.name)}`, 'current', `columns ${names.join(', ')}`);
      if (c.kind === 'categorical' && c.labels) throw rangeError(`string labels for ${c.name}`, 'current', 'a numeric matrix');
      return { data: m.data, rows: m.rows, cols: m.cols, col };
    });
    return { rows: m.rows, columns };
  }
  const names = validateTable(current, 'current');
  const table = current as ColumnTable;
  const columns = reference.columns.map((c): CurrentColumn => {
    if (!names.includes(c.name)) throw rangeError(`a column named ${JSON.stringify(c.name)}`, 'current', `columns ${names.join(', ')}`);
    const values = table[c.name];
    const referenceLabels = c.kind === 'categorical' && c.labels;
    // A partition may be empty: an empty array is whatever the reference's column is.
    const labels = isLabelColumn(values) || (referenceLabels && Array.isArray(values) && values.length === 0);
    if (labels !== referenceLabels) {
      throw rangeError(`${referenceLabels ? 'string labels' : 'numbers'} for ${c.name} (as in the reference)`, `current.${c.name}`, labels ? 'strings' : 'numbers');
    }
    if (labels) return { labels: values as readonly unknown[] };
    const data = numericValues(values, `current.${c.name}`);
    return { data, rows: data.length, cols: 1, col: 0 };
  });
  return { rows: table[names[0]].length, columns };
}

/** The finite values of a current column, sorted by the backend (empty for no rows). */
export function sortedFinite(column: Extract<CurrentColumn, { data: FloatArray }>, backend: Backend): Float64Array {
  if (column.rows === 0) return new Float64Array(0);
  const { values, counts } = backend.sortColumns(column.data, column.rows, column.cols, column.col, 1);
  return values.subarray(0, counts[0]);
}

/** One column of the state of a multi-column accumulateColumnStats state. */
function stateColumn(state: Float64Array, cols: number, col: number): Float64Array {
  return Float64Array.from(COLUMN_STATS_FIELDS, (_, f) => state[f * cols + col]);
}

function numericPartial(reference: ColumnProfile, column: Extract<CurrentColumn, { data: FloatArray }>, stats: Float64Array, steps: number, sketchOptions: QuantileSketchOptions, backend: Backend, packed: Float64Array): NumericPartial {
  const sorted = sortedFinite(column, backend);
  const n = sorted.length;
  const finiteMoments = newColumnStatsState(1);
  if (n > 0) backend.accumulateColumnStats(sorted, n, 1, finiteMoments);
  // Declared-categorical numbers are categories: all of them are kept, as categoriesOfLabels keeps every label.
  const limit = reference.kind === 'numerical' ? MAX_PARTIAL_RUNS : Infinity;
  const runs = distinctCount(sorted) <= limit ? runLengths(sorted) : null;
  let bucketCounts: Float64Array | null = null;
  let bucketSums: Float64Array | null = null;
  let fingerprint = 0;
  if (reference.kind === 'numerical' && reference.count > 0) {
    const buckets = referenceBuckets(packed, reference.start, reference.count, steps, backend);
    ({ counts: bucketCounts, sums: bucketSums } = bucketize(sorted, buckets.edges, backend));
    fingerprint = buckets.fingerprint;
  }
  const sketch = new SignedSketch(sketchOptions);
  sketch.addSorted(sorted);
  return {
    kind: 'numbers',
    name: reference.name,
    total: column.rows,
    referenceKind: reference.kind,
    stats,
    finiteCount: n,
    finiteMin: n > 0 ? sorted[0] : NaN,
    finiteMax: n > 0 ? sorted[n - 1] : NaN,
    finiteMoments,
    runs,
    bucketCounts,
    bucketSums,
    fingerprint,
    sketch,
  };
}

/**
 * Pass 1 over one partition: its PartialProfile against the reference (the same options, above
 * all `buckets`, for every partition of a run). `current` is a column table or a FeatureMatrix
 * with the reference's columns, as DriftDetector.detect takes it; a partition may have no rows.
 *
 * @throws TypeError/RangeError naming the argument on malformed input or options
 */
export function partialOfPartition(current: FeatureMatrix | ColumnTable, reference: ReferenceProfile, options: PartitionOptions): PartialProfile {
  if (typeof options !== 'object' || options === null) throw typeError('an options object { partition, buckets? }', 'options', options);
  const partition = requireInteger(options.partition, 'options.partition', 0);
  const steps = requireInteger(options.buckets ?? DEFAULT_BUCKETS, 'options.buckets', 1, 1 << 20);
  const backend = options.backend ?? getBackend();
  const probe = new SignedSketch(options.sketch ?? {}).positive; // validates the sketch options
  const { rows, columns } = currentColumns(reference, current);
  // One kernel call for all columns of a matrix (a table's columns are separate arrays).
  let matrixState: Float64Array | null = null;
  const first = columns.find((c): c is Extract<CurrentColumn, { data: FloatArray }> => 'data' in c && c.cols > 1);
  if (first && rows > 0) {
    matrixState = newColumnStatsState(first.cols);
    backend.accumulateColumnStats(first.data, first.rows, first.cols, matrixState);
  }
  const out = reference.columns.map((ref, k): PartialColumn => {
    const column = columns[k];
    if ('labels' in column) {
      const sample = categoriesOfLabels(column.labels, `current.${ref.name}`);
      return { kind: 'labels', name: ref.name, total: column.labels.length, categories: sample.categories as string[], counts: sample.counts };
    }
    let stats: Float64Array;
    if (matrixState && column.cols > 1) stats = stateColumn(matrixState, column.cols, column.col);
    else {
      stats = newColumnStatsState(1);
      if (column.rows > 0) backend.accumulateColumnStats(column.data, column.rows, 1, stats);
    }
    return numericPartial(ref, column, stats, steps, options.sketch ?? {}, backend, reference.packed);
  });
  return { partitions: [partition], rows, buckets: steps, sketch: { relativeAccuracy: probe.relativeAccuracy, maxBins: probe.maxBins }, columns: out };
}
