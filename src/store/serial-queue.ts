/**
 * SerialQueue: runs async jobs one after another. One SQLite connection holds one transaction at
 * a time, so the store's async transactions on it must not interleave.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs job after every job queued before it; resolves or rejects with its outcome. */
  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
