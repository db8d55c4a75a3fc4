/**
 * What a file reader gives the batch job: a table's schema and its rows in chunks, each chunk
 * column-oriented. Numbers arrive as float64 (missing values as NaN); labels as dictionary codes
 * (-1 for a missing value) with the chunk's dictionary, so counting categories never builds a
 * string per row.
 */

/** How a column's values arrive: numbers (integers, floats, timestamps as epoch ms) or labels. */
export type SourceColumnType = 'number' | 'label';

export interface SourceColumn {
  name: string;
  type: SourceColumnType;
  /** True when the type is a guess: a CSV column without any value in the rows looked at (read it as labels if need be). */
  guessed?: boolean;
  /** True for timestamps and dates (numbers in epoch milliseconds): filters on them may name dates. */
  time?: boolean;
}

/**
 * One chunk's values of a numeric column; NaN marks a missing value. May be a view of the
 * reader's buffer: read, never write, and copy what you keep, since readers reuse their buffers
 * for the next chunk (the values are valid until the next chunk is asked for).
 */
export interface NumberChunk {
  type: 'number';
  values: Float64Array;
}

/** One chunk's values of a label column: codes into the chunk's dictionary, -1 when missing (valid until the next chunk is asked for, as NumberChunk's values). */
export interface LabelChunk {
  type: 'label';
  codes: Int32Array;
  dictionary: readonly string[];
}

export type ChunkColumn = NumberChunk | LabelChunk;

/** Consecutive rows of a table: `rows` values in each requested column. */
export interface TableChunk {
  /** Index of the chunk's first row in the file (0-based, header excluded). */
  firstRow: number;
  rows: number;
  columns: Record<string, ChunkColumn>;
  /** Bytes of the file consumed so far, when the reader knows it (for progress). */
  bytesRead?: number;
}

/** An opened table file. */
export interface TableSource {
  readonly path: string;
  /** The file's format, as named in messages. */
  readonly format: 'csv' | 'arrow' | 'parquet';
  readonly columns: readonly SourceColumn[];
  /** Rows in the file when the format says so up front (Arrow files, Parquet); else undefined. */
  readonly rowCount: number | undefined;
  /** Size of the file in bytes. */
  readonly byteSize: number;
  /**
   * The rows in chunks, with only the named columns; read once, start to end. `asLabels` names
   * columns of guessed type to read as labels instead. `backend` runs the reader's kernels where
   * it has some (CSV rows, Arrow and Parquet columns); the active backend when absent.
   */
  chunks(columns: readonly string[], asLabels?: ReadonlySet<string>, backend?: Backend): AsyncIterable<TableChunk>;
}

import type { Backend } from '../backend/contract.js';
export { InputFileError } from '../errors.js';
import { InputFileError } from '../errors.js';

/** Throws an InputFileError when a file names a column twice (a table needs one column per name). */
export function rejectDuplicateNames(path: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new InputFileError(path, undefined, name, 'the file names this column twice');
    seen.add(name);
  }
}

/** The named columns of a source, in order; an InputFileError for a name the file does not have. */
export function requireColumns(source: TableSource, wanted: readonly string[]): SourceColumn[] {
  return wanted.map((name) => {
    const column = source.columns.find((c) => c.name === name);
    if (!column) throw new InputFileError(source.path, undefined, name, `no such column (columns: ${source.columns.map((c) => c.name).join(', ')})`);
    return column;
  });
}
