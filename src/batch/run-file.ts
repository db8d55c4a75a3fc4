/**
 * RunFile: a temporary file of sorted runs (raw little-endian float64) for one column of one
 * table, written when the values collected in memory would pass the budget and read back, a
 * window at a time, when the runs are merged.
 */
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';

/** A sorted run: `count` values starting at value index `start` of the file. */
export interface Run {
  start: number;
  count: number;
}

/** Bytes per write/read call, below the 2 GiB limit of one system call. */
const IO_BYTES = 64 * 1024 * 1024;

export class RunFile {
  readonly runs: Run[] = [];
  private fd: number;
  private values = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w+', 0o600);
  }

  /** Values written so far. */
  get size(): number {
    return this.values;
  }

  /** Appends one sorted run. */
  append(sorted: Float64Array): void {
    this.beginRun();
    this.appendToRun(sorted);
    this.endRun();
  }

  private runStart = -1;

  /** Starts a run written in pieces (appendToRun, then endRun). */
  beginRun(): void {
    this.runStart = this.values;
  }

  /** Appends the next piece of the run begun last (pieces in ascending order). */
  appendToRun(sorted: Float64Array): void {
    const bytes = new Uint8Array(sorted.buffer, sorted.byteOffset, sorted.byteLength);
    let done = 0;
    while (done < bytes.length) {
      done += writeSync(this.fd, bytes, done, Math.min(IO_BYTES, bytes.length - done), this.values * 8 + done);
    }
    this.values += sorted.length;
  }

  /** Ends the run begun last. */
  endRun(): void {
    if (this.values > this.runStart) this.runs.push({ start: this.runStart, count: this.values - this.runStart });
    this.runStart = -1;
  }

  /** Reads `into.length` values starting at value index `at`. */
  read(into: Float64Array, at: number): void {
    const bytes = new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(this.fd, bytes, done, Math.min(IO_BYTES, bytes.length - done), at * 8 + done);
      if (n === 0) throw new Error(`${this.path}: the run file ended early (it was changed by something else)`);
      done += n;
    }
  }

  /** Closes and deletes the file. */
  dispose(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
    try {
      unlinkSync(this.path);
    } catch {
      // already gone with its temporary directory
    }
  }
}
