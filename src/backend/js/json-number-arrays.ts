/**
 * JS jsonNumberArrays: the arrays of plain numbers in a JSON text (see Backend.jsonNumberArrays),
 * scanned byte by byte as native/kernels/json_number_arrays.cc does; each number is converted by
 * Number(), which rounds correctly to the nearest double as the native from_chars does.
 */
import type { JsonNumberArrays } from '../contract.js';
import { integerArgument } from './integer-argument.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= ZERO && c <= NINE;

function skipSpace(text: Uint8Array, i: number): number {
  while (i < text.length && isSpace(text[i])) i++;
  return i;
}

/** One past the JSON number starting at i, or i when none starts there. */
function numberEnd(text: Uint8Array, i: number): number {
  const start = i;
  const n = text.length;
  if (i < n && text[i] === MINUS) i++;
  if (i < n && text[i] === ZERO) i++;
  else if (i < n && text[i] > ZERO && text[i] <= NINE) while (i < n && isDigit(text[i])) i++;
  else return start;
  if (i < n && text[i] === DOT) {
    i++;
    if (i >= n || !isDigit(text[i])) return start;
    while (i < n && isDigit(text[i])) i++;
  }
  if (i < n && (text[i] === 0x65 || text[i] === 0x45)) {
    i++;
    if (i < n && (text[i] === PLUS || text[i] === MINUS)) i++;
    if (i >= n || !isDigit(text[i])) return start;
    while (i < n && isDigit(text[i])) i++;
  }
  return i;
}

/** The number text[start, end) as a double, or null when it overflows or underflows to zero. */
function numberValue(text: Uint8Array, start: number, end: number): number | null {
  let token = '';
  for (let k = start; k < end; k++) token += String.fromCharCode(text[k]);
  const value = Number(token);
  if (!Number.isFinite(value)) return null;
  if (value === 0) {
    for (let k = start; k < end && text[k] !== 0x65 && text[k] !== 0x45; k++) if (text[k] > ZERO && text[k] <= NINE) return null;
  }
  return value;
}

/** One past the string whose opening quote is just before i (the end when it is not closed). */
function stringEnd(text: Uint8Array, i: number): number {
  while (i < text.length) {
    if (text[i] === BACKSLASH) i += 2;
    else if (text[i] === QUOTE) return i + 1;
    else i++;
  }
  return text.length;
}

/** One past the qualifying array whose '[' is at `open` (pushing it), or 0 when it does not qualify. */
function takeArray(text: Uint8Array, open: number, minLength: number, spans: number[], values: number[]): number {
  const first = values.length;
  let i = skipSpace(text, open + 1);
  for (;;) {
    const end = numberEnd(text, i);
    const value = end === i ? null : numberValue(text, i, end);
    if (value === null) break;
    values.push(value);
    i = skipSpace(text, end);
    if (i < text.length && text[i] === COMMA) {
      i = skipSpace(text, i + 1);
      continue;
    }
    const count = values.length - first;
    if (i < text.length && text[i] === CLOSE && count >= minLength) {
      spans.push(open, i + 1, count);
      return i + 1;
    }
    break;
  }
  values.length = first;
  return 0;
}

/** See Backend.jsonNumberArrays. */
export function jsonNumberArrays(text: Uint8Array, minLength: number): JsonNumberArrays {
  if (!(text instanceof Uint8Array)) throw new TypeError(`Expected a Uint8Array for text but received ${typeof text}`);
  integerArgument(minLength, 'minLength', 1);
  const spans: number[] = [];
  const values: number[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === QUOTE) i = stringEnd(text, i + 1);
    else if (c === OPEN) {
      // An array that does not qualify is scanned on from its '[': arrays nested in it may.
      const end = takeArray(text, i, minLength, spans, values);
      i = end !== 0 ? end : i + 1;
    } else i++;
  }
  return { spans: Float64Array.from(spans), values: Float64Array.from(values) };
}
