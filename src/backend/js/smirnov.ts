/**
 * JS smirnovSf: Pr(D_n+ > x), the one-sided Smirnov tail (scipy.special.smirnov), the costly
 * part of the large-n two-sample KS p-value (kstwo.sf is twice this for n·x² >= 2.2).
 * Twin: native/kernels/smirnov.cc (cpu; the cuda backend uses the cpu one): the same blocks, the
 * same order of operations, so the two differ only by their platforms' log and exp.
 *
 * The Birnbaum–Tingey sum x Σ_v C(n, v) (x + v/n)^(v-1) (1 - x - v/n)^(n-v) over v < n(1 - x) has
 * positive terms spread over most of its indices (so it is not cut short early), each evaluated
 * in logarithms. log C(n, v) is a running sum of log((n - v)/(v + 1)) with Neumaier's
 * compensation, restarted at each block of SMIRNOV_BLOCK indices from the compensated sum of the
 * blocks before it: the blocks' terms can then be computed in any order (native: on every
 * thread), and are added in index order, stopping where the rest cannot change the sum.
 */
import { addTo, type Compensated } from './compensated.js';

/** Indices per block of the sum; part of the definition of the result (it fixes the order of operations). */
export const SMIRNOV_BLOCK = 4096;

/** Below this, exp underflows: log of the smallest normal double (cephes MINLOG). */
const CEPHES_MINLOG = -708.3964185322641;

const clip = (p: number) => Math.min(1, Math.max(0, p));

/** n·x split into floor and fraction exactly (n integer, so the product is exact as hi + lo). */
function splitProduct(n: number, x: number): { floor: number; alpha: number } {
  const hi = n * x;
  // Dekker's two-product without FMA: split both factors into 26-bit halves.
  const split = (a: number) => {
    const c = 134217729 * a;
    const ah = c - (c - a);
    return [ah, a - ah];
  };
  const [nh, nl] = split(n);
  const [xh, xl] = split(x);
  const lo = nh * xh - hi + nh * xl + nl * xh + nl * xl;
  let floor = Math.floor(hi);
  if (floor === hi && lo < 0) floor -= 1;
  let alpha = hi - floor + lo;
  if (alpha >= 1) {
    floor += 1;
    alpha = 0;
  }
  return { floor, alpha: Math.max(0, alpha) };
}

/** log((n - v) / (v + 1)): log C(n, v + 1) - log C(n, v). */
const logStep = (n: number, v: number) => Math.log((n - v) / (v + 1));

/** log of term v of the sum, given log C(n, v) as a compensated pair. */
const logTerm = (n: number, x: number, v: number, logC: Compensated) =>
  logC.sum + logC.comp + (n - v) * Math.log((n - v) / n - x) + (v - 1) * Math.log(v / n + x);

/**
 * Terms [v0, v1) of the sum into terms[0 ..], starting from log C(n, v0) = start; returns the
 * compensated sum of the block's steps from zero (what the next block's start adds).
 */
function smirnovBlock(n: number, x: number, v0: number, v1: number, start: Compensated, terms: Float64Array): Compensated {
  const logC = { ...start };
  const steps = { sum: 0, comp: 0 };
  for (let v = v0; v < v1; v++) {
    terms[v - v0] = Math.exp(logTerm(n, x, v, logC));
    const step = logStep(n, v);
    addTo(logC, step);
    addTo(steps, step);
  }
  return steps;
}

/** The start of the next block: start + the block's steps (sum, then compensations). */
function nextBlockStart(start: Compensated, steps: Compensated): Compensated {
  const next = { ...start };
  addTo(next, steps.sum);
  next.comp += steps.comp;
  return next;
}

/**
 * Adds terms[0, count) (indices v0 ..) to acc in order; returns true when the rest of the sum
 * (nTerms indices in all) cannot change it: a term below its share of the rounding, or zero terms
 * past the middle.
 */
function addTerms(acc: { sum: number }, terms: Float64Array, count: number, v0: number, n: number, nTerms: number): boolean {
  for (let i = 0; i < count; i++) {
    const v = v0 + i;
    const term = terms[i];
    acc.sum += term;
    if (term !== 0) {
      if (4 * (nTerms - v) * term < Number.EPSILON * acc.sum && v !== nTerms - 1) return true;
    } else if (v > n / 2) return true;
  }
  return false;
}

/** Pr(D_n+ > x) (scipy.special.smirnov(n, x)), with SciPy's closed forms at the ends and its approximation for n > 10⁶. */
export function smirnovSf(n: number, x: number): number {
  if (!(Number.isSafeInteger(n) && n > 0 && x >= 0 && x <= 1)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const { floor: nxfl, alpha } = splitProduct(n, x);
  let lastV = n - nxfl - (alpha === 0 ? 0 : 1);
  if (alpha === 0) lastV -= 1;
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) return clip(1 - x * (1 + x) ** (n - 1));
  if (-2 * n * x * x < CEPHES_MINLOG) return 0;
  if (nxfl >= n - 1) return clip((1 - x) ** n);
  if (n > 1_000_000) {
    const logp = -((6 * n * x + 1) ** 2) / 18 / n;
    return clip(logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp));
  }
  const nTerms = lastV + 1;
  const terms = new Float64Array(SMIRNOV_BLOCK);
  const acc = { sum: 0 };
  let start: Compensated = { sum: 0, comp: 0 };
  for (let v0 = 0; v0 < nTerms; v0 += SMIRNOV_BLOCK) {
    const v1 = Math.min(nTerms, v0 + SMIRNOV_BLOCK);
    const steps = smirnovBlock(n, x, v0, v1, start, terms);
    if (addTerms(acc, terms, v1 - v0, v0, n, nTerms)) break;
    start = nextBlockStart(start, steps);
  }
  return clip(x * acc.sum);
}
