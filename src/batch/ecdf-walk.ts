/**
 * The KS and Wasserstein distances of two samples delivered as sorted blocks: the same merge
 * walk as the backends' ecdfDistances kernel (same steps, same Neumaier sum), with its state
 * carried across blocks, so samples larger than memory are measured exactly. Each block read is
 * also handed to an observer (the column's SummaryBuilder), so one pass serves every test.
 */
import type { SortedBlocks } from './sorted-blocks.js';

const EMPTY = new Float64Array(0);

/** A read position in a stream of sorted blocks. */
class Cursor {
  private block: Float64Array = EMPTY;
  private at = 0;
  done = false;

  constructor(
    private readonly source: SortedBlocks,
    private readonly observe: (block: Float64Array) => void,
  ) {
    this.fill();
  }

  private fill(): void {
    while (this.at >= this.block.length) {
      const next = this.source.next();
      if (next === null) {
        this.done = true;
        return;
      }
      this.observe(next);
      this.block = next;
      this.at = 0;
    }
  }

  /** The next value (only when not done). */
  peek(): number {
    return this.block[this.at];
  }

  /** Moves past every value <= x; returns how many. */
  skipThrough(x: number): number {
    let moved = 0;
    while (!this.done) {
      const block = this.block;
      let i = this.at;
      while (i < block.length && block[i] <= x) i++;
      moved += i - this.at;
      this.at = i;
      if (i < block.length) break;
      this.fill();
    }
    return moved;
  }

  /** Reads to the end so the observer sees every block. */
  drain(): void {
    while (!this.done) {
      this.at = this.block.length;
      this.fill();
    }
  }
}

/**
 * Walks samples a (na finite values) and b (nb) in sorted blocks; NaN distances when a sample is
 * empty (both streams are still read through for their observers).
 */
export function streamedEcdfDistances(
  a: SortedBlocks,
  na: number,
  b: SortedBlocks,
  nb: number,
  observeA: (block: Float64Array) => void,
  observeB: (block: Float64Array) => void,
): { ks: number; wasserstein: number } {
  const ca = new Cursor(a, observeA);
  const cb = new Cursor(b, observeB);
  if (na < 1 || nb < 1) {
    ca.drain();
    cb.drain();
    return { ks: NaN, wasserstein: NaN };
  }
  let i = 0;
  let j = 0;
  let ks = 0;
  let sum = 0;
  let compensation = 0;
  while (!ca.done || !cb.done) {
    const x = !ca.done && (cb.done || ca.peek() <= cb.peek()) ? ca.peek() : cb.peek();
    i += ca.skipThrough(x);
    j += cb.skipThrough(x);
    const diff = Math.abs(i / na - j / nb);
    if (diff > ks) ks = diff;
    if (!ca.done || !cb.done) {
      const next = !ca.done && (cb.done || ca.peek() <= cb.peek()) ? ca.peek() : cb.peek();
      const term = diff * (next - x);
      const t = sum + term;
      compensation += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
      sum = t;
    }
  }
  return { ks, wasserstein: sum + compensation };
}
