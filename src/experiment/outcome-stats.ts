/**
 * A variant's outcomes as sufficient statistics, updated in place (no allocation per outcome):
 * the count of units, successes (for a proportion metric), and running means and co-moments of
 * the value and the pre-period covariate (Welford's updates, so sums of squares never cancel),
 * plus a running mean and M2 per guardrail metric.
 */
import type { PairedMoments } from './stats/cuped.js';
import type { MeanSample } from './stats/welch.js';

export class OutcomeStats {
  units = 0;
  successes = 0;
  /** Outcomes with a value. */
  n = 0;
  meanY = 0;
  m2Y = 0;
  /** Outcomes with both a value and a covariate. */
  paired = 0;
  pairedMeanY = 0;
  meanX = 0;
  m2X = 0;
  m2PairedY = 0;
  cXY = 0;
  readonly guardrails: Float64Array;

  constructor(guardrailCount: number) {
    this.guardrails = new Float64Array(3 * guardrailCount); // n, mean, M2 each
  }

  addValue(y: number): void {
    this.n++;
    const d = y - this.meanY;
    this.meanY += d / this.n;
    this.m2Y += d * (y - this.meanY);
  }

  addPair(y: number, x: number): void {
    this.paired++;
    const dx = x - this.meanX;
    const dy = y - this.pairedMeanY;
    this.meanX += dx / this.paired;
    this.pairedMeanY += dy / this.paired;
    this.m2X += dx * (x - this.meanX);
    this.m2PairedY += dy * (y - this.pairedMeanY);
    this.cXY += dx * (y - this.pairedMeanY);
  }

  addGuardrail(k: number, v: number): void {
    const g = this.guardrails;
    const n = ++g[3 * k];
    const d = v - g[3 * k + 1];
    g[3 * k + 1] += d / n;
    g[3 * k + 2] += d * (v - g[3 * k + 1]);
  }

  /** The value's sample (sample variance, ddof = 1). */
  valueSample(): MeanSample {
    return { n: this.n, mean: this.meanY, variance: this.n > 1 ? this.m2Y / (this.n - 1) : 0 };
  }

  pairedMoments(): PairedMoments {
    return { n: this.paired, meanY: this.pairedMeanY, meanX: this.meanX, m2Y: this.m2PairedY, m2X: this.m2X, cXY: this.cXY };
  }

  guardrailSample(k: number): MeanSample {
    const n = this.guardrails[3 * k];
    return { n, mean: this.guardrails[3 * k + 1], variance: n > 1 ? this.guardrails[3 * k + 2] / (n - 1) : 0 };
  }
}
