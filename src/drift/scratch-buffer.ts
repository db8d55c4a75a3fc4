/**
 * ScratchBuffer: one Float64Array reused by a detector's successive detect() runs for the sorted
 * current columns. Fresh memory is expensive to touch the first time (a page fault per 4 KiB),
 * often more so than sorting into it. A run that finds the buffer lent out (two detectAsync calls
 * at once) gets fresh arrays instead, so runs never share memory.
 */
import { markPrivate } from '../backend/private-memory.js';

export interface ScratchLease {
  /** An array of at least n values, valid until the next take() or release(). */
  take(n: number): Float64Array;
  release(): void;
}

export class ScratchBuffer {
  private buffer: Float64Array | null = null;
  private lent = false;

  acquire(): ScratchLease {
    if (this.lent) return { take: (n) => markPrivate(new Float64Array(n)), release: () => {} };
    this.lent = true;
    return {
      take: (n) => {
        if (!this.buffer || this.buffer.length < n) this.buffer = markPrivate(new Float64Array(n));
        return this.buffer;
      },
      release: () => {
        this.lent = false;
      },
    };
  }
}
