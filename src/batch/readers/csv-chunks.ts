/**
 * The CSV reader's rows: the file's bytes, a block at a time, through the backend's csvColumns
 * kernel straight into float64 columns and label codes. No string is made per field and no loop
 * here runs per value: the kernel tokenizes, parses numbers and codes labels; this file reads
 * blocks, carries the partial record at a block's end over to the next one, checks that the bytes
 * used are UTF-8, decodes each chunk's distinct labels once, and turns the kernel's error codes
 * into InputFileErrors naming the row, line and column.
 */
import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { CSV_ERROR, type Backend, type CsvColumnsResult } from '../../backend/contract.js';
import { InputFileError, type ChunkColumn, type TableChunk } from '../table-source.js';
import type { CsvLayout } from './csv-layout.js';

/** Bytes read from the file at a time (the buffer grows when one record is longer). */
export const CSV_READ_BYTES = 4 << 20;
/** Rows each chunk holds at most. */
const CHUNK_ROWS = 65_536;

export interface CsvChunkRead {
  path: string;
  layout: CsvLayout;
  /** Every column name of the header, in file order. */
  header: readonly string[];
  /** The columns to read, by name, and how: as numbers or as labels. */
  wanted: readonly { name: string; type: 'number' | 'label' }[];
  backend: Backend;
  /** Bytes per read (tests make it small so that blocks end inside fields, numbers and CRLFs). */
  readBytes?: number;
  /** How many first rows the reader looked at to type the columns (named in a not-a-number error). */
  sniffRows: number;
}

// ignoreBOM: a U+FEFF that starts a field is part of its text, not a mark to drop
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The bytes [begin, end) as UTF-8, "" read as " (the text of a field within its quotes, if any). */
function unescapedText(bytes: Uint8Array, begin: number, end: number): string {
  return utf8.decode(bytes.subarray(begin, end)).replaceAll('""', '"');
}

/** A field's text from its bytes [begin, end), quotes included. */
function fieldText(bytes: Uint8Array, begin: number, end: number): string {
  return bytes[begin] === 0x22 ? unescapedText(bytes, begin + 1, end - 1) : utf8.decode(bytes.subarray(begin, end));
}

/** A chunk's dictionary: the text of each code's first appearance (pairs of offsets in code order). */
function dictionaryOf(bytes: Uint8Array, firsts: Float64Array): string[] {
  const labels: string[] = [];
  for (let i = 0; i < firsts.length; i += 2) labels.push(fieldText(bytes, firsts[i], firsts[i + 1]));
  return labels;
}

function errorDetail(r: CsvColumnsResult, bytes: Uint8Array, sniffRows: number, header: number): string {
  switch (r.error) {
    case CSV_ERROR.notANumber: {
      const text = unescapedText(bytes, r.fieldBegin, r.fieldEnd);
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

/** Reads the wanted columns of a CSV file in chunks through backend.csvColumns. */
export async function* csvChunks(read: CsvChunkRead): AsyncIterable<TableChunk> {
  const { path, layout, header, wanted, backend } = read;
  const slots = new Int32Array(header.length).fill(-1);
  wanted.forEach(({ name }, k) => (slots[header.indexOf(name)] = k));
  const labelColumns = Uint8Array.from(wanted, ({ type }) => (type === 'label' ? 1 : 0));
  const file = await open(path, 'r');
  let buffer = new Uint8Array(Math.max(1, read.readBytes ?? CSV_READ_BYTES));
  let filled = 0;
  let position = layout.dataStart; // file offset of buffer[0]
  let eof = false;
  let firstRow = 0;
  let linesBefore = layout.headerLines; // lines before buffer[0]
  // One output buffer for every chunk (chunks are views the consumer reads before asking for the next): fresh memory each time cost page faults.
  const out = new Float64Array(wanted.length * CHUNK_ROWS);
  const codes = new Int32Array(labelColumns.includes(1) ? wanted.length * CHUNK_ROWS : 0);
  try {
    for (;;) {
      if (!eof && filled < buffer.length) {
        const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, position + filled);
        if (bytesRead === 0) eof = true;
        filled += bytesRead;
      }
      if (filled === 0 && eof) return;
      const bytes = buffer.subarray(0, filled);
      const r = backend.csvColumns(bytes, slots, labelColumns, layout.lineEnd, eof, out, codes, CHUNK_ROWS);
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
        wanted.forEach(({ name, type }, k) => {
          const at = k * CHUNK_ROWS;
          columns[name] = type === 'number' ? { type, values: out.subarray(at, at + r.rows) } : { type, codes: codes.subarray(at, at + r.rows), dictionary: dictionaryOf(bytes, r.firsts[k]) };
        });
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
