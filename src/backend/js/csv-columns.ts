/**
 * JS csvColumns: CSV bytes into per-column float64 values and label codes, one record at a time,
 * by the rules the contract states (Backend.csvColumns). A number field is decoded as UTF-8 and
 * read by numberOfField, the rule the CSV reader has always used: a missing marker is NaN, else a
 * decimal number (or ±Infinity) with white space around it, read by Number. A label field is
 * keyed by its bytes (as a latin1 string: one character per byte, so that no two byte sequences
 * share a key), "" unescaped.
 * Twin: native/kernels/csv_columns.cc (cpu; cuda delegates to it): the same bits, the same errors.
 */
import { CSV_ERROR, type CsvColumnsResult } from '../contract.js';
import { integerArgument } from './integer-argument.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

/** Field texts that mean a missing value (NaN). */
export const MISSING_FIELDS: ReadonlySet<string> = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None']);
const DECIMAL = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;
const INFINITE = /^\s*[+-]?Infinity\s*$/;

/** A CSV field as a number: NaN when missing, undefined when it is not a decimal number. */
export function numberOfField(field: string): number | undefined {
  if (MISSING_FIELDS.has(field)) return NaN;
  return DECIMAL.test(field) || INFINITE.test(field) ? Number(field) : undefined;
}

// ignoreBOM: a U+FEFF inside the data is white space to trim, not a mark to drop
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Throws what the addon throws for arguments it cannot take: a TypeError for a bad capacity or lineEnd, a RangeError for a slot that names no column or whose column does not fit. */
function checkArguments(slots: Int32Array, labels: Uint8Array, lineEnd: number, out: Float64Array, codes: Int32Array, capacity: number): void {
  integerArgument(capacity, 'capacity', 1);
  if (lineEnd !== 0 && lineEnd !== 1 && lineEnd !== 2) throw new TypeError(`Expected 0 (LF), 1 (CRLF) or 2 (CR) for lineEnd but received ${String(lineEnd)}`);
  slots.forEach((k, f) => {
    if (k < -1 || k >= labels.length) throw new RangeError(`Expected slots[${f}] to be -1 or a column below labels.length (${labels.length}) but received ${k}`);
    if (k < 0) return;
    const room = labels[k] ? codes.length : out.length;
    if (Math.floor(room / capacity) <= k) throw new RangeError(`Expected ${labels[k] ? 'codes' : 'out'} to hold column ${k} (${(k + 1) * capacity} values: (column + 1) * capacity) but received ${room}`);
  });
}

