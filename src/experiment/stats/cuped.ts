/**
 * CUPED (Deng, Xu, Kohavi and Walker, "Improving the Sensitivity of Online Controlled Experiments
 * by Utilizing Pre-Experiment Data", WSDM 2013): each outcome y is adjusted by a pre-period
 * covariate x as y - θ (x - x̄), with θ = cov(y, x) / var(x) pooled over the variants (within each
 * variant, so the effect does not leak into θ). The adjusted means keep their expectation and their
 * variance shrinks by the squared correlation: s²_adj = s²_y - 2θ s_xy + θ² s²_x.
 */
import type { MeanSample } from './welch.js';

/** A variant's running moments of (y, x): counts, means and co-moments (Welford). */
export interface PairedMoments {
  n: number;
  meanY: number;
  meanX: number;
  /** Σ (y - ȳ)². */
  m2Y: number;
  /** Σ (x - x̄)². */
  m2X: number;
  /** Σ (y - ȳ)(x - x̄). */
  cXY: number;
}

/** The CUPED-adjusted samples of every variant (in order) and the θ used. */
export function cupedAdjust(variants: readonly PairedMoments[]): { theta: number; adjusted: MeanSample[] } {
  const n = variants.reduce((s, v) => s + v.n, 0);
  const meanX = variants.reduce((s, v) => s + v.n * v.meanX, 0) / n;
  const cov = variants.reduce((s, v) => s + v.cXY, 0);
  const varX = variants.reduce((s, v) => s + v.m2X, 0);
  const theta = varX > 0 ? cov / varX : 0;
  const adjusted = variants.map((v) => ({
    n: v.n,
    mean: v.meanY - theta * (v.meanX - meanX),
    variance: v.n > 1 ? Math.max(0, (v.m2Y - 2 * theta * v.cXY + theta * theta * v.m2X) / (v.n - 1)) : 0,
  }));
  return { theta, adjusted };
}
