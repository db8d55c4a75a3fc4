/**
 * MemoryPool: the bytes that collected column values may hold, shared by every column of both
 * tables of a job. A column that needs more asks the pool; when the pool is full, the holders
 * with the most bytes spill theirs to disk (sorted runs) until the request fits.
 */

/** Something that holds pooled bytes and can give them up by writing them to disk. */
export interface Spillable {
  /** Pooled bytes held now. */
  readonly heldBytes: number;
  /** Writes the held values to disk and releases their bytes to the pool. */
  spill(): void;
}

export class MemoryPool {
  private used = 0;
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
