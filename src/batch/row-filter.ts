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
import { ROW_COMPARISONS, type Backend } from '../backend/contract.js';

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

/** A filter bound to a column type: clears keep[row] for the chunk's rows that fail it, on the backend, and returns the rows kept. */
export interface BoundFilter {
  column: string;
  test(column: ChunkColumn, keep: Uint8Array, backend: Backend): number;
}

/** Checks a filter against the file's columns and prepares its value. */
export function bindRowFilter(filter: RowFilter, columns: readonly SourceColumn[], path: string): BoundFilter {
  const column = columns.find((c) => c.name === filter.column);
  if (!column) throw new InputFileError(path, undefined, filter.column, `the filter ${filter.column}${filter.op}${filter.text} names no column of the file (columns: ${columns.map((c) => c.name).join(', ')})`);
  if (column.type === 'label') {
    return {
      column: filter.column,
      test: (chunk, keep, backend) => {
        const { codes, dictionary } = chunk as Extract<ChunkColumn, { type: 'label' }>;
        const pass = Uint8Array.from(dictionary, (label) => (compare(filter.op, label, filter.text) ? 1 : 0));
        return backend.maskCodes(codes, pass, keep);
      },
    };
  }
  const value = DECIMAL.test(filter.text) ? Number(filter.text) : column.time && ISO_DATE.test(filter.text) ? Date.parse(filter.text) : NaN;
  if (!Number.isFinite(value)) {
    const expected = column.time ? 'a decimal number or an ISO 8601 date' : `a decimal number (${filter.column} holds numbers${ISO_DATE.test(filter.text) ? ', not dates' : ''})`;
    throw coded(new RangeError(`Expected ${expected} in the filter ${filter.column}${filter.op}${filter.text}`), 'ERR_MLWATCH_INVALID_ARGUMENT');
  }
  const op = ROW_COMPARISONS.indexOf(filter.op);
  return {
    column: filter.column,
    // NaN fails every comparison but !=
    test: (chunk, keep, backend) => backend.maskRows((chunk as Extract<ChunkColumn, { type: 'number' }>).values, op, value, keep),
  };
}

/**
 * The rows of a chunk that pass every filter, as a keep mask (keep[row] nonzero) in `scratch`
 * when it is long enough, and their number; null for the mask when there are no filters or every
 * row passes (the collectors then take every row).
 */
export function maskChunk(chunk: TableChunk, filters: readonly BoundFilter[], backend: Backend, scratch?: Uint8Array): { keep: Uint8Array | null; rows: number } {
  if (filters.length === 0) return { keep: null, rows: chunk.rows };
  const keep = scratch && scratch.length >= chunk.rows ? scratch.subarray(0, chunk.rows) : new Uint8Array(chunk.rows);
  keep.fill(1);
  let rows = chunk.rows;
  for (const f of filters) rows = f.test(chunk.columns[f.column], keep, backend);
  return { keep: rows === chunk.rows ? null : keep, rows };
}
