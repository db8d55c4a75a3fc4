/**
 * The regularised incomplete beta function I_x(a, b) (scipy.special.betainc), behind Student's t
 * distribution. The continued fraction of Numerical Recipes (§6.4), evaluated with Lentz's method,
 * on whichever of I_x(a, b) and 1 - I_(1-x)(b, a) converges fast (x below (a + 1) / (a + b + 2)),
 * so a small tail is never the difference of two numbers near 1. The prefactor
 * x^a (1 - x)^b / (a B(a, b)) is taken in logarithms.
 */
import { logGamma } from '../drift/gamma.js';

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 1_000_000;

function continuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h;
}

/** The Stirling series' correction to log Γ(z): log Γ(z) - ((z - 1/2) log z - z + log √(2π)), z >= 10. */
function stirlingCorrection(z: number): number {
  const z2 = z * z;
  return (1 / 12 - (1 / 360 - 1 / (1260 * z2)) / z2) / z;
}

/**
 * log B(a, b) = log Γ(a) + log Γ(b) - log Γ(a + b). When one argument is large the two large
 * log Γ would cancel (log Γ(5e8) is 1e10: 1e-6 lost); there log Γ(big + small) - log Γ(big) is
 * taken from Stirling's series as (big - 1/2) log1p(small / big) + small log(big + small) - small
 * plus the corrections' difference, which keeps every digit.
 */
function logBeta(a: number, b: number): number {
  const big = Math.max(a, b);
  const small = Math.min(a, b);
  if (big < 100) return logGamma(a) + logGamma(b) - logGamma(a + b);
  const difference = (big - 0.5) * Math.log1p(small / big) + small * Math.log(big + small) - small + stirlingCorrection(big + small) - stirlingCorrection(big);
  return logGamma(small) - difference;
}

/**
 * I_x(a, b) for a, b > 0 and x in [0, 1], given x and y = 1 - x each to full precision (a caller
 * that has y from its own formula keeps digits that 1 - x would lose); NaN outside.
 */
export function incompleteBeta(a: number, b: number, x: number, y = 1 - x): number {
  if (!(a > 0 && b > 0 && x >= 0 && x <= 1 && y >= 0 && y <= 1)) return NaN;
  if (x === 0) return 0;
  if (y === 0) return 1;
  // log x and log y from whichever of x and y is small, where the other is near 1
  const logX = x < 0.5 ? Math.log(x) : Math.log1p(-y);
  const logY = y < 0.5 ? Math.log(y) : Math.log1p(-x);
  const prefactor = Math.exp(a * logX + b * logY - logBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (prefactor * continuedFraction(a, b, x)) / a;
  return 1 - (prefactor * continuedFraction(b, a, y)) / b;
}
