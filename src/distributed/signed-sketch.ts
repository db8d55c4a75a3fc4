/**
 * SignedSketch: a QuantileSketch (DDSketch, relative accuracy) for values of either sign, as
 * DDSketch itself does it: one sketch of the values >= 0 (−0 included) and one of the magnitudes
 * of the negative values. Merging two SignedSketches merges each half, so it keeps the exact
 * counts of a sketch over both streams.
 */
import { typeError } from '../errors.js';
import { searchSorted } from '../drift/statistics.js';
import { QuantileSketch, type QuantileSketchOptions } from '../sketch/quantile-sketch.js';

export class SignedSketch {
  /** Sketch of the values >= 0. */
  readonly positive: QuantileSketch;
  /** Sketch of -v for the values v < 0. */
  readonly negative: QuantileSketch;

  /** A sketch with the QuantileSketch options of both halves (or the two halves, as deserialised). */
  constructor(options: QuantileSketchOptions = {}, halves?: { positive: QuantileSketch; negative: QuantileSketch }) {
    this.positive = halves?.positive ?? new QuantileSketch(options);
    this.negative = halves?.negative ?? new QuantileSketch(options);
  }

  /** Number of values added. */
  get count(): number {
    return this.positive.count + this.negative.count;
  }

  /**
   * Adds finite values sorted ascending (a partition's sorted column): the non-negative tail goes
   * to the positive half through the backend's batch kernel; the negative head is negated first
   * (the one copy this costs, of the negative values only).
   */
  addSorted(sorted: Float64Array): void {
    const firstNonNegative = searchSorted(sorted, 0, 'left');
    this.positive.addMany(sorted.subarray(firstNonNegative));
    if (firstNonNegative > 0) this.negative.addMany(sorted.subarray(0, firstNonNegative).map((v) => -v));
  }

  /** Adds another SignedSketch's values (same accuracy required, as QuantileSketch.merge). */
  merge(other: SignedSketch): void {
    if (!(other instanceof SignedSketch)) throw typeError('a SignedSketch', 'other', other);
    this.positive.merge(other.positive);
    this.negative.merge(other.negative);
  }

  /**
   * The estimated q-quantile (q in [0, 1]) within the halves' relative accuracy: ranks below the
   * negative count are read from the negative half in reverse; NaN when empty.
   */
  quantile(q: number): number {
    const n = this.count;
    if (n === 0) return NaN;
    const rank = q * (n - 1);
    const negatives = this.negative.count;
    if (rank < negatives) {
      const reversed = negatives - 1 - rank;
      return -this.negative.quantile(negatives > 1 ? Math.min(1, Math.max(0, reversed / (negatives - 1))) : 0);
    }
    const positives = this.positive.count;
    return this.positive.quantile(positives > 1 ? Math.min(1, Math.max(0, (rank - negatives) / (positives - 1))) : 0);
  }
}
