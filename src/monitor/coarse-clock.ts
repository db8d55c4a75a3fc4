import type { Clock } from '../clock.js';
import { requireInteger } from '../errors.js';

/**
 * A clock whose readings may be shared by up to `every` consecutive reads made in one stretch of
 * synchronous code. Reading the system clock (Date.now) costs 80-100 ns on a VM, more than the rest
 * of a ModelMonitor record, so records made in a tight loop share one reading, while the first read
 * after the code yields (returns to the event loop or awaits) reads the clock again.
 *
 * Bound: read() returns what the underlying clock returned at one of the last `every` read()s
 * (this one included), never a time after the read, and never a reading taken in an earlier
 * event-loop task (timer, I/O callback, setImmediate): a reading expires at the first microtask
 * checkpoint after it was taken, when the synchronous code that took it awaits or returns to the
 * event loop. With every = 1 every read() calls the clock.
 */
export class CoarseClock {
  private reading = 0;
  /** Reads the current reading may still serve. */
  private left = 0;
  private expiryQueued = false;

  /** @throws RangeError/TypeError unless every is an integer in [1, 2^20] (named `name` in the message) */
  constructor(
    private readonly clock: Clock,
    readonly every: number,
    name = 'every',
  ) {
    requireInteger(every, name, 1, 2 ** 20);
  }

  /** The time, possibly shared with the previous reads (see the bound above). */
  read(): number {
    if (this.left > 0) {
      this.left--;
      return this.reading;
    }
    return this.refresh();
  }

  private refresh(): number {
    this.reading = this.clock();
    this.left = this.every - 1;
    // The reading expires when this synchronous stretch ends: the microtask runs as soon as the
    // code awaits or returns to the event loop, before any later task or continuation.
    if (this.left > 0 && !this.expiryQueued) {
      this.expiryQueued = true;
      queueMicrotask(this.expire);
    }
    return this.reading;
  }

  private readonly expire = (): void => {
    this.left = 0;
    this.expiryQueued = false;
  };
}
