/**
 * QuantileSketch: a mergeable quantile sketch with a relative-error guarantee (DDSketch,
 * Masson, Rim & Lee, VLDB 2019), for latencies over all time in bounded memory.
 *
 * Guarantee: for any q, quantile(q) is within a factor (1 ± relativeAccuracy) of the sample's
 * element of rank floor(q * (count - 1)) — as long as the values span fewer than maxBins buckets
 * (with the default 1 % accuracy and 4096 buckets: from 1e-9 to about 1e26), and values at or
 * below 1e-9 are reported as 0. Beyond maxBins, the lowest buckets are merged and only the
 * lowest quantiles lose accuracy.
 *
 * Single values are added in JS (no native call); batches go through the active backend.
 * Two sketches with the same accuracy merge exactly: merging gives the same counts as one sketch
 * over both streams.
 */
import { getBackend } from '../backend/registry.js';
import { rangeError, requireInteger, requireNumber, typeError } from '../errors.js';
import { toFloatArray, type NumericInput } from '../matrix.js';
import { crc32 } from '../persist/crc32.js';

export interface QuantileSketchOptions {
  /** Relative accuracy alpha in (0, 1). Default 0.01. */
  relativeAccuracy?: number;
  /** Most buckets kept (memory: 8 bytes each). Default 4096. */
  maxBins?: number;
}

const MIN_INDEXABLE = 1e-9;
const MAGIC = 0x53514c4d; // "MLQS" little-endian
const FORMAT_VERSION = 2; // 2 adds the CRC-32 trailer; version 1 bytes are still read
const CRC_BYTES = 4;
const HEADER_BYTES = 72;

export class QuantileSketch {
  readonly relativeAccuracy: number;
  readonly maxBins: number;
  private readonly gamma: number;
  private readonly multiplier: number;
  private bins = new Float64Array(0);
  private offset = 0; // key of bins[0]
  private zeroCount = 0;
  private total = 0;
  private sumOfValues = 0;
  private minValue = Infinity;
  private maxValue = -Infinity;

  constructor(options: QuantileSketchOptions = {}) {
    if (typeof options !== 'object' || options === null) throw typeError('an options object', 'options', options);
    this.relativeAccuracy = requireNumber(options.relativeAccuracy ?? 0.01, 'options.relativeAccuracy', 1e-6, 0.5);
    this.maxBins = requireInteger(options.maxBins ?? 4096, 'options.maxBins', 16, 1 << 24);
    this.gamma = (1 + this.relativeAccuracy) / (1 - this.relativeAccuracy);
    this.multiplier = 1 / Math.log(this.gamma);
  }

  /** Number of values added. */
  get count(): number {
    return this.total;
  }

  /** Sum of the values added (for means and Prometheus summaries). */
  get sum(): number {
    return this.sumOfValues;
  }

  /** Smallest and largest value added (NaN when empty). */
  get min(): number {
    return this.total ? this.minValue : NaN;
  }

  get max(): number {
    return this.total ? this.maxValue : NaN;
  }

  /** Bytes held by the sketch's buckets. */
  get byteLength(): number {
    return this.bins.byteLength;
  }

  /** Adds one value (>= 0 and finite, e.g. a latency); anything else throws a RangeError. */
  add(x: number): void {
    if (!(x >= 0 && x < Infinity)) throw rangeError('a finite number >= 0', 'value', String(x));
    this.total++;
    this.sumOfValues += x;
    if (x < this.minValue) this.minValue = x;
    if (x > this.maxValue) this.maxValue = x;
    if (x <= MIN_INDEXABLE) {
      this.zeroCount++;
      return;
    }
    const key = Math.ceil(Math.log(x) * this.multiplier);
    const i = key - this.offset;
    if (i >= 0 && i < this.bins.length) this.bins[i]++;
    else this.addToKey(key, 1);
  }

  /**
   * Adds a batch on the active backend. The batch is all-or-nothing: one invalid value (NaN,
   * negative, infinite) throws a RangeError naming its index and nothing is added.
   */
  addMany(values: NumericInput): void {
    const data = toFloatArray(values, 'values');
    if (data.length === 0) return;
    const b = getBackend().sketchBins(data, this.multiplier, MIN_INDEXABLE, this.maxBins);
    if (b.invalidCount > 0) {
      throw rangeError('finite numbers >= 0', `values[${b.firstInvalid}]`, `${data[b.firstInvalid]} (${b.invalidCount} invalid value(s); none added)`);
    }
    this.mergeCounts(b.minKey, b.counts, b.zeroCount, b.validCount, b.sum, b.min, b.max);
  }

