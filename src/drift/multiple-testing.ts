/**
 * Multiple-testing correction of the p-value tests of one detect() call, as alibi-detect offers:
 * Bonferroni divides each column's threshold by the number m of p-value tests; FDR is the
 * Benjamini–Hochberg step-up rule: with p-values sorted ascending, k* is the largest k with
 * p_(k) <= α_(k) · k / m, and the columns with p <= α · k* / m drift (α: each column's threshold).
 */
import type { Correction } from './drift-options.js';

/** The corrected threshold of each p-value, in input order. */
export function correctedThresholds(pValues: readonly number[], thresholds: readonly number[], correction: Correction): number[] {
  const m = pValues.length;
  if (correction === 'none' || m === 0) return [...thresholds];
  if (correction === 'bonferroni') return thresholds.map((t) => t / m);
  const order = pValues.map((_, i) => i).sort((a, b) => pValues[a] - pValues[b] || a - b);
  let kStar = 0;
  order.forEach((i, rank) => {
    if (pValues[i] <= (thresholds[i] * (rank + 1)) / m) kStar = rank + 1;
  });
  // With no rejection, the bar is the first step's (α / m): nothing reaches it.
  return thresholds.map((t) => (t * Math.max(kStar, 1)) / m);
}
