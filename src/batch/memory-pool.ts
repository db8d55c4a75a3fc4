/**
 * MemoryPool: the bytes that collected column values may hold, shared by every column of both
 * tables of a job. A column that needs more asks the pool; when the pool is full, the holders
 * with the most bytes spill theirs to disk (sorted runs) until the request fits.
 *
 * The pool also keeps the budget's "sort" share (as many bytes again, of which batches use half):
 * a spilled column's values leave the pool at once but wait, unsorted, with the other columns
 * spilled since, until the waiting buffers and the sorted output would pass half the share (or
 * the reading ends); then one sortArrays call sorts them all (native: whole columns per thread)
 * into one reused output buffer and each is appended to its run file, in the order they were
 * spilled. Which values form each run does not change. Half the share, not all of it: a batch of
 * a few columns' runs already keeps both threads busy, and the buffers of a sorted batch stay in
 * the process until the garbage collector takes them.
 */
import type { Backend } from '../backend/contract.js';
import type { RunFile } from './run-file.js';

/** Something that holds pooled bytes and can give them up by writing them to disk. */
export interface Spillable {
  /** Pooled bytes held now. */
  readonly heldBytes: number;
  /** Writes the held values to disk and releases their bytes to the pool. */
  spill(): void;
}

/** A spilled run waiting for its sort: its values (unsorted), the bytes its buffer holds, its file. */
interface WaitingRun {
  values: Float64Array;
  heldBytes: number;
  file: RunFile;
}

export class MemoryPool {
  private used = 0;
  private waiting: WaitingRun[] = [];
  private waitingBytes = 0;
  private waitingValues = 0;
  private sortBackend: Backend | undefined;
  private readonly holders = new Set<Spillable>();
  /** Number of spills so far (the job reports whether it went to disk). */
  spills = 0;

  private scratch = new Float64Array(0);

  constructor(readonly limitBytes: number) {}

  /**
   * An output buffer for sorting a spilled column, shared by every holder and reused (fresh
   * memory costs a page fault per 4 KiB, more than the sort). At most the pool's size, since
   * one holder never holds more; it is the budget's "sort" share, not part of the pool.
   */
  sortScratch(values: number): Float64Array {
    if (this.scratch.length < values) this.scratch = new Float64Array(values);
    return this.scratch;
  }

  /** Bytes the sort share holds now: the waiting runs' buffers and the output buffer. */
  get sortShareBytes(): number {
    return this.waitingBytes + this.scratch.byteLength;
  }

  /**
   * Takes a spilled run to sort later with others (the caller then releases its buffer's
   * `heldBytes` from the pool: they move to the sort share). Sorts the runs already waiting first
   * when this one would take the batch past half the share. Returns false, taking nothing, when
   * the run alone with the output buffer is larger than that: the caller sorts it at once, as
   * one run was always sorted (flushSorts has run, so that a file's runs keep their order).
   */
  deferSort(values: Float64Array, heldBytes: number, file: RunFile, backend: Backend): boolean {
    const batchBytes = this.limitBytes / 2;
    // the output buffer is kept (fresh memory costs a page fault per 4 KiB): it counts at its size
    const shareWith = (waitingBytes: number, waitingValues: number) => waitingBytes + Math.max(this.scratch.byteLength, waitingValues * 8);
    if (shareWith(this.waitingBytes + heldBytes, this.waitingValues + values.length) > batchBytes) this.flushSorts();
    if (shareWith(heldBytes, values.length) > batchBytes) return false;
    this.waiting.push({ values, heldBytes, file });
    this.waitingBytes += heldBytes;
    this.waitingValues += values.length;
    this.sortBackend = backend;
    return true;
  }

  /** Sorts every waiting run in one backend call and appends each to its file, in spill order. */
  flushSorts(): void {
    const runs = this.waiting;
    if (runs.length === 0) return;
    this.waiting = [];
    const scratch = this.sortScratch(this.waitingValues);
    let at = 0;
    const out = runs.map((run) => {
      const o = scratch.subarray(at, at + run.values.length);
      at += run.values.length;
      return o;
    });
    this.waitingBytes = 0;
    this.waitingValues = 0;
    const counts = this.sortBackend!.sortArrays(runs.map((run) => run.values), out);
    runs.forEach((run, k) => run.file.append(out[k].subarray(0, counts[k])));
  }

  /** Forgets the waiting runs unsorted (a failed read: their files are being deleted). */
  discardSorts(): void {
    this.waiting = [];
    this.waitingBytes = 0;
    this.waitingValues = 0;
  }

  /** Frees the output buffer (after reading: the measuring phase uses the share for merging). */
  releaseSortScratch(): void {
    this.scratch = new Float64Array(0);
  }

  get usedBytes(): number {
    return this.used;
  }

  /** Grants `bytes` to `holder`, spilling the largest holders first when the pool is full. */
  request(holder: Spillable, bytes: number): void {
    this.holders.add(holder);
    while (this.used + bytes > this.limitBytes) {
      let largest: Spillable | undefined;
      for (const h of this.holders) if (h.heldBytes > 0 && (!largest || h.heldBytes > largest.heldBytes)) largest = h;
      if (!largest) break; // nothing left to spill: the request alone is larger than the pool
      largest.spill();
      this.spills++;
    }
    this.used += bytes;
  }

  /** Moves a finished holder's place in the pool to what it produced (its bytes move with it). */
  handOver(from: Spillable, to: Spillable): void {
    this.holders.delete(from);
    this.holders.add(to);
  }

  /** Returns bytes to the pool. */
  release(bytes: number): void {
    this.used -= bytes;
  }
}