  /** The estimated q-quantile, q in [0, 1]; NaN when the sketch is empty. */
  quantile(q: number): number {
    requireNumber(q, 'q', 0, 1);
    if (this.total === 0) return NaN;
    const rank = q * (this.total - 1);
    if (rank < this.zeroCount) return Math.max(0, this.minValue);
    let seen = this.zeroCount;
    for (let i = 0; i < this.bins.length; i++) {
      seen += this.bins[i];
      if (seen > rank) {
        const estimate = (2 * Math.pow(this.gamma, i + this.offset)) / (this.gamma + 1);
        return Math.min(this.maxValue, Math.max(this.minValue, estimate));
      }
    }
    return this.maxValue;
  }

  /** quantile(q) for each q, in the order asked. */
  quantiles(qs: ArrayLike<number>): Float64Array {
    const out = new Float64Array(qs.length);
    for (let i = 0; i < qs.length; i++) out[i] = this.quantile(qs[i]);
    return out;
  }

  /** Adds another sketch's values into this one (same relativeAccuracy required). */
  merge(other: QuantileSketch): void {
    if (!(other instanceof QuantileSketch)) throw typeError('a QuantileSketch', 'other', other);
    if (other.relativeAccuracy !== this.relativeAccuracy) {
      throw rangeError(`a sketch with relativeAccuracy ${this.relativeAccuracy}`, 'other', `relativeAccuracy ${other.relativeAccuracy}`);
    }
    if (other.total === 0) return;
    this.mergeCounts(other.offset, other.bins, other.zeroCount, other.total, other.sumOfValues, other.minValue, other.maxValue);
  }

  /**
   * Serialises the sketch (format version 2): a 72-byte little-endian header — u32 magic "MLQS",
   * u16 version, u16 reserved, f64 relativeAccuracy, f64 count, f64 zeroCount, f64 sum, f64 min,
   * f64 max, i32 key of the first bucket, u32 bucket count, u32 maxBins, u32 reserved — then the
   * bucket counts as f64, then a u32 CRC-32 of everything before it.
   */
  serialize(): Uint8Array {
    let first = 0;
    let last = this.bins.length - 1;
    while (first <= last && this.bins[first] === 0) first++;
    while (last >= first && this.bins[last] === 0) last--;
    const n = last >= first ? last - first + 1 : 0;
    const bytes = new Uint8Array(HEADER_BYTES + 8 * n + CRC_BYTES);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint16(4, FORMAT_VERSION, true);
    view.setFloat64(8, this.relativeAccuracy, true);
    view.setFloat64(16, this.total, true);
    view.setFloat64(24, this.zeroCount, true);
    view.setFloat64(32, this.sumOfValues, true);
    view.setFloat64(40, this.minValue, true);
    view.setFloat64(48, this.maxValue, true);
    view.setInt32(56, n ? this.offset + first : 0, true);
    view.setUint32(60, n, true);
    view.setUint32(64, this.maxBins, true);
    for (let i = 0; i < n; i++) view.setFloat64(HEADER_BYTES + 8 * i, this.bins[first + i], true);
    view.setUint32(HEADER_BYTES + 8 * n, crc32(bytes.subarray(0, HEADER_BYTES + 8 * n)), true);
    return bytes;
  }

