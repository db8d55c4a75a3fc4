/**
 * The continuous-learning demo's data: card transactions with four features and a fraud label
 * drawn from a logistic ground truth. On the day of the shift the world changes twice over: the
 * amounts move up (covariate drift the monitors see) and fraud starts to follow the hour of the
 * day instead of the amount (a concept shift that costs the old model accuracy). A model trained
 * on data after the shift learns the new rule.
 */
import type { SeededRandom } from './random.js';

export const FRAUD_FEATURES = ['amount', 'account_age', 'merchant_risk', 'hour_of_day'] as const;

/** The world before the shift ('steady') or after it ('shifted'). */
export type Regime = 'steady' | 'shifted';

const LOC = { steady: [0, 1, -0.5, 12], shifted: [2.5, 1, -0.5, 12] };
const SCALE = [1, 0.5, 0.8, 6];
/** Log-odds of fraud per standardized feature, and the intercept. */
const RULE = { steady: [2.5, -1.5, 2, 0, -0.5], shifted: [0, -1.5, 2, 2.5, -0.5] };

export interface LabelledRows {
  /** rows x 4, row-major. */
  data: Float32Array;
  rows: number;
  /** 1 = fraud. */
  labels: Int32Array;
}

/** `rows` transactions of the regime, with their labels. */
export function transactions(rng: SeededRandom, rows: number, regime: Regime): LabelledRows {
  const data = new Float32Array(rows * 4);
  const labels = new Int32Array(rows);
  const loc = LOC[regime];
  const rule = RULE[regime];
  for (let r = 0; r < rows; r++) {
    let logit = rule[4];
    for (let c = 0; c < 4; c++) {
      const z = rng.normal();
      data[r * 4 + c] = loc[c] + SCALE[c] * z;
      // the rule reads the feature standardized against the steady world, as a person would write it
      logit += rule[c] * ((loc[c] - LOC.steady[c]) / SCALE[c] + z);
    }
    labels[r] = rng.uniform() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  return { data, rows, labels };
}
