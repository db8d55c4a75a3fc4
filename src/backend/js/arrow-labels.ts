/**
 * arrowLabels, the JS reference: the strings of an Arrow Utf8 / LargeUtf8 column chunk coded by
 * byte sequence in order of first appearance, so that a chunk's labels are decoded once per
 * distinct label rather than once per row; and arrowKeys: a dictionary-encoded column's keys as
 * codes. Twin: native/kernels/arrow_labels.cc.
 */
import type { ArrowValueArray } from '../contract.js';
import { integerArgument } from './integer-argument.js';

/**
 * The checks both coders make (as the addon's): the validity bitmap, when given, holds `end`
 * bits, codes hold `length` values, and codes from `base` up to base + `count` fit an int32.
 */
function checkValidityAndCodes(validity: Uint8Array | null, end: number, codes: Int32Array, length: number, base: number, count: number, what: string): void {
  if (validity && validity.length < Math.ceil(end / 8)) throw new RangeError(`Expected validity to hold ${end} bits (offset + length) but received ${validity.length} bytes`);
  if (codes.length < length) throw new RangeError(`Expected codes to hold ${length} values but received ${codes.length}`);
  if (base + count > 2147483647) throw new RangeError(`Expected base + ${what} to be at most 2147483647 (codes are int32) but received ${base + count}`);
}

/** Offsets of LargeUtf8 (BigInt64Array) as pairs of 32-bit halves; Utf8's Int32Array as it is. */
function offsetReader(offsets: Int32Array | BigInt64Array): (k: number) => number {
  if (offsets instanceof Int32Array) return (k) => offsets[k];
  const halves = new Int32Array(offsets.buffer, offsets.byteOffset, offsets.length * 2);
  return (k) => halves[2 * k + 1] * 4294967296 + (halves[2 * k] >>> 0);
}

export function arrowLabels(offsets: Int32Array | BigInt64Array, bytes: Uint8Array, offset: number, length: number, validity: Uint8Array | null, codes: Int32Array, base: number): Int32Array {
  const end = offset + length;
  if (length > 0 && offsets.length < end + 1) throw new RangeError(`Expected offsets to hold ${end + 1} entries (offset + length + 1) but received ${offsets.length}`);
  checkValidityAndCodes(validity, end, codes, length, base, length, 'length');
  const at = offsetReader(offsets);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // a byte sequence of up to 6 bytes is keyed by a number built from its length and bytes (exact
  // below 2^53); longer ones by their bytes as a latin1 string (one character per byte)
  const short = new Map<number, number>();
  const long = new Map<string, number>();
  const firsts: number[] = [];
  for (let i = 0; i < length; i++) {
    const row = offset + i;
    if (validity && (validity[row >> 3] & (1 << (row & 7))) === 0) {
      codes[i] = -1;
      continue;
    }
    const s = at(row);
    const e = at(row + 1);
    if (!(s >= 0 && s <= e && e <= bytes.length)) throw new RangeError(`Expected the offsets of string ${row} to lie within bytes (0 <= start <= end <= ${bytes.length}) but received [${s}, ${e})`);
    let code: number | undefined;
    if (e - s <= 6) {
      let key = e - s;
      for (let j = s; j < e; j++) key = key * 256 + bytes[j];
      code = short.get(key);
      if (code === undefined) short.set(key, (code = firsts.push(i) - 1));
    } else {
      const key = text.toString('latin1', s, e);
      code = long.get(key);
      if (code === undefined) long.set(key, (code = firsts.push(i) - 1));
    }
    codes[i] = base + code;
  }
  return Int32Array.from(firsts);
}

const KEY_ARRAYS = [Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array];

export function arrowKeys(keys: ArrowValueArray, offset: number, length: number, validity: Uint8Array | null, size: number, base: number, codes: Int32Array): void {
  if (!KEY_ARRAYS.some((type) => keys instanceof type)) throw new TypeError('Expected an integer TypedArray (Arrow dictionary keys) for keys');
  integerArgument(offset, 'offset', 0);
  integerArgument(length, 'length', 0);
  if (validity !== null && !(validity instanceof Uint8Array)) throw new TypeError('Expected a Uint8Array or null for validity');
  integerArgument(size, 'size', 0);
  integerArgument(base, 'base', 0);
  if (!(codes instanceof Int32Array)) throw new TypeError('Expected an Int32Array for codes');
  const end = offset + length;
  if (keys.length < end) throw new RangeError(`Expected keys to hold ${end} entries (offset + length) but received ${keys.length}`);
  checkValidityAndCodes(validity, end, codes, length, base, size, 'size');
  for (let i = 0; i < length; i++) {
    const row = offset + i;
    if (validity && (validity[row >> 3] & (1 << (row & 7))) === 0) {
      codes[i] = -1;
      continue;
    }
    const key = keys[row];
    // bigint keys compared as bigints: a key beyond 2^53 is never rounded into range
    if (typeof key === 'bigint' ? key < 0n || key >= BigInt(size) : key < 0 || key >= size) {
      throw new RangeError(`Expected the key of row ${row} to be below the dictionary's size (${size}) and not negative but received ${key}`);
    }
    codes[i] = base + Number(key);
  }
}
