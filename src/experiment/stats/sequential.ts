/**
 * An always-valid test of a difference: the mixture sequential probability ratio test (mSPRT) of
 * Johari, Koomen, Pekelis and Walsh, "Always Valid Inference: Continuous Monitoring of A/B Tests",
 * Operations Research 70 (3), 2022 (also "Peeking at A/B Tests", KDD 2017), with a normal mixture
 * N(0, τ²) over the effect. For an estimate θ̂ of the difference with variance s² (s² = V / n):
 *
 *   Λ = √(s² / (s² + τ²)) · exp(τ² θ̂² / (2 s² (s² + τ²)))
 *
 * and the always-valid p-value is the running minimum of 1 / Λ over every look, so a decision may
 * be taken at any look (or every day) without inflating false positives above alpha. The
 * confidence sequence at level 1 - alpha is θ̂ ± √(2 s² (s² + τ²) / τ² · (ln(1/alpha) + ½ ln((s² + τ²) / s²))).
 * τ² is the design's MDE squared unless given.
 */
import { checkFinite, checkLevel } from './checks.js';

export interface SequentialLook {
  /** Λ at this look. */
  likelihoodRatio: number;
  /** min(1, 1 / Λ) at this look; the experiment keeps the running minimum over looks. */
  pValue: number;
  /** The confidence sequence's interval at this look. */
  interval: [number, number];
}

export function mixtureSprt(estimate: number, variance: number, tau2: number, alpha = 0.05): SequentialLook {
  checkFinite(estimate, 'estimate');
  checkFinite(variance, 'variance', true);
  checkFinite(tau2, 'tau2', true);
  checkLevel(alpha, 'alpha');
  if (!(variance > 0) || !(tau2 > 0)) return { likelihoodRatio: 1, pValue: 1, interval: [-Infinity, Infinity] };
  const sum = variance + tau2;
  const logLambda = 0.5 * Math.log(variance / sum) + (tau2 * estimate * estimate) / (2 * variance * sum);
  const halfWidth = Math.sqrt(((2 * variance * sum) / tau2) * (Math.log(1 / alpha) + 0.5 * Math.log(sum / variance)));
  return { likelihoodRatio: Math.exp(logLambda), pValue: Math.min(1, Math.exp(-logLambda)), interval: [estimate - halfWidth, estimate + halfWidth] };
}
