/**
 * Dynamic batching for one model: requests are queued and coalesced by rows into one model call,
 * whose output is split back per request. One batch runs at a time: while it runs, arrivals
 * queue up and become the next batch, so batches grow with the load (up to maxBatchRows) and a
 * lone request waits at most maxQueueDelayMs. Limits are counted in rows, as the model sees them:
 * a queue past maxQueueRows refuses with ServerOverloadedError (HTTP 429) at once, and a request
 * not answered within timeoutMs is rejected with InferTimeoutError (HTTP 504) by its own timer, on
 * time, whether it is still queued or in the running batch.
 */
import { InferTimeoutError, ServerOverloadedError } from '../errors.js';

/** Runs the model on rows x features FP32 values; resolves with rows x outputs values. */
export type BatchRunner = (data: Float32Array, rows: number) => Promise<Float32Array>;

export interface BatcherLimits {
  /** Rows per model call (a larger request runs alone). */
  maxBatchRows: number;
  /** Longest a request waits for others to join its batch, ms; 0 runs each request as it comes. */
  maxQueueDelayMs: number;
  /** Rows waiting at most; beyond, requests are refused (429). */
  maxQueueRows: number;
  /** Longest a request may take from submission to answer, ms (504 after). */
  timeoutMs: number;
  /** Seconds a refused client is told to wait. */
  retryAfterSeconds: number;
}

/** What the batcher reports to the server's metrics. */
export interface BatcherEvents {
  batch(rows: number): void;
  timeout(): void;
  rejected(): void;
}

interface Pending {
  data: Float32Array;
  rows: number;
  resolve(out: Float32Array): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  settled: boolean;
}

export class DynamicBatcher {
  private queue: Pending[] = [];
  private queuedRows = 0;
  private running = false;
  private delayTimer: NodeJS.Timeout | null = null;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly run: BatchRunner,
    readonly features: number,
    readonly outputs: number,
    private readonly limits: BatcherLimits,
    private readonly events: BatcherEvents,
  ) {}

  /** Rows waiting for a batch. */
  get depth(): number {
    return this.queuedRows;
  }

  /** Queues rows x features values; resolves with their rows x outputs values. */
  submit(data: Float32Array, rows: number): Promise<Float32Array> {
    if (this.queuedRows + rows > this.limits.maxQueueRows && this.queuedRows > 0) {
      this.events.rejected();
      return Promise.reject(new ServerOverloadedError(`${this.queuedRows} rows are queued for this model (maxQueueRows ${this.limits.maxQueueRows})`, this.limits.retryAfterSeconds));
    }
    return new Promise<Float32Array>((resolve, reject) => {
      const pending: Pending = { data, rows, resolve, reject, settled: false, timer: undefined as unknown as NodeJS.Timeout };
      pending.timer = setTimeout(() => this.expire(pending), this.limits.timeoutMs);
      this.queue.push(pending);
      this.queuedRows += rows;
      this.schedule();
    });
  }

  /** Resolves when nothing is queued or running (for a graceful close or a model swap). */
  drained(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private expire(p: Pending): void {
    if (p.settled) return;
    p.settled = true;
    const at = this.queue.indexOf(p);
    if (at >= 0) {
      this.queue.splice(at, 1);
      this.queuedRows -= p.rows;
    }
    this.events.timeout();
    p.reject(new InferTimeoutError(this.limits.timeoutMs));
    this.checkIdle();
  }

  private schedule(): void {
    if (this.running || this.queue.length === 0) return;
    if (this.queuedRows >= this.limits.maxBatchRows || this.limits.maxQueueDelayMs <= 0) {
      this.startBatch();
    } else if (!this.delayTimer) {
      this.delayTimer = setTimeout(() => {
        this.delayTimer = null;
        if (!this.running) this.startBatch();
      }, this.limits.maxQueueDelayMs);
    }
  }

  /** Takes whole requests up to maxBatchRows (at least one) and runs them as one model call. */
  private startBatch(): void {
    if (this.delayTimer) {
      clearTimeout(this.delayTimer);
      this.delayTimer = null;
    }
    const batch: Pending[] = [];
    let rows = 0;
    while (this.queue.length > 0 && (batch.length === 0 || rows + this.queue[0].rows <= this.limits.maxBatchRows)) {
      const p = this.queue.shift()!;
      this.queuedRows -= p.rows;
      batch.push(p);
      rows += p.rows;
    }
    if (batch.length === 0) return;
    this.running = true;
    this.events.batch(rows);
    const input = batch.length === 1 ? batch[0].data : new Float32Array(rows * this.features);
    if (batch.length > 1) {
      let at = 0;
      for (const p of batch) {
        input.set(p.data, at);
        at += p.data.length;
      }
    }
    this.run(input, rows).then(
      (out) => {
        let at = 0;
        for (const p of batch) {
          const n = p.rows * this.outputs;
          this.settle(p, null, out.subarray(at, at + n));
          at += n;
        }
      },
      (error: Error) => {
        for (const p of batch) this.settle(p, error, null);
      },
    ).finally(() => {
      this.running = false;
      this.schedule();
      this.checkIdle();
    });
  }

  private settle(p: Pending, error: Error | null, out: Float32Array | null): void {
    clearTimeout(p.timer);
    if (p.settled) return; // timed out meanwhile: its answer is dropped
    p.settled = true;
    if (error) p.reject(error);
    else p.resolve(out!);
  }

  private checkIdle(): void {
    if (this.running || this.queue.length > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
