/**
 * The two-proportion z-test (control A, treatment B): z = (p_B - p_A) / √(p̄ (1 - p̄) (1/n_A + 1/n_B))
 * with the pooled p̄ (the null hypothesis: one rate for both), the two-sided p-value from the normal
 * tail (scipy.stats.norm.sf), and the confidence interval of p_B - p_A from the unpooled standard
 * error √(p_A (1 - p_A) / n_A + p_B (1 - p_B) / n_B), as statsmodels computes them.
 */
import { normalQuantile, normalSf } from '../../stats/normal.js';
import { checkCount, checkLevel } from './checks.js';

export interface ProportionSample {
  /** Units with a success. */
  successes: number;
  /** Units. */
  n: number;
}

export interface EffectEstimate {
  /** B - A (treatment minus control). */
  difference: number;
  /** (B - A) / A; NaN when A is 0. */
  relativeLift: number;
  /** Two-sided confidence interval of the difference at 1 - alpha. */
  interval: [number, number];
  /** The test statistic (z, or Welch's t). */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
  /** Standard error of the difference (unpooled). */
  standardError: number;
}

/** The z-test of two proportions at level alpha (default 0.05). */
export function twoProportionTest(a: ProportionSample, b: ProportionSample, alpha = 0.05): EffectEstimate {
  checkCount(a.n, 'a.n', 1);
  checkCount(b.n, 'b.n', 1);
  checkCount(a.successes, 'a.successes', 0, a.n);
  checkCount(b.successes, 'b.successes', 0, b.n);
  checkLevel(alpha, 'alpha');
  const pa = a.successes / a.n;
  const pb = b.successes / b.n;
  const pooled = (a.successes + b.successes) / (a.n + b.n);
  const nullSe = Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
  const difference = pb - pa;
  // every unit alike (p̄ 0 or 1): no evidence of a difference either way
  const statistic = nullSe === 0 ? 0 : difference / nullSe;
  const standardError = Math.sqrt((pa * (1 - pa)) / a.n + (pb * (1 - pb)) / b.n);
  const z = normalQuantile(1 - alpha / 2);
  return {
    difference,
    relativeLift: pa === 0 ? NaN : difference / pa,
    interval: [difference - z * standardError, difference + z * standardError],
    statistic,
    pValue: Math.min(1, 2 * normalSf(Math.abs(statistic))),
    standardError,
  };
}
