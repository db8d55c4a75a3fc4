/**
 * Welch's t-test from sufficient statistics (control A, treatment B), as
 * scipy.stats.ttest_ind_from_stats(..., equal_var=False): t = (mean_B - mean_A) / √(s²_A / n_A +
 * s²_B / n_B) with sample variances (ddof = 1), the Welch–Satterthwaite degrees of freedom, the
 * two-sided p-value from Student's t, and the confidence interval of the difference from t's
 * quantile at those degrees of freedom.
 */
import { studentQuantileTwoSided, studentTwoSided } from '../../stats/student-t.js';
import { checkCount, checkFinite, checkLevel } from './checks.js';
import type { EffectEstimate } from './two-proportion.js';

export interface MeanSample {
  n: number;
  mean: number;
  /** Sample variance (ddof = 1). */
  variance: number;
}

/**
 * Welch's test at level alpha (default 0.05). Both variances 0: t is ±Infinity (p = 0) when the
 * means differ and 0 (p = 1) when they are equal, where SciPy gives NaN.
 */
export function welchTest(a: MeanSample, b: MeanSample, alpha = 0.05): EffectEstimate & { degreesOfFreedom: number } {
  checkCount(a.n, 'a.n', 2);
  checkCount(b.n, 'b.n', 2);
  checkFinite(a.mean, 'a.mean');
  checkFinite(b.mean, 'b.mean');
  checkFinite(a.variance, 'a.variance', true);
  checkFinite(b.variance, 'b.variance', true);
  checkLevel(alpha, 'alpha');
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const standardError = Math.sqrt(va + vb);
  const difference = b.mean - a.mean;
  const degreesOfFreedom = standardError === 0 ? a.n + b.n - 2 : ((va + vb) * (va + vb)) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  const statistic = standardError === 0 ? (difference === 0 ? 0 : Math.sign(difference) * Infinity) : difference / standardError;
  const t = studentQuantileTwoSided(alpha, degreesOfFreedom);
  return {
    difference,
    relativeLift: a.mean === 0 ? NaN : difference / a.mean,
    interval: [difference - t * standardError, difference + t * standardError],
    statistic,
    pValue: statistic === 0 ? 1 : studentTwoSided(statistic, degreesOfFreedom),
    standardError,
    degreesOfFreedom,
  };
}
