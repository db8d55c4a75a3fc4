import { requireInteger } from '../errors.js';

/**
 * A fixed-capacity ring of float64 values: the bounded history behind every monitor. Pushing
 * never allocates; once full, the oldest value is overwritten.
 */
export class RingBuffer {
  private readonly values: Float64Array;
  private next = 0;
  private filled = 0;

  /** @throws RangeError/TypeError unless capacity is an integer in [1, 2^30] */
  constructor(readonly capacity: number) {
    requireInteger(capacity, 'capacity', 1, 2 ** 30);
    this.values = new Float64Array(capacity);
  }

  /** Number of values held (at most capacity). */
  get size(): number {
    return this.filled;
  }

  push(x: number): void {
    this.values[this.next] = x;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    if (this.filled < this.capacity) this.filled++;
  }

  /** Appends values in order (only the last `capacity` of them remain), with at most two copies. */
  pushMany(values: ArrayLike<number>): void {
    const n = values.length;
    const source = n > this.capacity ? subarrayOf(values, n - this.capacity) : values;
    const m = source.length;
    const first = Math.min(m, this.capacity - this.next);
    this.values.set(subarrayOf(source, 0, first), this.next);
    if (m > first) this.values.set(subarrayOf(source, first), 0);
    this.next = (this.next + m) % this.capacity;
    this.filled = Math.min(this.capacity, this.filled + m);
  }

  /** Appends the same value `count` times. */
  fill(x: number, count: number): void {
    const m = Math.min(count, this.capacity);
    const first = Math.min(m, this.capacity - this.next);
    this.values.fill(x, this.next, this.next + first);
    if (m > first) this.values.fill(x, 0, m - first);
    this.next = (this.next + m) % this.capacity;
    this.filled = Math.min(this.capacity, this.filled + m);
  }

  /** The i-th most recent value (0 = the newest). */
  fromNewest(i: number): number {
    let index = this.next - 1 - i;
    if (index < 0) index += this.capacity;
    return this.values[index];
  }

  /** Mean of `count` values ending `skip` values before the newest (a small window; no backend call). */
  meanOfRecent(count: number, skip = 0): number {
    let sum = 0;
    for (let i = skip; i < skip + count; i++) sum += this.fromNewest(i);
    return sum / count;
  }

  /**
   * The held values as a view on the ring's memory, in storage order (not time order): what
   * order-free statistics such as quantiles need, without a copy.
   */
  unorderedView(): Float64Array {
    return this.values.subarray(0, this.filled);
  }

  /** Bytes of memory the ring holds. */
  get byteLength(): number {
    return this.values.byteLength;
  }

  /** The held values from oldest to newest, as a copy. */
  toArray(): Float64Array {
    const out = new Float64Array(this.filled);
    for (let i = 0; i < this.filled; i++) out[i] = this.fromNewest(this.filled - 1 - i);
    return out;
  }
}

function subarrayOf(values: ArrayLike<number>, start: number, end = values.length): ArrayLike<number> {
  if (ArrayBuffer.isView(values)) return (values as unknown as Float64Array).subarray(start, end);
  return Array.prototype.slice.call(values, start, end) as number[];
}
