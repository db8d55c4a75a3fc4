/**
 * What a report plots per column: the reference and current distributions as shares, over the
 * same bins or categories (the bins PSI and Jensen–Shannon use), never the raw values, so a
 * report stays small whatever the data size.
 */
import { alignCategories, type CategoricalSample } from '../drift/samples.js';

/** Categories shown per column; the rest are summed into one "(other)" bar. */
export const MAX_BARS = 20;

export type Distribution =
  | { type: 'histogram'; edges: number[]; reference: number[]; current: number[] }
  | { type: 'bars'; categories: string[]; reference: number[]; current: number[] }
  | { type: 'none' };

/** Histogram counts as shares over shared edges. */
export function histogramDistribution(edges: Float64Array, reference: Float64Array, referenceCount: number, current: Float64Array, currentCount: number): Distribution {
  return {
    type: 'histogram',
    edges: [...edges],
    reference: Array.from(reference, (c) => c / referenceCount),
    current: Array.from(current, (c) => c / currentCount),
  };
}

/** Bars of the most common categories (over both samples), the others summed as "(other)". */
export function barsDistribution(reference: CategoricalSample, current: CategoricalSample): Distribution {
  const aligned = alignCategories(reference, current);
  const shares = aligned.categories.map((category, i) => ({
    category: String(category),
    ref: reference.n > 0 ? aligned.a[i] / reference.n : 0,
    cur: current.n > 0 ? aligned.b[i] / current.n : 0,
  }));
  const ordered = shares.length > MAX_BARS ? [...shares].sort((x, y) => y.ref + y.cur - (x.ref + x.cur)) : shares;
  const shown = ordered.slice(0, MAX_BARS);
  if (ordered.length > MAX_BARS) {
    const rest = ordered.slice(MAX_BARS);
    shown.push({ category: `(${rest.length} others)`, ref: rest.reduce((s, x) => s + x.ref, 0), cur: rest.reduce((s, x) => s + x.cur, 0) });
  }
  return { type: 'bars', categories: shown.map((s) => s.category), reference: shown.map((s) => s.ref), current: shown.map((s) => s.cur) };
}
