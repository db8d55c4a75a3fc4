import { requireInteger } from '../errors.js';

/**
 * The outcome (success or error) of the last `capacity` requests, with a running error count:
 * the source of the error_rate alert rule. O(1) per request, one byte per request.
 */
export class ErrorWindow {
  private readonly outcomes: Uint8Array;
  private next = 0;
  private filled = 0;
  private errorsInWindow = 0;

  /** @throws RangeError/TypeError unless capacity is an integer in [1, 2^30] */
  constructor(readonly capacity: number) {
    requireInteger(capacity, 'capacity', 1, 2 ** 30);
    this.outcomes = new Uint8Array(capacity);
  }

  /** Records one request (the per-request path: no argument check, no loop). */
  recordOne(isError: boolean): void {
    const flag = isError ? 1 : 0;
    if (this.filled === this.capacity) this.errorsInWindow -= this.outcomes[this.next];
    else this.filled++;
    this.outcomes[this.next] = flag;
    this.errorsInWindow += flag;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
  }

  /** Records `count` requests with the same outcome. */
  record(isError: boolean, count = 1): void {
    requireInteger(count, 'count', 0);
    for (let i = 0, n = Math.min(count, this.capacity); i < n; i++) this.recordOne(isError);
  }

  /** Requests in the window. */
  get requests(): number {
    return this.filled;
  }

  /** Errors in the window. */
  get errors(): number {
    return this.errorsInWindow;
  }

  /** errors / requests over the window; 0 when empty. */
  get rate(): number {
    return this.filled === 0 ? 0 : this.errorsInWindow / this.filled;
  }

  get byteLength(): number {
    return this.outcomes.byteLength;
  }

  /** Outcomes from oldest to newest (1 = error), for snapshots. */
  toArray(): Uint8Array {
    const out = new Uint8Array(this.filled);
    const start = this.filled === this.capacity ? this.next : 0;
    for (let i = 0; i < this.filled; i++) out[i] = this.outcomes[(start + i) % this.capacity];
    return out;
  }
}
