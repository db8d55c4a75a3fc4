/**
 * The drift tests on prepared samples (see samples.ts), with the definitions users of Evidently
 * know and SciPy's numbers:
 *   ks           two-sample Kolmogorov–Smirnov D and scipy.stats.ks_2samp's p-value (method 'auto')
 *   wasserstein  scipy.stats.wasserstein_distance / max(std(reference), 0.001)
 *   psi          Σ (ref - cur) ln(ref / cur) over binned shares, empty bins filled
 *   jensenshannon scipy.spatial.distance.jensenshannon of the binned shares (natural log)
 *   chisquare    scipy.stats.chisquare(current counts, reference counts scaled to the current size)
 *   z            two-proportion z-test, two-sided
 *   meanShift    |mean(cur) - mean(ref)| / (std(ref) + 1e-8), the original score
 * Values are float64 (a Float32Array's values are converted exactly).
 */
import { columnStats } from '../stats/column-stats.js';
import { chiSquareSf, normalTwoSidedP } from './gamma.js';
import { ksPValue } from './ks-p-value.js';
import { alignCategories, categoriesOfNumbers, type CategoricalSample } from './samples.js';

/** A test's statistic, and its p-value for the hypothesis tests. */
export interface TestResult {
  statistic: number;
  pValue?: number;
}

/** Above this many distinct reference values, PSI and Jensen–Shannon bin by Sturges' rule. */
export const MAX_DISCRETE_VALUES = 20;
/** Guard of the Wasserstein normalisation against a constant reference. */
export const MIN_WASSERSTEIN_SCALE = 0.001;
const MEAN_SHIFT_EPSILON = 1e-8;

/** Population mean and standard deviation (ddof = 0) of a sample, by the backend's columnStats; NaN when empty. */
export function meanAndStd(values: Float64Array): { mean: number; std: number } {
  if (values.length === 0) return { mean: NaN, std: NaN };
  const stats = columnStats({ data: values, rows: values.length, cols: 1 });
  return { mean: stats.mean[0], std: stats.std[0] };
}

/** KS test from the distance the kernel measured. */
export function ksResult(distance: number, n1: number, n2: number): TestResult {
  const { statistic, pValue } = ksPValue(n1, n2, distance);
  return { statistic, pValue };
}

/** Normalised Wasserstein distance from the raw distance and the reference's spread. */
export function wassersteinResult(distance: number, referenceStd: number): TestResult {
  return { statistic: distance / Math.max(referenceStd, MIN_WASSERSTEIN_SCALE) };
}

/** The mean-shift score from the current sample's mean. */
export function meanShiftResult(referenceMean: number, referenceStd: number, currentMean: number): TestResult {
  return { statistic: Math.abs(currentMean - referenceMean) / (referenceStd + MEAN_SHIFT_EPSILON) };
}

