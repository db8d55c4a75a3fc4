/**
 * JS csvNumbers: CSV bytes into per-column float64 values, one record at a time, by the rules the
 * contract states (Backend.csvNumbers). Each field is decoded as UTF-8 and read by numberOfField,
 * the rule the CSV reader has always used: a missing marker is NaN, else a decimal number (or
 * ±Infinity) with white space around it, read by Number.
 * Twin: native/kernels/csv_numbers.cc (cpu; cuda delegates to it): the same bits, the same errors.
 */
import { CSV_ERROR, type CsvNumbersResult } from '../contract.js';

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

export function csvNumbers(bytes: Uint8Array, slots: Int32Array, lineEnd: 0 | 1 | 2, atEnd: boolean, out: Float64Array, capacity: number): CsvNumbersResult {
  const length = bytes.length;
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
  const fail = (error: number, bytesUsed: number, lines: number, errorField = 0, fields = 0, fieldBegin = 0, fieldEnd = 0): CsvNumbersResult => ({ rows, bytesUsed, lines, error, errorField, fields, fieldBegin, fieldEnd });
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
      if (p < length && bytes[p] === QUOTE) {
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
      if (f < fieldCount && slots[f] >= 0 && bad === CSV_ERROR.none) {
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
    rows++;
  }
  return { rows, bytesUsed: p, lines, error: CSV_ERROR.none, errorField: 0, fields: 0, fieldBegin: 0, fieldEnd: 0 };
}
