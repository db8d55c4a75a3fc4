/**
 * Student's t distribution: the survival function (scipy.stats.t.sf) and the two-sided p-value,
 * from the regularised incomplete beta: P(T > t) = I_(df / (df + t²))(df / 2, 1/2) / 2 for t >= 0.
 * Both x = df / (df + t²) and 1 - x = t² / (df + t²) are handed over as computed, so the result
 * keeps its digits where t² is small against df.
 */
import { incompleteBeta } from './incomplete-beta.js';
import { normalQuantile, normalSf } from './normal.js';

/**
 * Above this many degrees of freedom the incomplete beta's continued fraction runs with x within
 * 1/df of 1, where each step loses about df ulps; Hill's expansion is exact to double precision there.
 */
const HILL_FROM = 1e5;

/**
 * Hill's asymptotic normalisation of t (G. W. Hill, "Algorithm 395: Student's t-distribution",
 * Comm. ACM 13 (10), 1970): with a = df - 1/2 and y = a log(1 + t²/df), the normal deviate
 * z = (1 + (y + 3 + (((-0.4y - 3.3)y - 24)y - 85.5) / (0.8y² + 100 + 48a²)) / (48a²)) √y gives
 * P(|T| >= |t|) = 2 P(Z > z), with an error of order df^-4.
 */
function hillTwoSided(t: number, df: number): number {
  const a = df - 0.5;
  const b = 48 * a * a;
  const y = a * Math.log1p((t * t) / df);
  const z = ((((-0.4 * y - 3.3) * y - 24) * y - 85.5) / (0.8 * y * y + 100 + b) + y + 3) / b + 1;
  return 2 * normalSf(z * Math.sqrt(y));
}

/** P(T > t) for T ~ Student's t with df > 0 degrees of freedom. */
export function studentTSf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  const tail = studentTwoSided(t, df) / 2;
  return t >= 0 ? tail : 1 - tail;
}

/** P(|T| >= |t|). */
export function studentTwoSided(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (!Number.isFinite(t)) return 0;
  if (df > HILL_FROM) return hillTwoSided(t, df);
  const t2 = t * t;
  // x = df / (df + t²) and 1 - x = t² / (df + t²), each computed without cancellation
  return incompleteBeta(df / 2, 0.5, df / (df + t2), t2 / (df + t2));
}

/** The t with P(|T| >= t) = alpha: the two-sided p-value inverted by bisection, starting from the normal's quantile. */
export function studentQuantileTwoSided(alpha: number, df: number): number {
  let lo = normalQuantile(1 - alpha / 2);
  let hi = lo;
  while (studentTwoSided(hi, df) > alpha) hi *= 2;
  for (let k = 0; k < 200 && hi - lo > 1e-14 * hi; k++) {
    const mid = (lo + hi) / 2;
    if (studentTwoSided(mid, df) > alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
