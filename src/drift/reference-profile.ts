/**
 * ReferenceProfile: what every drift test needs from the reference data, computed once: per
 * numerical column its finite values sorted (one packed Float64Array), distinct-value count,
 * mean and std; per categorical column its categories and counts; and the column statistics of
 * the numeric columns for detectSimpleDrift.
 *
 * File format (snapshot container, see persist/snapshot-format.ts, kind 3, version 1): the JSON
 * header holds `columns` (name, kind, total, and for numerical columns start, count, distinct,
 * mean, std; for categorical ones labels, categories, counts) and `simple` (names, rows);
 * sections are [packed sorted values, simple count, nanCount, mean, std, min, max] as
 * little-endian float64.
 */
import { readFile } from 'node:fs/promises';
import type { Backend, ColumnStats } from '../backend/contract.js';
import { getBackend } from '../backend/registry.js';
import type { FeatureMatrix } from '../matrix.js';
import { writeFileAtomic } from '../persist/atomic-write.js';
import { decodeProfile, encodeProfile, STAT_KEYS } from './profile-format.js';
import { columnStats } from '../stats/column-stats.js';
import { columnKind, isLabelColumn, type ColumnTable, type DriftSchema } from './column-table.js';
import { categoriesOfLabels, categoriesOfNumbers, distinctCount, distinctCountAsync, numericSample, numericValues, type CategoricalSample } from './samples.js';
import { handOut, markPrivate } from '../backend/private-memory.js';
import { meanAndStd } from './statistics.js';

export interface NumericalColumnProfile {
  name: string;
  kind: 'numerical';
  /** Values the column had, missing ones included. */
  total: number;
  /** The finite values ascending: packed[start, start + count). */
  start: number;
  count: number;
  distinct: number;
  mean: number;
  std: number;
}

export interface CategoricalColumnProfile {
  name: string;
  kind: 'categorical';
  /** True for string categories, false for numbers used as categories. */
  labels: boolean;
  sample: CategoricalSample;
}

export type ColumnProfile = NumericalColumnProfile | CategoricalColumnProfile;

/** A column for ReferenceProfile.fromPrepared: sorted finite values, or category counts. */
export type PreparedColumn =
  | { name: string; total: number; sorted: Float64Array }
  | { name: string; labels: boolean; sample: CategoricalSample };

/** Column statistics of the numeric columns, the baseline of detectSimpleDrift. */
export interface SimpleBaseline {
  names: string[];
  rows: number;
  stats: ColumnStats;
}

function numericalProfile(name: string, total: number, packed: Float64Array, start: number, count: number): NumericalColumnProfile {
  const sorted = packed.subarray(start, start + count);
  const { mean, std } = meanAndStd(sorted);
  return { name, kind: 'numerical', total, start, count, distinct: distinctCount(sorted), mean, std };
}

/** numericalProfile on the backend's async kernels, in slices: for profiles of large matrices. */
async function numericalProfileAsync(name: string, total: number, packed: Float64Array, start: number, count: number, backend: Backend): Promise<NumericalColumnProfile> {
  const sorted = packed.subarray(start, start + count);
  let mean = NaN;
  let std = NaN;
  if (count > 0) {
    const stats = await backend.columnStatsAsync(sorted, count, 1); // the same kernel as meanAndStd
    mean = stats.mean[0];
    std = stats.std[0];
  }
  return { name, kind: 'numerical', total, start, count, distinct: await distinctCountAsync(sorted), mean, std };
}

function categoricalFromSorted(name: string, total: number, sorted: Float64Array): CategoricalColumnProfile {
  return { name, kind: 'categorical', labels: false, sample: categoriesOfNumbers({ sorted, total }) };
}

/** A profile's data as parts() gives it. */
export interface ProfileParts {
  packed: Float64Array;
  columns: readonly ColumnProfile[];
  simple: SimpleBaseline;
}


export class ReferenceProfile {
  /** Finite values of the numerical columns, each column's run sorted ascending. */
  readonly packed: Float64Array;
  readonly columns: readonly ColumnProfile[];
  readonly simple: SimpleBaseline;

  private constructor(packed: Float64Array, columns: ColumnProfile[], simple: SimpleBaseline) {
    this.packed = packed;
    this.columns = columns;
    this.simple = simple;
  }

  /** The profile of a matrix whose columns are named `names` (every column numeric-typed). */
  static fromMatrix(m: FeatureMatrix, names: readonly string[], schema: DriftSchema | undefined, backend: Backend = getBackend()): ReferenceProfile {
    const sorted = backend.sortColumns(m.data, m.rows, m.cols, 0, m.cols);
    const columns = names.map((name, k): ColumnProfile => {
      const start = k * m.rows;
      const count = sorted.counts[k];
      return columnKind(name, false, schema) === 'categorical'
        ? categoricalFromSorted(name, m.rows, sorted.values.subarray(start, start + count))
        : numericalProfile(name, m.rows, sorted.values, start, count);
    });
    return new ReferenceProfile(sorted.values, columns, { names: [...names], rows: m.rows, stats: columnStats(m) });
  }