export function csvColumns(bytes: Uint8Array, slotsGiven: Int32Array, labelsGiven: Uint8Array, lineEnd: 0 | 1 | 2, atEnd: boolean, out: Float64Array, codes: Int32Array, capacity: number): CsvColumnsResult {
  checkArguments(slotsGiven, labelsGiven, lineEnd, out, codes, capacity);
  // copies, read before any write: slots and labels may share memory with out or codes
  const slots = Int32Array.from(slotsGiven);
  const labels = Uint8Array.from(labelsGiven);
  const length = bytes.length;
  // a detached array has length 0 (no field is read), and its buffer cannot be viewed
  const text = length > 0 ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Buffer.alloc(0);
  const tables: (Map<string, number> | undefined)[] = []; // made for a label column when it first holds a label
  const firstsOf: number[][] = Array.from(labels, () => []);
  /** Codes a label field [begin, end) (quotes excluded) of column k. */
  const codeOf = (k: number, begin: number, end: number, quoted: boolean, escaped: boolean): number => {
    let key = text.toString('latin1', begin, end);
    if (escaped) key = key.replaceAll('""', '"');
    if (MISSING_FIELDS.has(key)) return -1;
    const table = (tables[k] ??= new Map());
    let code = table.get(key);
    if (code === undefined) {
      code = table.size;
      table.set(key, code);
      firstsOf[k].push(quoted ? begin - 1 : begin, quoted ? end + 1 : end);
    }
    return code;
  };
  const firsts = () => firstsOf.map((pairs) => Float64Array.from(pairs));
  const fieldCount = slots.length;
  const last = lineEnd === 2 ? CR : LF;
  /** Bytes of the record separator at q: 0 if none, -1 when the bytes end inside what may be one. */
  const separatorAt = (q: number): number => {
    const c = bytes[q];
    if (lineEnd !== 1) return c === last ? 1 : 0;
    if (c !== CR) return 0;
    if (q + 1 < length) return bytes[q + 1] === LF ? 2 : 0;
    return atEnd ? 0 : -1;
  };
  const fail = (error: number, bytesUsed: number, lines: number, errorField = 0, fields = 0, fieldBegin = 0, fieldEnd = 0): CsvColumnsResult => ({ rows, bytesUsed, lines, error, errorField, fields, fieldBegin, fieldEnd, firsts: firsts() });
  /** The label fields of the record being read (column, begin, end, quoted, escaped), coded once it proves valid. */
  const pending: [number, number, number, boolean, boolean][] = [];
  let rows = 0;
  let p = 0;
  let lines = 0;
  rowLoop: while (rows < capacity && p < length) {
    const rowStart = p;
    const rowLines = lines;
    const blank = separatorAt(p);
    if (blank < 0) break;
    if (blank > 0) {
      // an empty line is skipped
      p += blank;
      lines++;
      continue;
    }
    let f = 0;
    pending.length = 0;
    let bad: number = CSV_ERROR.none;
    let badField = 0;
    let badLine = 0;
    let badBegin = 0;
    let badEnd = 0;
    for (;;) {
      const fieldLine = lines;
      let begin: number;
      let end: number;
      let next: number;
      let escaped = false;
      const quoted = p < length && bytes[p] === QUOTE;
      if (quoted) {
        let q = p + 1;
        let closed = false;
        while (q < length) {
          const c = bytes[q];
          if (c === QUOTE) {
            if (q + 1 < length && bytes[q + 1] === QUOTE) {
              escaped = true;
              q += 2;
              continue;
            }
            closed = q + 1 < length || atEnd; // else the next bytes may make it an escaped quote
            break;
          }
          if (c === last && (lineEnd !== 1 || bytes[q - 1] === CR)) lines++;
          q++;
        }
        if (!closed) {
          if (q >= length && atEnd) return fail(CSV_ERROR.quoteNotClosed, rowStart, fieldLine, f);
          p = rowStart;
          lines = rowLines;
          break rowLoop; // wait for more bytes
        }
        begin = p + 1;
        end = q;
        next = q + 1;
        if (next < length && bytes[next] !== COMMA) {
          const s = separatorAt(next);
          if (s < 0) {
            p = rowStart;
            lines = rowLines;
            break rowLoop;
          }
          if (s === 0) return fail(CSV_ERROR.closingQuote, rowStart, lines, f);
        }
      } else {
        let q = p;
        let undecided = false;
        for (; q < length; q++) {
          const c = bytes[q];
          if (c === COMMA) break;
          if (c === QUOTE) return fail(CSV_ERROR.openingQuote, rowStart, lines, f);
          if (c === last || c === CR) {
            const s = separatorAt(q);
            if (s < 0) undecided = true;
            if (s !== 0) break;
          }
        }
        if (undecided || (q >= length && !atEnd)) {
          p = rowStart;
          lines = rowLines;
          break rowLoop;
        }
        begin = p;
        end = q;
        next = q;
      }
      if (f < fieldCount && slots[f] >= 0 && labels[slots[f]]) pending.push([slots[f], begin, end, quoted, escaped]);
      else if (f < fieldCount && slots[f] >= 0 && bad === CSV_ERROR.none) {
        const value = escaped ? undefined : numberOfField(utf8.decode(bytes.subarray(begin, end)));
        if (value === undefined) {
          bad = CSV_ERROR.notANumber;
          badField = f;
          badLine = fieldLine;
          badBegin = begin;
          badEnd = end;
        } else out[slots[f] * capacity + rows] = value;
      }
      f++;
      if (next >= length) {
        p = length; // the bytes end the record (atEnd)
        break;
      }
      if (bytes[next] === COMMA) {
        p = next + 1;
        continue;
      }
      p = next + separatorAt(next);
      lines++;
      break;
    }
    if (f !== fieldCount) return fail(CSV_ERROR.fieldCount, rowStart, rowLines, 0, f);
    if (bad !== CSV_ERROR.none) return fail(bad, rowStart, badLine, badField, 0, badBegin, badEnd);
    for (const [k, begin, end, quoted, escaped] of pending) codes[k * capacity + rows] = codeOf(k, begin, end, quoted, escaped);
    rows++;
  }
  return { rows, bytesUsed: p, lines, error: CSV_ERROR.none, errorField: 0, fields: 0, fieldBegin: 0, fieldEnd: 0, firsts: firsts() };
}
