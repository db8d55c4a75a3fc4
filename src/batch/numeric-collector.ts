/**
 * NumericCollector: the finite values of one numeric column of one table, gathered chunk by
 * chunk within the memory pool. When the pool is full the values collected so far become a run
 * of the column's run file (the pool sorts several columns' runs in one backend call, then
 * appends them); at the end the column is either one sorted array in memory or a set of sorted
 * runs on disk (once the pool's flushSorts has run), read back as SortedBlocks either way.
 */
import { join } from 'node:path';
import type { Backend } from '../backend/contract.js';
import type { MemoryPool, Spillable } from './memory-pool.js';
import { RunFile } from './run-file.js';
import { compactRuns, MergedRuns, singleBlock, type SortedBlocks } from './sorted-blocks.js';

const FIRST_CAPACITY = 4096;

/**
 * A collected numeric column: its finite values sorted, in memory (held in the pool, and
 * spilled to disk as one run if the pool needs the room later) or as runs on disk.
 */
export class NumericColumn implements Spillable {
  constructor(
    /** Values read, missing ones included. */
    readonly total: number,
    /** Finite values. */
    readonly count: number,
    /** Smallest and largest finite value (NaN when there is none). */
    readonly min: number,
    readonly max: number,
    private memory: Float64Array | null,
    private runs: RunFile | null,
    private readonly pool: MemoryPool,
    private readonly backend: Backend,
    private readonly runPath: string,
  ) {}

  /** The finite values ascending, while they are in memory; null once on disk. */
  get sorted(): Float64Array | null {
    return this.memory;
  }

  get heldBytes(): number {
    return this.memory ? this.memory.byteLength : 0;
  }

  spill(): void {
    if (!this.memory) return;
    this.runs ??= new RunFile(this.runPath);
    this.runs.append(this.memory);
    this.pool.release(this.memory.byteLength);
    this.memory = null;
  }

  /** The finite values ascending, in blocks; a merge from disk keeps within about `memoryBytes`. */
  blocks(memoryBytes: number): SortedBlocks {
    if (this.memory) return singleBlock(this.memory);
    this.pool.flushSorts(); // runs still waiting for their sort (table-collector.ts flushes when reading ends)
    this.runs = compactRuns(this.runs!, memoryBytes, this.backend);
    return new MergedRuns(this.runs, memoryBytes, this.backend);
  }

  /** Frees the values: the pooled memory and the run file. */
  dispose(): void {
    if (this.memory) this.pool.release(this.memory.byteLength);
    this.memory = null;
    this.runs?.dispose();
  }
}

export class NumericCollector implements Spillable {
  total = 0;
  count = 0;
  min = Infinity;
  max = -Infinity;
  private buffer: Float64Array | null = null;
  private length = 0;
  private runs: RunFile | null = null;

  private expectedValues = 0;

  constructor(
    private readonly pool: MemoryPool,
    private readonly backend: Backend,
    private readonly runPath: string,
  ) {}

  /**
   * Makes the first buffer hold `values` (table-collector.ts: the file's rows, when every column
   * fits in the pool at that size). Growing by doubling copies each value about twice into fresh
   * memory; one buffer of the file's size is only touched as far as it is filled (a side that
   * filters most rows out leaves the rest of its pages untouched).
   */
  expect(values: number): void {
    this.expectedValues = values;
  }

  get heldBytes(): number {
    return this.buffer ? this.buffer.byteLength : 0;
  }

  /**
   * Adds a chunk's values, those of the kept rows only when `keep` is given (`kept` of them, on
   * the backend); NaN and ±Infinity are counted as missing.
   */
  append(values: Float64Array, keep: Uint8Array | null = null, kept = values.length): void {
    this.total += kept;
    if (kept === 0) return;
    this.reserve(kept);
    const { count, min, max } = this.backend.gatherFinite(values, keep, this.buffer!, this.length);
    this.count += count;
    this.length += count;
    if (min < this.min) this.min = min;
    if (max > this.max) this.max = max;
  }

  /** Makes room for `extra` more values, growing by doubling within the pool. */
  private reserve(extra: number): void {
    for (;;) {
      const capacity = this.buffer?.length ?? 0;
      const needed = this.length + extra;
      if (needed <= capacity) return;
      let next = Math.max(FIRST_CAPACITY, capacity * 2, capacity === 0 ? this.expectedValues : 0);
      while (next < needed) next *= 2;
      // never grow past the whole pool unless one chunk alone needs more
      next = Math.max(needed, Math.min(next, Math.floor(this.pool.limitBytes / 8)));
      const before = this.buffer;
      const bytes = (next - capacity) * 8;
      this.pool.request(this, bytes);
      if (this.buffer !== before) {
        // the pool spilled this column to make room: start again from an empty buffer
        this.pool.release(bytes);
        continue;
      }
      const grown = new Float64Array(next);
      if (before) grown.set(before.subarray(0, this.length));
      this.buffer = grown;
      return;
    }
  }

  /**
   * Hands the values in memory to the pool as one run for the run file, sorted there with other
   * spilled columns' runs in one kernel call (at once when it is too large to wait).
   */
  spill(): void {
    if (!this.buffer) return;
    if (this.length > 0) {
      this.runs ??= new RunFile(this.runPath);
      const values = this.buffer.subarray(0, this.length);
      if (!this.pool.deferSort(values, this.buffer.byteLength, this.runs, this.backend)) {
        this.pool.flushSorts(); // runs waiting go first: a file's runs stay in spill order
        const out = this.pool.sortScratch(this.length);
        const { counts } = this.backend.sortColumns(values, this.length, 1, 0, 1, out);
        this.runs.append(out.subarray(0, counts[0]));
      }
    }
    this.pool.release(this.buffer.byteLength);
    this.buffer = null;
    this.length = 0;
  }

  /**
   * The collected column; values still in memory are sorted once here, in place (a second buffer
   * would be fresh memory to touch): the buffer becomes the column, and the pool keeps the
   * values' bytes, not the buffer's unused capacity.
   */
  finish(): NumericColumn {
    const min = this.count > 0 ? this.min : NaN;
    const max = this.count > 0 ? this.max : NaN;
    let sorted: Float64Array | null = null;
    if (this.runs) {
      this.spill();
    } else if (this.buffer) {
      sorted = this.buffer.subarray(0, this.length); // every value is finite (gatherFinite)
      if (this.length > 0) this.backend.sortColumns(sorted, this.length, 1, 0, 1, sorted);
      this.pool.release(this.buffer.byteLength - sorted.byteLength);
      this.buffer = null;
      this.length = 0;
    } else {
      sorted = new Float64Array(0);
    }
    const column = new NumericColumn(this.total, this.count, min, max, sorted, this.runs, this.pool, this.backend, this.runPath);
    this.pool.handOver(this, column);
    return column;
  }

  /** Abandons the collection (a failed read): frees the buffer and deletes the run file. */
  dispose(): void {
    this.releaseBuffer();
    this.runs?.dispose();
  }

  private releaseBuffer(): void {
    if (this.buffer) this.pool.release(this.buffer.byteLength);
    this.buffer = null;
    this.length = 0;
  }
}

/** The run file path of a column: one file per table side and column index. */
export function runFilePath(dir: string, side: string, column: number): string {
  return join(dir, `${side}-${column}.f64`);
}
