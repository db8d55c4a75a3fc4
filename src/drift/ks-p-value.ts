/**
 * The p-value of the two-sided two-sample Kolmogorov–Smirnov test, as scipy.stats.ks_2samp
 * computes it with method='auto': the exact distribution when both samples have at most 10 000
 * values, otherwise kstwo.sf(D, round(n1·n2 / (n1 + n2))). In the exact case the statistic is
 * snapped to the lattice it lives on (D = h / lcm(n1, n2)), as SciPy reports it.
 */
import { kolmogorovSf } from './kolmogorov.js';

/** Largest sample size for which the exact distribution is used (SciPy's MAX_AUTO_N). */
export const KS_EXACT_MAX_N = 10_000;

export interface KsPValue {
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymptotic';
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** NumPy's round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Pr(D_{n,n} >= h/n): Horner form of the alternating binomial sum, without cancellation. */
function outsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/**
 * The share of lattice paths from (0, 0) to (m, n) that leave the band |x/m - y/n| < h/lcm,
 * computed directly as 1 - share inside (Hodges 1958; Viehmann 2021), one column at a time.
 */
function outsideBand(m: number, n: number, g: number, h: number): number {
  if (m < n) [m, n] = [n, m];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const A = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1];
}

/**
 * p-value of the two-sided two-sample KS test for statistic d (the largest |F1 - F2| over the
 * pooled values, computed as i/n1 - j/n2) with sample sizes n1, n2 >= 1.
 */
export function ksPValue(n1: number, n2: number, d: number): KsPValue {
  if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    const snapped = h / lcm;
    if (h === 0) return { statistic: snapped, pValue: 1, method: 'exact' };
    const p = n1 === n2 ? outsideSquare(n1, h) : outsideBand(n1, n2, g, h);
    // SciPy falls back to the asymptotic form when the exact recursion leaves [0, 1].
    if (p >= 0 && p <= 1) return { statistic: snapped, pValue: p, method: 'exact' };
    d = snapped;
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  return { statistic: d, pValue: Math.min(1, Math.max(0, kolmogorovSf(roundHalfEven(en), d))), method: 'asymptotic' };
}
