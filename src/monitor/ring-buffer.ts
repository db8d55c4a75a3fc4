/**
 * A fixed-capacity ring of float64 values: the bounded history behind every monitor. Pushing
 * never allocates; once full, the oldest value is overwritten.
 */
export class RingBuffer {
  private readonly values: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(readonly capacity: number) {
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

  /** The held values from oldest to newest, as a copy. */
  toArray(): Float64Array {
    const out = new Float64Array(this.filled);
    for (let i = 0; i < this.filled; i++) out[i] = this.fromNewest(this.filled - 1 - i);
    return out;
  }
}
