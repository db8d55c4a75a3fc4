/**
 * Tables of named columns for the drift suite: `{ [name]: Float32Array | Float64Array |
 * Int32Array | number[] | string[] }`, all of one length, with a schema saying which columns are
 * categorical (default: string columns are categorical, numbers numerical).
 */
import { rangeError, typeError } from '../errors.js';
import type { FeatureMatrix } from '../matrix.js';
import type { ColumnValues } from './samples.js';

/** Column-oriented data: one array per named column. */
export type ColumnTable = Record<string, ColumnValues>;

/** Which columns are categorical; columns named in neither list get the default by type. */
export interface DriftSchema {
  categorical?: readonly string[];
  numerical?: readonly string[];
}

export type ColumnKind = 'numerical' | 'categorical';

/** True when a column holds labels (strings or null) rather than numbers (an all-null column is labels). */
export function isLabelColumn(values: unknown): values is readonly string[] {
  if (!Array.isArray(values)) return false;
  // A string makes labels; numbers with null (missing) stay numbers; only null makes labels.
  return values.some((v) => typeof v === 'string') || (values.length > 0 && values.every((v) => v === null || v === undefined));
}

/** Checks a table's types and lengths; returns its column names in insertion order. */
export function validateTable(table: unknown, name: string): string[] {
  if (typeof table !== 'object' || table === null || ArrayBuffer.isView(table) || Array.isArray(table)) {
    throw typeError('a column table { [name]: Float32Array | Float64Array | Int32Array | number[] | string[] }', name, table);
  }
  const names = Object.keys(table);
  if (names.length === 0) throw rangeError('at least one column', name, 'an empty table');
  let length = -1;
  for (const column of names) {
    const values = (table as Record<string, unknown>)[column];
    const ok = values instanceof Float32Array || values instanceof Float64Array || values instanceof Int32Array || Array.isArray(values);
    if (!ok) throw typeError('a Float32Array, Float64Array, Int32Array, number[] or string[]', `${name}.${column}`, values);
    const n = (values as ArrayLike<unknown>).length;
    if (length === -1) length = n;
    else if (n !== length) throw rangeError(`columns of one length (${length})`, `${name}.${column}`, `length ${n}`);
  }
  return names;
}

/**
 * True when the value is meant as a FeatureMatrix: it has `data`, or numeric `rows` and `cols`
 * (so that a matrix missing its data is told so, rather than read as a table with a column "rows").
 */
export function isFeatureMatrix(value: unknown): value is FeatureMatrix {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return 'data' in v || (typeof v.rows === 'number' && typeof v.cols === 'number');
}

/** The kind of each column: the schema's word, else categorical for labels, numerical for numbers. */
export function columnKind(column: string, labels: boolean, schema: DriftSchema | undefined): ColumnKind {
  if (schema?.categorical?.includes(column)) return 'categorical';
  if (schema?.numerical?.includes(column)) {
    if (labels) throw rangeError('a numerical column of numbers', `schema.numerical (${column})`, 'a column of strings');
    return 'numerical';
  }
  return labels ? 'categorical' : 'numerical';
}

/** Checks a schema object. */
export function validateSchema(schema: unknown): DriftSchema | undefined {
  if (schema === undefined) return undefined;
  if (typeof schema !== 'object' || schema === null) throw typeError('a schema { categorical?, numerical? }', 'options.schema', schema);
  for (const key of ['categorical', 'numerical'] as const) {
    const list = (schema as DriftSchema)[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.some((v) => typeof v !== 'string')) throw typeError('an array of column names', `options.schema.${key}`, list);
  }
  const both = (schema as DriftSchema).categorical?.filter((c) => (schema as DriftSchema).numerical?.includes(c)) ?? [];
  if (both.length > 0) throw rangeError('each column in one list', 'options.schema', `${both[0]} in both`);
  return schema as DriftSchema;
}
