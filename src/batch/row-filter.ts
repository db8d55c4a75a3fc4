/**
 * Row filters for batch jobs: `column<value`, `<=`, `>`, `>=`, `=`, `!=`. On a numeric column
 * the value is a decimal number (no hex, octal or binary literals, no empty string); on a
 * timestamp or date column it may also be an ISO 8601 date (compared as epoch milliseconds, the
 * unit readers give timestamps in); on a label column it is a string compared by code unit.
 * Anything else is refused rather than guessed (JavaScript's Date.parse reads "<5" as a date in
 * 2001). Several filters all have to hold.
 */
import { InputFileError, type ChunkColumn, type SourceColumn, type TableChunk } from './table-source.js';
import { coded } from '../errors.js';

export type FilterOperator = '<' | '<=' | '>' | '>=' | '=' | '!=';

export interface RowFilter {
  column: string;
  op: FilterOperator;
  /** The value as written. */
  text: string;
}

const PATTERN = /^\s*([^<>=!\s]+)\s*(<=|>=|!=|=|<|>)\s*(.*?)\s*$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parses `column<op>value`; throws an Error that shows the accepted form. */
export function parseRowFilter(expression: string): RowFilter {
  const m = PATTERN.exec(expression);
  if (!m || m[3] === '' || /^[<>=!]/.test(m[3])) throw coded(new RangeError(`Expected a filter like "date<2001-02-01" or "origin=SFO" but received ${JSON.stringify(expression)}`), 'ERR_MLWATCH_INVALID_ARGUMENT');
  return { column: m[1], op: m[2] as FilterOperator, text: m[3] };
}

function compare(op: FilterOperator, a: number | string, b: number | string): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '=':
      return a === b;
    default:
      return a !== b;
  }
}

/** A filter bound to a column type: keeps[row] says whether the chunk's row passes. */
export interface BoundFilter {
  column: string;
  test(column: ChunkColumn, keep: Uint8Array): void;
}

/** Checks a filter against the file's columns and prepares its value. */
export function bindRowFilter(filter: RowFilter, columns: readonly SourceColumn[], path: string): BoundFilter {
  const column = columns.find((c) => c.name === filter.column);
  if (!column) throw new InputFileError(path, undefined, filter.column, `the filter ${filter.column}${filter.op}${filter.text} names no column of the file (columns: ${columns.map((c) => c.name).join(', ')})`);
  if (column.type === 'label') {
    return {
      column: filter.column,
      test: (chunk, keep) => {
        const { codes, dictionary } = chunk as Extract<ChunkColumn, { type: 'label' }>;
        const pass = dictionary.map((label) => compare(filter.op, label, filter.text));
        for (let i = 0; i < codes.length; i++) if (codes[i] < 0 || !pass[codes[i]]) keep[i] = 0;
      },
    };
  }
  const value = DECIMAL.test(filter.text) ? Number(filter.text) : column.time && ISO_DATE.test(filter.text) ? Date.parse(filter.text) : NaN;
  if (!Number.isFinite(value)) {
    const expected = column.time ? 'a decimal number or an ISO 8601 date' : `a decimal number (${filter.column} holds numbers${ISO_DATE.test(filter.text) ? ', not dates' : ''})`;
    throw coded(new RangeError(`Expected ${expected} in the filter ${filter.column}${filter.op}${filter.text}`), 'ERR_MLWATCH_INVALID_ARGUMENT');
  }
  return {
    column: filter.column,
    test: (chunk, keep) => {
      const values = (chunk as Extract<ChunkColumn, { type: 'number' }>).values;
      for (let i = 0; i < values.length; i++) if (!compare(filter.op, values[i], value)) keep[i] = 0; // NaN fails every comparison but !=
    },
  };
}

/** The chunk's rows that pass every filter (the chunk itself when all pass). */
export function filterChunk(chunk: TableChunk, filters: readonly BoundFilter[], keepColumns: readonly string[]): TableChunk {
  if (filters.length === 0) return chunk;
  const keep = new Uint8Array(chunk.rows).fill(1);
  for (const f of filters) f.test(chunk.columns[f.column], keep);
  let rows = 0;
  for (let i = 0; i < keep.length; i++) rows += keep[i];
  if (rows === chunk.rows) return chunk;
  const columns: Record<string, ChunkColumn> = Object.create(null);
  for (const name of keepColumns) {
    const c = chunk.columns[name];
    if (c.type === 'number') {
      const values = new Float64Array(rows);
      for (let i = 0, k = 0; i < keep.length; i++) if (keep[i]) values[k++] = c.values[i];
      columns[name] = { type: 'number', values };
    } else {
      const codes = new Int32Array(rows);
      for (let i = 0, k = 0; i < keep.length; i++) if (keep[i]) codes[k++] = c.codes[i];
      columns[name] = { type: 'label', codes, dictionary: c.dictionary };
    }
  }
  return { ...chunk, rows, columns };
}
