/**
 * The numeric path of the CSV reader: the file's bytes, a block at a time, through the backend's
 * csvNumbers kernel straight into float64 columns. No string is made per field and no loop here
 * runs per value: the kernel tokenizes and parses; this file reads blocks, carries the partial
 * record at a block's end over to the next one, checks that the bytes used are UTF-8, and turns
 * the kernel's error codes into InputFileErrors naming the row, line and column.
 */
import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { CSV_ERROR, type Backend, type CsvNumbersResult } from '../../backend/contract.js';
import { InputFileError, type ChunkColumn, type TableChunk } from '../table-source.js';
import type { CsvLayout } from './csv-layout.js';

/** Bytes read from the file at a time (the buffer grows when one record is longer). */
export const CSV_READ_BYTES = 4 << 20;
/** Rows each chunk holds at most. */
const CHUNK_ROWS = 65_536;

export interface CsvNumberRead {
  path: string;
  layout: CsvLayout;
  /** Every column name of the header, in file order. */
  header: readonly string[];
  /** The columns to read, by name. */
  wanted: readonly string[];
  backend: Backend;
  /** Bytes per read (tests make it small so that blocks end inside fields, numbers and CRLFs). */
  readBytes?: number;
  /** How many first rows the reader looked at to type the columns (named in a not-a-number error). */
  sniffRows: number;
}

function errorDetail(r: CsvNumbersResult, bytes: Uint8Array, sniffRows: number, header: number): string {
  switch (r.error) {
    case CSV_ERROR.notANumber: {
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(r.fieldBegin, r.fieldEnd)).replaceAll('""', '"');
      return `${JSON.stringify(text)} is not a number (the column's first ${sniffRows} rows are numbers)`;
    }
    case CSV_ERROR.fieldCount:
      return `the record has ${r.fields} fields, the header ${header} (every record must have the header's number of fields)`;
    case CSV_ERROR.quoteNotClosed:
      return 'the file ends inside a quoted field (a quote is not closed)';
    case CSV_ERROR.openingQuote:
      return 'a quote inside an unquoted field';
    default:
      return 'something other than a separator after a closing quote';
  }
}

/** Whether bytes are UTF-8, but for a character cut at their end. */
function utf8SoFar(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Reads the wanted numeric columns of a CSV file in chunks through backend.csvNumbers. */
export async function* csvNumberChunks(read: CsvNumberRead): AsyncIterable<TableChunk> {
  const { path, layout, header, wanted, backend } = read;
  const slots = new Int32Array(header.length).fill(-1);
  wanted.forEach((name, k) => (slots[header.indexOf(name)] = k));
  const file = await open(path, 'r');
  let buffer = new Uint8Array(Math.max(1, read.readBytes ?? CSV_READ_BYTES));
  let filled = 0;
  let position = layout.dataStart; // file offset of buffer[0]
  let eof = false;
  let firstRow = 0;
  let linesBefore = layout.headerLines; // lines before buffer[0]
  // One output buffer for every chunk (chunks are views the consumer reads before asking for the next): fresh memory each time cost page faults.
  const out = new Float64Array(wanted.length * CHUNK_ROWS);
  try {
    for (;;) {
      if (!eof && filled < buffer.length) {
        const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, position + filled);
        if (bytesRead === 0) eof = true;
        filled += bytesRead;
      }
      if (filled === 0 && eof) return;
      const bytes = buffer.subarray(0, filled);
      const r = backend.csvNumbers(bytes, slots, layout.lineEnd, eof, out, CHUNK_ROWS);
      // records end at an ASCII separator, so the bytes used are whole characters; before an
      // error, the bytes read so far are checked too (invalid UTF-8 is the first thing to say)
      if (!isUtf8(bytes.subarray(0, r.bytesUsed)) || (r.error !== CSV_ERROR.none && !utf8SoFar(bytes))) {
        throw new InputFileError(path, undefined, undefined, `invalid UTF-8 in the bytes from offset ${position} (the file must be UTF-8)`);
      }
      if (r.error !== CSV_ERROR.none) {
        const column = r.error === CSV_ERROR.fieldCount || r.error === CSV_ERROR.quoteNotClosed ? undefined : header[r.errorField] ?? `field ${r.errorField + 1}`;
        throw new InputFileError(path, firstRow + r.rows + 1, column, `${errorDetail(r, bytes, read.sniffRows, header.length)} (line ${linesBefore + r.lines + 1})`);
      }
      if (r.rows > 0) {
        const columns: Record<string, ChunkColumn> = Object.create(null);
        wanted.forEach((name, k) => (columns[name] = { type: 'number', values: out.subarray(k * CHUNK_ROWS, k * CHUNK_ROWS + r.rows) }));
        yield { firstRow, rows: r.rows, columns, bytesRead: position + r.bytesUsed };
        firstRow += r.rows;
      }
      buffer.copyWithin(0, r.bytesUsed, filled);
      filled -= r.bytesUsed;
      position += r.bytesUsed;
      linesBefore += r.lines;
      if (eof && filled === 0) return;
      if (r.bytesUsed === 0 && r.rows === 0 && filled === buffer.length) {
        // one record longer than the buffer: make room for it
        const grown = new Uint8Array(buffer.length * 2);
        grown.set(buffer.subarray(0, filled));
        buffer = grown;
      }
    }
  } finally {
    await file.close();
  }
}
