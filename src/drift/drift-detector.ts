/**
 * DriftDetector: compares current data with a reference, column by column.
 *
 * detect() / detectAsync() run the drift suite (ks, wasserstein, psi, jensenshannon, chisquare,
 * z, meanShift; chosen automatically or per column) on a ReferenceProfile computed once when the
 * detector is built, so repeated checks pay only for the current data. detectSimpleDrift() keeps
 * the original mean-shift score |mean_new - mean_base| / (std_base + 1e-8) over the numeric
 * columns, NaN skipped (the reference's np.mean would propagate it).
 */
import { EventEmitter } from 'node:events';
import { clockOption, type Clock } from '../clock.js';
import { rangeError, requireInteger, requireNumber, typeError } from '../errors.js';
import { validateMatrix, validateNames, type FeatureMatrix } from '../matrix.js';
import { columnStats } from '../stats/column-stats.js';
import { validateSchema, validateTable, isFeatureMatrix, type ColumnTable, type DriftSchema } from './column-table.js';
import { validateSuiteOptions, DRIFT_TESTS, NUMERICAL_ONLY, type DriftSuiteOptions, type DriftTestName } from './drift-options.js';
import { ReferenceProfile } from './reference-profile.js';
import { ScratchBuffer } from './scratch-buffer.js';
import { runSuite, runSuiteAsync, type DatasetDriftResult, type SuiteConfig } from './drift-suite.js';

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

export interface DriftDetectorOptions extends DriftSuiteOptions {
  /** Which columns are categorical (default: string columns categorical, numbers numerical). */
  schema?: DriftSchema;
  /** Names of a FeatureMatrix reference's columns; default its names, else feature_0, feature_1, … */
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
  /** Names of the numeric columns that detectSimpleDrift compares, in order. */
  readonly featureNames: readonly string[];
  readonly baselineRows: number;
  readonly baselineMean: Float64Array;
  readonly baselineStd: Float64Array;
  readonly baselineMin: Float64Array;
  readonly baselineMax: Float64Array;
  /** What every test needs from the reference; save it with profile.save(path). */
  readonly profile: ReferenceProfile;
  private readonly suite: SuiteConfig;
  private readonly scratch = new ScratchBuffer();
  private readonly now: Clock;
  private readonly historyCapacity: number;
  private readonly history: SimpleDriftResult[] = [];

  /**
   * @param reference a FeatureMatrix, a column table `{ [name]: Float32Array | Float64Array |
   *   Int32Array | number[] | string[] }`, or a ReferenceProfile (from ReferenceProfile.load)
   * @throws TypeError/RangeError on malformed data or options, naming the field
   */
  constructor(reference: FeatureMatrix | ColumnTable | ReferenceProfile, options: DriftDetectorOptions = {}) {
    super();
    if (typeof options !== 'object' || options === null) throw typeError('an options object', 'options', options);
    const schema = validateSchema(options.schema);
    if (reference instanceof ReferenceProfile) {
      this.profile = reference;
    } else if (isFeatureMatrix(reference)) {
      const m = validateMatrix(reference, 'baseline');
      this.profile = ReferenceProfile.fromMatrix(m, matrixNames(m, options), schema);
    } else {
      const names = validateTable(reference, 'reference');
      this.profile = ReferenceProfile.fromTable(reference as ColumnTable, names, schema);
    }
    this.suite = resolveSuite(this.profile, options);
    this.historyCapacity = requireInteger(options.historyCapacity ?? 100, 'options.historyCapacity', 1, 1_000_000);
    this.now = clockOption(options.now);
    const simple = this.profile.simple;
    this.featureNames = simple.names;
    this.baselineRows = simple.rows;
    this.baselineMean = simple.stats.mean;
    this.baselineStd = simple.stats.std;
    this.baselineMin = simple.stats.min;
    this.baselineMax = simple.stats.max;
  }

  /**
   * A detector built without blocking the event loop: for a FeatureMatrix reference the profile's
   * sort and statistics run on the backend's async kernels (a column table or a profile is built
   * as the constructor does). Same options and errors as the constructor.
   */
  static async create(reference: FeatureMatrix | ColumnTable | ReferenceProfile, options: DriftDetectorOptions = {}): Promise<DriftDetector> {
    if (typeof options !== 'object' || options === null) throw typeError('an options object', 'options', options);
    if (reference instanceof ReferenceProfile || !isFeatureMatrix(reference)) return new DriftDetector(reference, options);
    const m = validateMatrix(reference, 'baseline');
    const profile = await ReferenceProfile.fromMatrixAsync(m, matrixNames(m, options), validateSchema(options.schema));
    return new DriftDetector(profile, options);
  }

  /**
   * Runs the drift suite on every reference column against `current` (a FeatureMatrix, whose
   * columns are matched by its names or else by position with the reference's, or a column
   * table with every reference column). Columns left without values are reported as
   * 'insufficient_data'; the others still get their results.
   *
   * @throws RangeError when a reference column is absent from current or has the wrong type
   */
  detect(current: FeatureMatrix | ColumnTable): DatasetDriftResult {
    const lease = this.scratch.acquire();
    try {
      return runSuite(this.profile, current, this.suite, this.now(), lease);
    } finally {
      lease.release();
    }
  }

  /** detect() without blocking the event loop: sorting and distances run off the main thread (native) or in slices (JS). */
  async detectAsync(current: FeatureMatrix | ColumnTable): Promise<DatasetDriftResult> {
    const lease = this.scratch.acquire();
    try {
      return await runSuiteAsync(this.profile, current, this.suite, this.now(), lease);
    } finally {
      lease.release();
    }
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
    if (this.featureCount === 0) throw rangeError('a reference with numeric columns', 'detectSimpleDrift', 'a reference without any');
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

/** A reference matrix's column names: options.featureNames, else its names, else feature_0, feature_1, … */
function matrixNames(m: FeatureMatrix, options: DriftDetectorOptions): string[] {
  if (options.featureNames !== undefined) return [...validateNames(options.featureNames, m.cols, 'options.featureNames')];
  return m.names !== undefined ? [...m.names] : Array.from({ length: m.cols }, (_, i) => `feature_${i}`);
}

/** Per-column test and threshold from the options, checked against the reference's columns. */
export function resolveSuite(profile: { columns: readonly { name: string; kind: 'numerical' | 'categorical' }[] }, options: DriftSuiteOptions): SuiteConfig {
  const o = validateSuiteOptions(options);
  const known = new Set(profile.columns.map((c) => c.name));
  for (const name of Object.keys(o.columns)) {
    if (!known.has(name)) throw rangeError(`a reference column (${[...known].join(', ')})`, 'options.columns', JSON.stringify(name));
  }
  const columns = profile.columns.map((c) => {
    const own = o.columns[c.name] ?? {};
    let test: DriftTestName | 'auto' = own.test ?? o.test;
    if (c.kind === 'categorical' && test !== 'auto' && NUMERICAL_ONLY.has(test)) {
      if (own.test !== undefined) throw rangeError(`a test for categories (${[...DRIFT_TESTS.filter((t) => !NUMERICAL_ONLY.has(t)), 'auto'].join(', ')})`, `options.columns.${c.name}.test`, test);
      test = 'auto'; // the global choice applies where it can
    }
    return { test, threshold: own.threshold };
  });
  return { columns, thresholds: o.thresholds as Record<DriftTestName, number>, driftShare: o.driftShare, correction: o.correction };
}