  /**
   * Rebuilds a sketch from serialize()'s bytes (format 2, or 1 without the checksum); throws a
   * RangeError on anything malformed: a checksum mismatch, or any field out of its range.
   */
  static deserialize(bytes: Uint8Array): QuantileSketch {
    if (!(bytes instanceof Uint8Array)) throw typeError('a Uint8Array', 'bytes', bytes);
    if (bytes.length < HEADER_BYTES) throw rangeError(`at least ${HEADER_BYTES} bytes`, 'bytes', `${bytes.length}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(0, true) !== MAGIC) throw rangeError('a serialised QuantileSketch (magic MLQS)', 'bytes', 'other data');
    const version = view.getUint16(4, true);
    if (version !== 1 && version !== FORMAT_VERSION) throw rangeError(`format version 1 or ${FORMAT_VERSION}`, 'bytes', `version ${version}`);
    const n = view.getUint32(60, true);
    const trailer = version === 1 ? 0 : CRC_BYTES;
    if (bytes.length !== HEADER_BYTES + 8 * n + trailer) throw rangeError(`${HEADER_BYTES + 8 * n + trailer} bytes for ${n} buckets`, 'bytes', `${bytes.length}`);
    if (trailer && crc32(bytes.subarray(0, HEADER_BYTES + 8 * n)) !== view.getUint32(HEADER_BYTES + 8 * n, true)) {
      throw rangeError('an intact serialised QuantileSketch', 'bytes', 'a CRC-32 mismatch (damaged data)');
    }
    const maxBins = view.getUint32(64, true);
    const sketch = new QuantileSketch({ relativeAccuracy: view.getFloat64(8, true), maxBins });
    if (n > sketch.maxBins) throw rangeError(`at most maxBins (${sketch.maxBins}) buckets`, 'bytes', `${n}`);
    const counts = new Float64Array(n);
    for (let i = 0; i < n; i++) counts[i] = view.getFloat64(HEADER_BYTES + 8 * i, true);
    const total = view.getFloat64(16, true);
    const zero = view.getFloat64(24, true);
    const [valueSum, min, max] = [view.getFloat64(32, true), view.getFloat64(40, true), view.getFloat64(48, true)];
    const firstKey = view.getInt32(56, true);
    if (!Number.isSafeInteger(total) || total < 0) throw rangeError('a count that is an integer >= 0', 'bytes', String(total));
    if (!Number.isSafeInteger(zero) || zero < 0 || zero > total) throw rangeError(`a zero count in [0, ${total}]`, 'bytes', String(zero));
    if (total > 0 && !(min >= 0 && min <= max && max < Infinity && valueSum >= 0 && valueSum < Infinity)) {
      throw rangeError('0 <= min <= max and a finite sum >= 0', 'bytes', `min ${min}, max ${max}, sum ${valueSum}`);
    }
    if (firstKey + n - 1 > 2 ** 31 - 1) throw rangeError('bucket keys within 32 bits', 'bytes', `${firstKey} + ${n}`);
    let sum = zero;
    for (const c of counts) {
      if (!(c >= 0) || !Number.isInteger(c)) throw rangeError('non-negative integer bucket counts', 'bytes', String(c));
      sum += c;
    }
    if (sum !== total) throw rangeError(`bucket counts adding up to the count ${total}`, 'bytes', `${sum}`);
    if (total > 0) sketch.mergeCounts(firstKey, counts, zero, total, valueSum, min, max);
    return sketch;
  }

  private mergeCounts(minKey: number, counts: Float64Array, zero: number, count: number, sum: number, min: number, max: number): void {
    this.total += count;
    this.zeroCount += zero;
    this.sumOfValues += sum;
    if (min < this.minValue) this.minValue = min;
    if (max > this.maxValue) this.maxValue = max;
    for (let i = 0; i < counts.length; i++) if (counts[i] !== 0) this.addToKey(minKey + i, counts[i]);
  }

  /** Adds count to a key outside (or inside) the current range, growing or collapsing the store. */
  private addToKey(key: number, count: number): void {
    if (this.bins.length === 0) {
      this.bins = new Float64Array(64);
      this.offset = key - 32;
    }
    let i = key - this.offset;
    if (i < 0 || i >= this.bins.length) {
      const lo = Math.min(this.offset, key);
      const hi = Math.max(this.offset + this.bins.length - 1, key);
      const span = hi - lo + 1;
      if (span > this.maxBins) {
        this.collapseTo(hi - this.maxBins + 1);
        return this.addToKey(Math.max(key, hi - this.maxBins + 1), count);
      }
      // Grow with slack on both sides, within maxBins.
      const size = Math.min(this.maxBins, Math.max(span + 32, this.bins.length * 2));
      const newOffset = Math.max(lo - Math.floor((size - span) / 2), hi - size + 1);
      const grown = new Float64Array(size);
      grown.set(this.bins, this.offset - newOffset);
      this.bins = grown;
      this.offset = newOffset;
      i = key - this.offset;
    }
    this.bins[i] += count;
  }

  /** Merges every bucket below newLowestKey into it (the lowest quantiles lose accuracy). */
  private collapseTo(newLowestKey: number): void {
    const size = this.maxBins;
    const collapsed = new Float64Array(size);
    for (let i = 0; i < this.bins.length; i++) {
      const c = this.bins[i];
      if (c === 0) continue;
      const key = Math.max(i + this.offset, newLowestKey);
      collapsed[key - newLowestKey] += c;
    }
    this.bins = collapsed;
    this.offset = newLowestKey;
  }
}
