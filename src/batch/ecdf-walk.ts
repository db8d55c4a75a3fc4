/**
 * The KS and Wasserstein distances of two samples delivered as sorted blocks, for samples larger
 * than memory: the backend's ecdfWalk does the walk and carries its state from block to block;
 * this file only hands it blocks. Each block read is also handed to an observer (the column's
 * SummaryBuilder), so one pass serves every test.
 */
import type { Backend } from '../backend/contract.js';
import { ECDF_WALK, ecdfWalkDistances, newEcdfWalkState } from '../backend/ecdf-walk-state.js';
import type { SortedBlocks } from './sorted-blocks.js';

const EMPTY = new Float64Array(0);

/** The unconsumed rest of a stream's current block, and whether the stream has ended. */
class Feed {
  private block: Float64Array = EMPTY;
  private at = 0;
  final = false;

  constructor(
    private readonly source: SortedBlocks,
    private readonly observe: (block: Float64Array) => void,
  ) {}

  /** What the walk has yet to consume of the current block, reading the next block when that is empty. */
  rest(): Float64Array {
    while (this.at >= this.block.length && !this.final) {
      const next = this.source.next();
      if (next === null) {
        this.final = true;
        this.block = EMPTY;
      } else {
        this.observe(next);
        this.block = next;
      }
      this.at = 0;
    }
    return this.block.subarray(this.at);
  }

  consumed(n: number): void {
    this.at += n;
  }
}

/**
 * Walks samples a (na finite values) and b (nb) in sorted blocks; NaN distances when a sample is
 * empty (both streams are still read through for their observers).
 */
export function streamedEcdfDistances(
  backend: Backend,
  a: SortedBlocks,
  na: number,
  b: SortedBlocks,
  nb: number,
  observeA: (block: Float64Array) => void,
  observeB: (block: Float64Array) => void,
): { ks: number; wasserstein: number } {
  const fa = new Feed(a, observeA);
  const fb = new Feed(b, observeB);
  const state = newEcdfWalkState(na, nb);
  for (;;) {
    const restA = fa.rest();
    const restB = fb.rest();
    if (fa.final && fb.final && restA.length === 0 && restB.length === 0) break;
    const i = state[ECDF_WALK.i];
    const j = state[ECDF_WALK.j];
    backend.ecdfWalk(restA, fa.final, restB, fb.final, state);
    fa.consumed(state[ECDF_WALK.i] - i);
    fb.consumed(state[ECDF_WALK.j] - j);
  }
  return ecdfWalkDistances(state);
}