/** First index i with sorted[i] >= x (left) or > x (right), as numpy.searchsorted. */
export function searchSorted(sorted: Float64Array, x: number, side: 'left' | 'right'): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (side === 'left' ? sorted[mid] < x : sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** numpy.histogram_bin_edges(concat(a, b), bins='sturges') from the pooled size and range. */
export function sturgesEdges(min: number, max: number, n: number): Float64Array {
  let first = min;
  let last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const width = (max - min) / (Math.log2(n) + 1);
  const bins = width ? Math.ceil((last - first) / width) : 1;
  const edges = new Float64Array(bins + 1);
  const step = (last - first) / bins;
  for (let i = 0; i < bins; i++) edges[i] = i * step + first;
  edges[bins] = last;
  return edges;
}

/** numpy.histogram counts of a sorted sample over edges: [e_i, e_i+1), the last bin closed. */
export function histogramOfSorted(sorted: Float64Array, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  let previous = searchSorted(sorted, edges[0], 'left');
  for (let i = 1; i <= bins; i++) {
    const next = searchSorted(sorted, edges[i], i === bins ? 'right' : 'left');
    counts[i - 1] = next - previous;
    previous = next;
  }
  return counts;
}

/** Shares of a numerical pair: Sturges bins when the reference has > 20 distinct values. */
export function numericShares(reference: Float64Array, referenceDistinct: number, current: Float64Array): { ref: Float64Array; cur: Float64Array } {
  if (referenceDistinct > MAX_DISCRETE_VALUES) {
    const min = Math.min(reference[0], current[0]);
    const max = Math.max(reference[reference.length - 1], current[current.length - 1]);
    const edges = sturgesEdges(min, max, reference.length + current.length);
    return {
      ref: histogramOfSorted(reference, edges).map((c) => c / reference.length),
      cur: histogramOfSorted(current, edges).map((c) => c / current.length),
    };
  }
  return categoricalShares(categoriesOfNumbers({ sorted: reference, total: reference.length }), categoriesOfNumbers({ sorted: current, total: current.length }));
}

/** Shares of a categorical pair over the union of categories. */
export function categoricalShares(reference: CategoricalSample, current: CategoricalSample): { ref: Float64Array; cur: Float64Array } {
  const aligned = alignCategories(reference, current);
  return {
    ref: Float64Array.from(aligned.a, (c) => c / reference.n),
    cur: Float64Array.from(aligned.b, (c) => c / current.n),
  };
}

/** Replaces zero shares by (smallest non-zero share) / 1e6 when that is <= 1e-4, else by 1e-4. */
function fillEmptyBins(shares: Float64Array): Float64Array {
  let smallest = Infinity;
  for (const s of shares) if (s !== 0 && s < smallest) smallest = s;
  const fill = smallest <= 1e-4 ? smallest / 1e6 : 1e-4;
  return shares.map((s) => (s === 0 ? fill : s));
}

/** Population stability index of two share vectors. */
export function psiOfShares(ref: Float64Array, cur: Float64Array): TestResult {
  const r = fillEmptyBins(ref);
  const c = fillEmptyBins(cur);
  let sum = 0;
  for (let i = 0; i < r.length; i++) sum += (r[i] - c[i]) * Math.log(r[i] / c[i]);
  return { statistic: sum };
}

/** x ln(x / y) with SciPy's rel_entr conventions. */
function relativeEntropy(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/** Jensen–Shannon distance (natural log) of two share vectors, normalised to sum 1 as SciPy does. */
export function jensenShannonOfShares(ref: Float64Array, cur: Float64Array): TestResult {
  let sp = 0;
  let currentSum = 0;
  for (let i = 0; i < ref.length; i++) {
    sp += ref[i];
    currentSum += cur[i];
  }
  let left = 0;
  let right = 0;
  for (let i = 0; i < ref.length; i++) {
    const p = ref[i] / sp;
    const q = cur[i] / currentSum;
    const m = (p + q) / 2;
    left += relativeEntropy(p, m);
    right += relativeEntropy(q, m);
  }
  return { statistic: Math.sqrt((left + right) / 2) };
}

/** Pearson's chi-square of current counts against reference counts scaled to the current size. */
export function chiSquareOfCategories(reference: CategoricalSample, current: CategoricalSample): TestResult {
  const aligned = alignCategories(reference, current);
  const scale = current.n / reference.n;
  let statistic = 0;
  for (let i = 0; i < aligned.categories.length; i++) {
    const expected = aligned.a[i] * scale;
    statistic += (aligned.b[i] - expected) ** 2 / expected;
  }
  return { statistic, pValue: chiSquareSf(statistic, aligned.categories.length - 1) };
}

/**
 * Two-proportion z-test on the share of values that are not the first category (in ascending
 * order of the union); p = 1 when both samples hold one and the same category.
 */
export function zTestOfCategories(reference: CategoricalSample, current: CategoricalSample): TestResult {
  const aligned = alignCategories(reference, current);
  if (aligned.categories.length === 1) return { statistic: 0, pValue: 1 };
  const n1 = reference.n;
  const n2 = current.n;
  const p1 = (n1 - aligned.a[0]) / n1;
  const p2 = (n2 - aligned.b[0]) / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return { statistic: z, pValue: normalTwoSidedP(z) };
}