  /**
   * fromMatrix without blocking the event loop: the sort and the column statistics run on the
   * backend's async kernels, and each column's summary is computed in its own event-loop turn.
   */
  static async fromMatrixAsync(m: FeatureMatrix, names: readonly string[], schema: DriftSchema | undefined, backend: Backend = getBackend()): Promise<ReferenceProfile> {
    // The sorted values are private until the profile is handed out: the kernels use them in place.
    const sorted = await backend.sortColumnsAsync(m.data, m.rows, m.cols, 0, m.cols, markPrivate(new Float64Array(m.rows * m.cols)));
    const stats = await backend.columnStatsAsync(m.data, m.rows, m.cols);
    const columns: ColumnProfile[] = [];
    for (const [k, name] of names.entries()) {
      await new Promise((resolve) => setImmediate(resolve));
      const start = k * m.rows;
      const count = sorted.counts[k];
      columns.push(
        columnKind(name, false, schema) === 'categorical'
          ? categoricalFromSorted(name, m.rows, sorted.values.subarray(start, start + count))
          : await numericalProfileAsync(name, m.rows, sorted.values, start, count, backend),
      );
    }
    return new ReferenceProfile(handOut(sorted.values), columns, { names: [...names], rows: m.rows, stats });
  }

  /** The profile of a column table; numbers are sorted on the backend, labels counted. */
  static fromTable(table: ColumnTable, names: readonly string[], schema: DriftSchema | undefined, backend: Backend = getBackend()): ReferenceProfile {
    const entries = names.map((name) => {
      const values = table[name];
      if (isLabelColumn(values)) {
        columnKind(name, true, schema); // rejects a label column the schema calls numerical
        return { name, labels: categoriesOfLabels(values, `reference.${name}`) };
      }
      const data = numericValues(values, `reference.${name}`);
      return { name, data, sorted: numericSample(data, backend).sorted, kind: columnKind(name, false, schema) };
    });
    const packed = new Float64Array(entries.reduce((n, e) => n + (e.sorted?.length ?? 0), 0));
    let at = 0;
    const columns = entries.map((e): ColumnProfile => {
      if (e.labels) return { name: e.name, kind: 'categorical', labels: true, sample: e.labels };
      const start = at;
      packed.set(e.sorted!, start);
      at += e.sorted!.length;
      return e.kind === 'categorical'
        ? categoricalFromSorted(e.name, e.data!.length, packed.subarray(start, at))
        : numericalProfile(e.name, e.data!.length, packed, start, at - start);
    });
    const numeric = entries.filter((e) => e.data && e.data.length > 0);
    const perColumn = numeric.map((e) => columnStats({ data: e.data!, rows: e.data!.length, cols: 1 }));
    const stats = Object.fromEntries(STAT_KEYS.map((k) => [k, Float64Array.from(perColumn, (c) => c[k][0])])) as unknown as ColumnStats;
    return new ReferenceProfile(packed, columns, { names: numeric.map((e) => e.name), rows: table[names[0]].length, stats });
  }

  /**
   * A profile from columns already prepared elsewhere (a batch job's sorted columns and category
   * counts). The detectSimpleDrift baseline is computed from the finite values, so there the
   * missing values (NaN, ±Infinity) all count as NaN.
   */
  static fromPrepared(prepared: readonly PreparedColumn[]): ReferenceProfile {
    const numbers = prepared.filter((p): p is Extract<PreparedColumn, { sorted: Float64Array }> => 'sorted' in p);
    const packed = new Float64Array(numbers.reduce((n, p) => n + p.sorted.length, 0));
    let at = 0;
    const columns = prepared.map((p): ColumnProfile => {
      if (!('sorted' in p)) return { name: p.name, kind: 'categorical', labels: p.labels, sample: p.sample };
      const start = at;
      packed.set(p.sorted, start);
      at += p.sorted.length;
      return numericalProfile(p.name, p.total, packed, start, p.sorted.length);
    });
    const withValues = numbers.filter((p) => p.total > 0);
    const perColumn = withValues.map((p) => {
      const s = columnStats({ data: p.sorted.length > 0 ? p.sorted : new Float64Array([NaN]), rows: Math.max(1, p.sorted.length), cols: 1 });
      return { ...s, count: Float64Array.of(p.sorted.length), nanCount: Float64Array.of(p.total - p.sorted.length) };
    });
    const stats = Object.fromEntries(STAT_KEYS.map((k) => [k, Float64Array.from(perColumn, (c) => c[k][0])])) as unknown as ColumnStats;
    const rows = prepared.length === 0 ? 0 : 'sorted' in prepared[0] ? prepared[0].total : prepared[0].sample.total;
    return new ReferenceProfile(packed, columns, { names: withValues.map((p) => p.name), rows, stats });
  }

  /** The sorted finite values of a numerical column. */
  /** The profile's own data, as plain values that structured cloning copies (to pass it to a worker thread). */
  parts(): ProfileParts {
    return { packed: this.packed, columns: this.columns, simple: this.simple };
  }

  /** A profile from parts() of a profile (cloned across threads); not a format for storage: use toBytes(). */
  static fromParts(parts: ProfileParts): ReferenceProfile {
    return new ReferenceProfile(parts.packed, [...parts.columns], parts.simple);
  }

  sorted(column: NumericalColumnProfile): Float64Array {
    return this.packed.subarray(column.start, column.start + column.count);
  }

  /** Bytes in the documented profile format (profile-format.ts). */
  toBytes(): Uint8Array {
    return encodeProfile(this.parts());
  }

  /** A profile from toBytes() output; RangeError on damaged, foreign or inconsistent bytes (every field is checked). */
  static fromBytes(bytes: Uint8Array): ReferenceProfile {
    return ReferenceProfile.fromParts(decodeProfile(bytes));
  }

  /** Writes the profile to a file atomically (temporary file, fsync, rename). */
  save(path: string): void {
    writeFileAtomic(path, this.toBytes());
  }

  /** Reads a profile written by save(). */
  static async load(path: string): Promise<ReferenceProfile> {
    return ReferenceProfile.fromBytes(new Uint8Array(await readFile(path)));
  }
}
