/**
 * Sorted values delivered in blocks: each block ascending, and every block's values >= the
 * previous block's. An in-memory column is one block; a column spilled to disk as sorted runs
 * is merged here, a window of each run at a time, so memory stays bounded whatever the size.
 *
 * The merge: with each run's current window in memory, every value <= the smallest window end
 * (over runs that continue past their window) can be emitted now. Those prefixes are gathered
 * and sorted by the backend's radix sort, which is faster than a k-way heap in JS; each round
 * empties at least one window.
 */
import type { Backend } from '../backend/contract.js';
import { RunFile, type Run } from './run-file.js';

export interface SortedBlocks {
  /** The next block, or null at the end. A block is valid until the next call. */
  next(): Float64Array | null;
}

/** A sorted array as one block. */
export function singleBlock(sorted: Float64Array): SortedBlocks {
  let done = false;
  return {
    next: () => {
      if (done) return null;
      done = true;
      return sorted;
    },
  };
}

/** First index in [0, length) with values[i] > x. */
function upperBound(values: Float64Array, length: number, x: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface RunWindow {
  buffer: Float64Array;
  /** Valid values in buffer[0, length). */
  length: number;
  /** File value index of the first value after the window. */
  next: number;
  end: number;
}

/** Values a run window holds at the least: below it the merge spends its time on bookkeeping. */
const MIN_WINDOW = 1024;

/** Runs one merge can take within `memoryBytes` (windows, gathered and sorted blocks, sort scratch). */
export function mergeableRuns(memoryBytes: number): number {
  return Math.max(2, Math.floor(memoryBytes / (8 * 4 * MIN_WINDOW)));
}

/**
 * Merges a RunFile's runs (or some of them) into sorted blocks within about `memoryBytes`
 * (run windows, gathered and sorted blocks, sort scratch); take at most mergeableRuns(memoryBytes).
 */
export class MergedRuns implements SortedBlocks {
  private windows: RunWindow[];
  private gathered: Float64Array;
  private sorted: Float64Array;

  constructor(
    private readonly file: RunFile,
    memoryBytes: number,
    private readonly backend: Backend,
    runs: readonly Run[] = file.runs,
  ) {
    const w = Math.max(MIN_WINDOW, Math.floor(memoryBytes / 8 / 4 / Math.max(1, runs.length)));
    this.windows = runs.map((run) => ({ buffer: new Float64Array(Math.min(w, run.count)), length: 0, next: run.start, end: run.start + run.count }));
    for (const window of this.windows) this.refill(window);
    const most = this.windows.reduce((n, x) => n + x.buffer.length, 0);
    this.gathered = new Float64Array(most);
    this.sorted = new Float64Array(most);
  }

  /** Tops the window up from the file after its first values were taken. */
  private refill(window: RunWindow): void {
    const take = Math.min(window.buffer.length - window.length, window.end - window.next);
    if (take <= 0) return;
    this.file.read(window.buffer.subarray(window.length, window.length + take), window.next);
    window.length += take;
    window.next += take;
  }

  next(): Float64Array | null {
    const live = this.windows.filter((w) => w.length > 0);
    if (live.length === 0) return null;
    let bound = Infinity;
    for (const w of live) if (w.next < w.end) bound = Math.min(bound, w.buffer[w.length - 1]);
    let n = 0;
    for (const w of live) {
      const take = bound === Infinity ? w.length : upperBound(w.buffer, w.length, bound);
      this.gathered.set(w.buffer.subarray(0, take), n);
      n += take;
      w.buffer.copyWithin(0, take, w.length);
      w.length -= take;
      this.refill(w);
    }
    if (live.length === 1) return this.gathered.subarray(0, n); // one run: already in order
    const { counts } = this.backend.sortColumns(this.gathered.subarray(0, n), n, 1, 0, 1, this.sorted);
    return this.sorted.subarray(0, counts[0]);
  }
}

/**
 * Merges groups of runs into longer runs in a new file, pass after pass, until one merge can take
 * them all within `memoryBytes` (each pass reads and writes the values once; a file that needs
 * two passes is over a thousand times the budget). Returns the file to merge from, which is
 * `file` itself when it already has few enough runs; replaced files are deleted.
 */
export function compactRuns(file: RunFile, memoryBytes: number, backend: Backend): RunFile {
  const most = mergeableRuns(memoryBytes);
  let current = file;
  for (let pass = 1; current.runs.length > most; pass++) {
    const next = new RunFile(`${file.path}.pass${pass}`);
    for (let g = 0; g < current.runs.length; g += most) {
      const blocks = new MergedRuns(current, memoryBytes, backend, current.runs.slice(g, g + most));
      next.beginRun();
      for (let block = blocks.next(); block; block = blocks.next()) next.appendToRun(block);
      next.endRun();
    }
    current.dispose();
    current = next;
  }
  return current;
}
