/**
 * Sample size, power and minimum detectable effect of a two-sided test at level alpha, by the
 * normal approximation's closed forms (Fleiss, Statistical Methods for Rates and Proportions, 3rd
 * ed., §4.2, without continuity correction, for proportions; the textbook z form for means).
 * `ratio` is n_B / n_A (the treatment's share over the control's); `mde` is absolute
 * (p_B - p_A, or mean_B - mean_A).
 *
 * Proportions: n_A = (z_(1-α/2) √(p̄ q̄ (1 + 1/r)) + z_(1-β) √(p_A q_A + p_B q_B / r))² / δ² with
 * p̄ = (p_A + r p_B) / (1 + r). Means: n_A = (z_(1-α/2) + z_(1-β))² σ² (1 + 1/r) / δ².
 */
import { rangeError } from '../../errors.js';
import { normalCdf, normalQuantile } from '../../stats/normal.js';
import { checkFinite, checkLevel } from './checks.js';

export interface Design {
  /** Significance level (two-sided). Default 0.05. */
  alpha?: number;
  /** Power at the MDE. Default 0.8. */
  power?: number;
  /** n_B / n_A. Default 1. */
  ratio?: number;
}

function designOf(d: Design): { za: number; zb: number; r: number } {
  const alpha = checkLevel(d.alpha ?? 0.05, 'design.alpha');
  const power = checkLevel(d.power ?? 0.8, 'design.power');
  const r = checkFinite(d.ratio ?? 1, 'design.ratio', true);
  if (!(r > 0)) throw rangeError('a ratio > 0', 'design.ratio', String(r));
  return { za: normalQuantile(1 - alpha / 2), zb: normalQuantile(power), r };
}

function proportionsArgs(baseline: number, mde: number): { pa: number; pb: number } {
  const pa = checkLevel(baseline, 'baseline');
  const pb = pa + checkFinite(mde, 'mde');
  if (mde === 0 || !(pb > 0 && pb < 1)) throw rangeError('an MDE != 0 with baseline + mde strictly between 0 and 1', 'mde', String(mde));
  return { pa, pb };
}

/** Units per variant (control, treatment) to detect `mde` over a `baseline` rate. */
export function sampleSizeProportions(baseline: number, mde: number, design: Design = {}): { control: number; treatment: number } {
  const { za, zb, r } = designOf(design);
  const { pa, pb } = proportionsArgs(baseline, mde);
  const pbar = (pa + r * pb) / (1 + r);
  const root = za * Math.sqrt(pbar * (1 - pbar) * (1 + 1 / r)) + zb * Math.sqrt(pa * (1 - pa) + (pb * (1 - pb)) / r);
  const control = Math.ceil((root * root) / (mde * mde));
  return { control, treatment: Math.ceil(control * r) };
}

/** Power of the test with n_A = control units (and r * control treated) at the true difference `mde`. */
export function powerProportions(baseline: number, mde: number, control: number, design: Omit<Design, 'power'> = {}): number {
  const { za, r } = designOf({ ...design, power: 0.5 });
  const { pa, pb } = proportionsArgs(baseline, mde);
  const pbar = (pa + r * pb) / (1 + r);
  const z = (Math.abs(mde) * Math.sqrt(control) - za * Math.sqrt(pbar * (1 - pbar) * (1 + 1 / r))) / Math.sqrt(pa * (1 - pa) + (pb * (1 - pb)) / r);
  return normalCdf(z);
}

/** The smallest positive difference detected with the design's power by `control` units (bisection on powerProportions). */
export function mdeProportions(baseline: number, control: number, design: Design = {}): number {
  const target = design.power ?? 0.8;
  designOf(design);
  let lo = 1e-12;
  let hi = (1 - baseline) * (1 - 1e-12);
  if (powerProportions(baseline, hi, control, design) < target) return NaN; // not detectable with so few units
  for (let k = 0; k < 200 && hi - lo > 1e-15; k++) {
    const mid = (lo + hi) / 2;
    if (powerProportions(baseline, mid, control, design) < target) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Units per variant to detect a difference of means `mde` when the outcome's standard deviation is `sd`. */
export function sampleSizeMeans(sd: number, mde: number, design: Design = {}): { control: number; treatment: number } {
  const { za, zb, r } = designOf(design);
  checkFinite(sd, 'sd', true);
  if (!(sd > 0) || !(mde !== 0) || !Number.isFinite(mde)) throw rangeError('sd > 0 and a finite mde != 0', 'sd, mde', `${sd}, ${mde}`);
  const control = Math.ceil(((za + zb) ** 2 * sd * sd * (1 + 1 / r)) / (mde * mde));
  return { control, treatment: Math.ceil(control * r) };
}

/** Power for a difference of means `mde` with `control` units. */
export function powerMeans(sd: number, mde: number, control: number, design: Omit<Design, 'power'> = {}): number {
  const { za, r } = designOf({ ...design, power: 0.5 });
  return normalCdf(Math.abs(mde) / (sd * Math.sqrt((1 + 1 / r) / control)) - za);
}

/** The difference of means detected with the design's power by `control` units. */
export function mdeMeans(sd: number, control: number, design: Design = {}): number {
  const { za, zb, r } = designOf(design);
  return (za + zb) * sd * Math.sqrt((1 + 1 / r) / control);
}
