/**
 * arrowNumbers, the JS reference: an Arrow numeric column chunk (any integer or float width,
 * booleans bit-packed, validity bitmap) as float64, scaled (a negative scale divides). The batch
 * readers' conversion of Arrow and Parquet columns (timestamps to epoch milliseconds, Date32 days
 * to milliseconds).
 */
import type { ArrowValueArray } from '../contract.js';

/** Bytes of a bitmap that holds bits [0, bits). */
const bitmapBytes = (bits: number) => Math.ceil(bits / 8);

export function arrowNumbers(values: ArrowValueArray, bitPacked: boolean, offset: number, length: number, validity: Uint8Array | null, scale: number, out: Float64Array): void {
  const end = offset + length;
  if (bitPacked && !(values instanceof Uint8Array)) throw new TypeError('Expected a Uint8Array for values (bit-packed) but received another TypedArray');
  if ((bitPacked ? values.length < bitmapBytes(end) : values.length < end)) throw new RangeError(`Expected values to hold ${end} ${bitPacked ? 'bits' : 'values'} (offset + length) but received ${values.length} elements`);
  if (validity && validity.length < bitmapBytes(end)) throw new RangeError(`Expected validity to hold ${end} bits (offset + length) but received ${validity.length} bytes`);
  if (out.length < length) throw new RangeError(`Expected out to hold ${length} values but received ${out.length}`);
  // a division by 1000 is correctly rounded, a product with 1e-3 (itself rounded) is not always
  const divisor = scale < 0 ? -scale : 0;
  if (bitPacked) {
    const bits = values as Uint8Array;
    for (let i = 0; i < length; i++) {
      const bit = offset + i;
      const v = (bits[bit >> 3] >> (bit & 7)) & 1;
      out[i] = divisor ? v / divisor : v * scale;
    }
  } else if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    // read as two 32-bit halves: hi * 2^32 and lo are exact doubles, so their sum is rounded once,
    // exactly as Number(bigint) rounds, without BigInts
    const halves = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    const signed = values instanceof BigInt64Array;
    for (let i = 0, k = 2 * offset; i < length; i++, k += 2) {
      const hi = signed ? halves[k + 1] : halves[k + 1] >>> 0;
      const v = hi * 4294967296 + (halves[k] >>> 0);
      out[i] = divisor ? v / divisor : v * scale;
    }
  } else {
    const numbers = values as Exclude<ArrowValueArray, BigInt64Array | BigUint64Array>;
    if (divisor) for (let i = 0; i < length; i++) out[i] = numbers[offset + i] / divisor;
    else for (let i = 0; i < length; i++) out[i] = numbers[offset + i] * scale;
  }
  if (validity) {
    for (let i = 0; i < length; i++) {
      const bit = offset + i;
      if ((validity[bit >> 3] & (1 << (bit & 7))) === 0) out[i] = NaN;
    }
  }
}
