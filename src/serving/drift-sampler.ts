/**
 * A share of a served model's input rows, kept in a bounded window and checked for drift against
 * the model's reference on a schedule: the mean-shift score goes to the model's monitor
 * (recordDrift), where the drift_score alert rule reads it. Rows are taken evenly (every
 * 1/share-th row), so no randomness is involved and the window's memory is fixed.
 */
import type { DriftDetector } from '../drift/drift-detector.js';
import type { ModelMonitor } from '../monitor/model-monitor.js';

export interface DriftSampling {
  /** The model's reference: a detector built on its training data or profile. */
  detector: DriftDetector;
  /** Share of rows kept, in (0, 1]. Default 0.1. */
  share?: number;
  /** Rows in the window. Default 10 000. */
  windowRows?: number;
  /** Time between checks, ms. Default 60 000. */
  intervalMs?: number;
  /** Rows needed before the first check. Default 100. */
  minRows?: number;
}

export class DriftSampler {
  private readonly window: Float32Array;
  private readonly share: number;
  private readonly capacity: number;
  private readonly minRows: number;
  private next = 0;
  private held = 0;
  private credit = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly features: number,
    private readonly sampling: DriftSampling,
    private readonly monitor: ModelMonitor,
  ) {
    this.share = sampling.share ?? 0.1;
    this.capacity = sampling.windowRows ?? 10_000;
    this.minRows = sampling.minRows ?? 100;
    this.window = new Float32Array(this.capacity * features);
    this.timer = setInterval(() => this.check(), sampling.intervalMs ?? 60_000);
    this.timer.unref();
  }

  /** Offers a request's rows; the sampled ones enter the window (the oldest leave). */
  offer(data: Float32Array, rows: number): void {
    for (let r = 0; r < rows; r++) {
      this.credit += this.share;
      if (this.credit < 1) continue;
      this.credit -= 1;
      this.window.set(data.subarray(r * this.features, (r + 1) * this.features), this.next * this.features);
      this.next = (this.next + 1) % this.capacity;
      if (this.held < this.capacity) this.held++;
    }
  }

  /** Rows in the window now. */
  get rows(): number {
    return this.held;
  }

  /** Scores the window against the reference and records the score; null before minRows. */
  check(): number | null {
    if (this.held < this.minRows) return null;
    const rows = this.held;
    const result = this.sampling.detector.detectSimpleDrift({ data: this.window.subarray(0, rows * this.features), rows, cols: this.features });
    this.monitor.recordDrift(result);
    return result.maxDriftScore;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
