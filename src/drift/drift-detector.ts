/**
 * DriftDetector: compares new feature matrices with a baseline by the reference's mean-shift
 * score, |mean_new - mean_base| / (std_base + 1e-8), per feature.
 *
 * Only the baseline's column statistics are kept (computed once on the active backend), never
 * the baseline matrix; the result history is bounded. NaN values are skipped by the statistics
 * (the reference's np.mean would propagate them).
 */
import { EventEmitter } from 'node:events';
import { clockOption, type Clock } from '../clock.js';
import { rangeError, requireInteger, requireNumber, typeError } from '../errors.js';
import { validateMatrix, validateNames, type FeatureMatrix } from '../matrix.js';
import { columnStats } from '../stats/column-stats.js';

export type DriftSeverity = 'low' | 'medium' | 'high';

export interface FeatureDrift {
  driftDetected: boolean;
  driftScore: number;
  baselineMean: number;
  newMean: number;
}

export interface SimpleDriftResult {
  /** When the check ran, epoch milliseconds. */
  timestamp: number;
  driftDetected: boolean;
  /** 'high' when maxDriftScore > 3, 'medium' when > 2, else 'low' (fixed, as in the reference). */
  driftSeverity: DriftSeverity;
  /** Largest score over the features with a defined score (NaN when none has one). */
  maxDriftScore: number;
  perFeature: Record<string, FeatureDrift>;
  summary: { totalFeatures: number; driftedFeatures: number; driftPercentage: number };
}

export interface DriftDetectorOptions {
  /** One name per column; default the baseline's names, else feature_0, feature_1, … */
  featureNames?: readonly string[];
  /** Results kept by getDriftHistory(). Default 100. */
  historyCapacity?: number;
  /** Clock in epoch milliseconds. Default Date.now. */
  now?: Clock;
}

/** The score's guard against a zero baseline spread, as in the reference. */
const STD_EPSILON = 1e-8;

export interface DriftDetector {
  /** Emitted by detectSimpleDrift when drift is detected. */
  on(event: 'drift', listener: (result: SimpleDriftResult) => void): this;
  emit(event: 'drift', result: SimpleDriftResult): boolean;
}

export class DriftDetector extends EventEmitter {
  readonly featureNames: readonly string[];
  readonly baselineRows: number;
  readonly baselineMean: Float64Array;
  readonly baselineStd: Float64Array;
  readonly baselineMin: Float64Array;
  readonly baselineMax: Float64Array;
  private readonly now: Clock;
  private readonly historyCapacity: number;
  private readonly history: SimpleDriftResult[] = [];

  constructor(baseline: FeatureMatrix, options: DriftDetectorOptions = {}) {
    super();
    const m = validateMatrix(baseline, 'baseline');
    if (typeof options !== 'object' || options === null) throw typeError('an options object', 'options', options);
    this.featureNames =
      options.featureNames !== undefined
        ? [...validateNames(options.featureNames, m.cols, 'options.featureNames')]
        : m.names !== undefined
          ? [...m.names]
          : Array.from({ length: m.cols }, (_, i) => `feature_${i}`);
    this.historyCapacity = requireInteger(options.historyCapacity ?? 100, 'options.historyCapacity', 1, 1_000_000);
    this.now = clockOption(options.now);
    const stats = columnStats(m);
    this.baselineRows = m.rows;
    this.baselineMean = stats.mean;
    this.baselineStd = stats.std;
    this.baselineMin = stats.min;
    this.baselineMax = stats.max;
  }

  /** Number of features (columns) the detector expects. */
  get featureCount(): number {
    return this.featureNames.length;
  }

  /**
   * Scores every feature of `current` against the baseline; a feature drifts when its score
   * exceeds `threshold` (in baseline standard deviations). Emits 'drift' when any feature drifts.
   *
   * @throws RangeError when current's column count differs from the baseline's
   */
  detectSimpleDrift(current: FeatureMatrix, threshold = 2.0): SimpleDriftResult {
    const m = validateMatrix(current, 'current');
    requireNumber(threshold, 'threshold', 0);
    if (m.cols !== this.featureCount) {
      throw rangeError(
        `${this.featureCount} features (the baseline's count)`,
        'current',
        `${m.cols} features: feature count mismatch, current has ${m.cols} but the baseline has ${this.featureCount}`,
      );
    }
    const newMean = columnStats(m).mean;
    const perFeature: Record<string, FeatureDrift> = {};
    let drifted = 0;
    let maxDriftScore = NaN;
    for (let i = 0; i < this.featureCount; i++) {
      const driftScore = Math.abs(newMean[i] - this.baselineMean[i]) / (this.baselineStd[i] + STD_EPSILON);
      const driftDetected = driftScore > threshold;
      if (driftDetected) drifted++;
      // A feature without a defined score (no values in a column) does not count towards the maximum.
      if (driftScore > maxDriftScore || (Number.isNaN(maxDriftScore) && !Number.isNaN(driftScore))) maxDriftScore = driftScore;
      perFeature[this.featureNames[i]] = { driftDetected, driftScore, baselineMean: this.baselineMean[i], newMean: newMean[i] };
    }
    const result: SimpleDriftResult = {
      timestamp: this.now(),
      driftDetected: drifted > 0,
      driftSeverity: maxDriftScore > 3.0 ? 'high' : maxDriftScore > 2.0 ? 'medium' : 'low',
      maxDriftScore,
      perFeature,
      summary: { totalFeatures: this.featureCount, driftedFeatures: drifted, driftPercentage: (drifted / this.featureCount) * 100 },
    };
    this.history.push(result);
    if (this.history.length > this.historyCapacity) this.history.shift();
    if (result.driftDetected) this.emit('drift', result);
    return result;
  }

  /** The newest `limit` results, oldest first (all kept results when limit is 0). */
  getDriftHistory(limit = 10): SimpleDriftResult[] {
    requireInteger(limit, 'limit', 0);
    return limit === 0 ? [...this.history] : this.history.slice(-limit);
  }
}
