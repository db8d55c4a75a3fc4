/**
 * The sample-ratio-mismatch check: Pearson's chi-square of the units seen per variant against the
 * configured weights (scipy.stats.chisquare(observed, f_exp=total * weights / Σweights)), k - 1
 * degrees of freedom. A mismatch means the assignment or the logging is broken, and no effect
 * estimate can be trusted; it is flagged at p < threshold (default 0.001) once at least minUnits
 * units (default 1000) were seen.
 */
import { chiSquareSf } from '../../drift/gamma.js';
import { rangeError } from '../../errors.js';
import { checkCount, checkFinite } from './checks.js';

export interface SrmResult {
  statistic: number;
  pValue: number;
  /** Units expected per variant from the weights. */
  expected: number[];
  mismatch: boolean;
}

export function sampleRatioMismatch(observed: readonly number[], weights: readonly number[], options: { threshold?: number; minUnits?: number } = {}): SrmResult {
  if (!Array.isArray(observed) || observed.length < 2 || weights.length !== observed.length) throw rangeError('at least two variants with one weight each', 'observed', `${observed?.length} counts and ${weights?.length} weights`);
  observed.forEach((o, k) => checkCount(o, `observed[${k}]`));
  weights.forEach((w, k) => checkFinite(w, `weights[${k}]`, true));
  const weightSum = weights.reduce((s, w) => s + w, 0);
  if (!(weightSum > 0)) throw rangeError('weights with a positive sum', 'weights', weights.join(', '));
  const total = observed.reduce((s, o) => s + o, 0);
  const expected = weights.map((w) => (total * w) / weightSum);
  let statistic = 0;
  for (let k = 0; k < observed.length; k++) {
    if (expected[k] === 0) {
      if (observed[k] > 0) statistic = Infinity; // units in a variant of weight 0
      continue;
    }
    const d = observed[k] - expected[k];
    statistic += (d * d) / expected[k];
  }
  const dof = weights.filter((w) => w > 0).length - 1;
  const pValue = total === 0 ? 1 : statistic === Infinity ? 0 : dof < 1 ? 1 : chiSquareSf(statistic, dof);
  return { statistic, pValue, expected, mismatch: total >= (options.minUnits ?? 1000) && pValue < (options.threshold ?? 0.001) };
}
