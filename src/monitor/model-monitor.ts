/**
 * ModelMonitor: records a model's accuracy and latency in bounded ring buffers, raises alerts
 * against thresholds, and reports trends and latency percentiles.
 *
 * Behaviour follows the reference ModelMonitor: the accuracy alert fires below 90 % of the
 * baseline accuracy, the latency alert above latencyThresholdMs, both judged on the newest
 * record. Nothing prints: alerts are returned by checkAlerts() and emitted as events, once when
 * an alert starts ('alert') and once when it ends ('resolved').
 *
 * The hot path (recordLatency, recordPerformance) writes into typed-array ring buffers and a
 * quantile sketch in JS: no allocation and no native call per record. Memory is fixed by
 * `capacity` and the sketch's maxBins, whatever the number of records.
 */
import { EventEmitter } from 'node:events';
import { clockOption, type Clock } from '../clock.js';
import { accuracyOf, checkLabels } from '../inference/accuracy.js';
import { rangeError, requireInteger, requireNumber, typeError } from '../errors.js';
import { toFloatArray, validateMatrix, type FeatureMatrix, type NumericInput } from '../matrix.js';
import { decodeSnapshot, encodeSnapshot, f64FromSection, f64Section, SnapshotKind } from '../persist/snapshot-format.js';
import { QuantileSketch, type QuantileSketchOptions } from '../sketch/quantile-sketch.js';
import { columnStats } from '../stats/column-stats.js';
import { percentiles, probabilities } from '../stats/quantiles.js';
import { AlertManager, type AlertRules, type RuleAlert, type RuleFigures, type RuleName } from './alert-manager.js';
import { CoarseClock } from './coarse-clock.js';
import { ErrorWindow } from './error-window.js';
import { RingBuffer } from './ring-buffer.js';
import type { DriftSignal } from '../trigger/retraining-trigger.js';

export interface ModelMonitorOptions {
  /** Expected accuracy; the accuracy alert fires below 90 % of it. Default 0.95. */
  baselineAccuracy?: number;
  /** Latency above which the latency alert fires, in milliseconds. Default 200. */
  latencyThresholdMs?: number;
  /** Records kept in the ring buffers (memory is 25 bytes per record: accuracy, latency and time as float64, the outcome as one byte). Default 10 000. */
  capacity?: number;
  /** Clock in epoch milliseconds. Default Date.now. */
  now?: Clock;
  /**
   * Records that may share one reading of the clock for their timestamps, within one stretch of
   * synchronous code (see CoarseClock for the bound): a record's timestamp is the clock's reading
   * at one of the last `clockEvery` records, taken in the same event-loop task. Default 64 with
   * the default clock (Date.now costs more than the rest of a record), 1 with an injected `now`
   * (every record reads it). Alert rules always read the clock itself.
   */
  clockEvery?: number;
  /** Options of the all-time latency sketch. Default { relativeAccuracy: 0.01 }. */
  sketch?: QuantileSketchOptions;
}

export type AlertType = 'accuracy_degradation' | 'latency_spike';

export interface Alert {
  type: AlertType;
  /** The newest recorded value that breaks the threshold. */
  current: number;
  threshold: number;
  severity: 'high' | 'medium';
}

export interface AlertReport {
  modelName: string;
  status: 'no_data' | 'healthy' | 'alert';
  alerts: Alert[];
  /** The newest accuracy, or null before the first record. */
  recentAccuracy: number | null;
  /** The newest latency in milliseconds, or null before the first record. */
  recentLatency: number | null;
  /** Latency records made since construction (the ring buffers keep the last `capacity` of them). */
  totalMeasurements: number;
  /** Alert rules firing after this evaluation (configureAlerts); empty when none are configured. */
  ruleAlerts: RuleAlert[];
}

/** Counters since construction (or since the state a snapshot restored). */
export interface MonitorCounters {
  /** Latency records (recordLatency, recordPerformance, recordBatch). */
  records: number;
  /** Accuracy records. */
  accuracyRecords: number;
  /** recordError() calls. */
  errors: number;
  /** Records refused for invalid values (NaN, negative latency, accuracy outside [0, 1]). */
  rejected: number;
}

export type AccuracyTrend = 'improving' | 'degrading' | 'stable' | 'insufficient_data';
export type LatencyTrend = 'increasing' | 'decreasing' | 'stable' | 'insufficient_data';

export interface PerformanceTrend {
  accuracyTrend: AccuracyTrend;
  latencyTrend: LatencyTrend;
  /** Means over the newest `window` records and the `window` before them (absent when insufficient). */
  recentAccuracy?: number;
  olderAccuracy?: number;
  recentLatency?: number;
  olderLatency?: number;
}

/** ModelMonitor's defaults (as the Python reference's): baseline accuracy, latency threshold in ms, records kept in the window. */
export const DEFAULT_MONITOR_OPTIONS: Readonly<{ baselineAccuracy: number; latencyThresholdMs: number; capacity: number }> = Object.freeze({
  baselineAccuracy: 0.95,
  latencyThresholdMs: 200,
  capacity: 10_000,
});

export interface ModelMonitor {
  /** A threshold alert (accuracy_degradation, latency_spike) or an alert rule starts. */
  on(event: 'alert', listener: (alert: Alert | RuleAlert, modelName: string) => void): this;
  /** It ends. */
  on(event: 'resolved', listener: (alert: Alert | RuleAlert, modelName: string) => void): this;
  emit(event: 'alert' | 'resolved', alert: Alert | RuleAlert, modelName: string): boolean;
}

export class ModelMonitor extends EventEmitter {
  readonly modelName: string;
  readonly baselineAccuracy: number;
  /** 90 % of the baseline accuracy, as in the reference. */
  readonly accuracyThreshold: number;
  readonly latencyThresholdMs: number;
  readonly capacity: number;
  /** Every latency ever recorded, in bounded memory (relative-error quantiles). */
  readonly latencySketch: QuantileSketch;
  /** The alert rules (configureAlerts); evaluated by checkAlerts(). */
  readonly alerts: AlertManager;
  private readonly now: Clock;
  /** The clock of the per-record timestamps (shared readings, see options.clockEvery). */
  private readonly recordClock: CoarseClock;
  private readonly accuracy: RingBuffer;
  private readonly latency: RingBuffer;
  private readonly timestamps: RingBuffer;
  private readonly outcomes: ErrorWindow;
  private readonly counters: MonitorCounters = { records: 0, accuracyRecords: 0, errors: 0, rejected: 0 };
  private accuracyAlert = false;
  private latencyAlert = false;
  private lastDriftScore: number | null = null;
  private lastDrift: DriftSignal | null = null;

  constructor(modelName: string, options: ModelMonitorOptions = {}) {
    super();
    if (typeof modelName !== 'string' || modelName.length === 0) throw typeError('a non-empty string', 'modelName', modelName);
    // A lone surrogate has no UTF-8 form: two such names would be one Prometheus label value.
    if (!(modelName as string & { isWellFormed(): boolean }).isWellFormed()) throw rangeError('a well-formed Unicode string (no lone surrogate)', 'modelName', JSON.stringify(modelName));
    if (typeof options !== 'object' || options === null) throw typeError('an options object', 'options', options);
    this.modelName = modelName;
    this.baselineAccuracy = requireNumber(options.baselineAccuracy ?? DEFAULT_MONITOR_OPTIONS.baselineAccuracy, 'options.baselineAccuracy', 0, 1);
    this.accuracyThreshold = this.baselineAccuracy * 0.9;
    this.latencyThresholdMs = requireNumber(options.latencyThresholdMs ?? DEFAULT_MONITOR_OPTIONS.latencyThresholdMs, 'options.latencyThresholdMs', 0);
    this.capacity = requireInteger(options.capacity ?? DEFAULT_MONITOR_OPTIONS.capacity, 'options.capacity', 1, 1 << 28);
    this.now = clockOption(options.now);
    this.recordClock = new CoarseClock(this.now, options.clockEvery ?? (options.now === undefined ? 64 : 1), 'options.clockEvery');
    this.accuracy = new RingBuffer(this.capacity);
    this.latency = new RingBuffer(this.capacity);
    this.timestamps = new RingBuffer(this.capacity);
    this.outcomes = new ErrorWindow(this.capacity);
    this.latencySketch = new QuantileSketch(options.sketch);
    this.alerts = new AlertManager((needed) => this.ruleFigures(needed), this.now);
    this.alerts.on('alert', (a) => this.emit('alert', a, this.modelName));
    this.alerts.on('resolved', (a) => this.emit('resolved', a, this.modelName));
  }

  /**
   * Records one request's latency in milliseconds (>= 0, finite). An invalid value is counted
   * in counters.rejected and throws a RangeError; nothing is stored.
   */
  recordLatency(latencyMs: number): void {
    this.checkLatency(latencyMs);
    this.storeLatency(latencyMs);
  }

  private checkLatency(latencyMs: number): void {
    if (typeof latencyMs !== 'number' || !(latencyMs >= 0 && latencyMs < Infinity)) this.reject('a finite number >= 0', 'latencyMs', latencyMs);
  }

  /** Stores a checked latency: ring buffers, outcome window, sketch, counters, the latency alert. */
  private storeLatency(latencyMs: number): void {
    this.latency.push(latencyMs);
    this.timestamps.push(this.recordClock.read());
    this.outcomes.recordOne(false);
    this.latencySketch.add(latencyMs);
    this.counters.records++;
    this.setLatencyAlert(latencyMs > this.latencyThresholdMs);
  }

  /**
   * Records one measurement: accuracy in [0, 1] and latency in milliseconds (>= 0). Invalid
   * values are counted in counters.rejected and throw a RangeError; nothing is stored.
   */
  recordPerformance(accuracy: number, latencyMs: number): void {
    if (typeof accuracy !== 'number' || !(accuracy >= 0 && accuracy <= 1)) this.reject('a number in [0, 1]', 'accuracy', accuracy);
    this.checkLatency(latencyMs);
    this.accuracy.push(accuracy);
    this.counters.accuracyRecords++;
    this.setAccuracyAlert(accuracy < this.accuracyThreshold);
    this.storeLatency(latencyMs);
  }

  /**
   * Records an accuracy in [0, 1] alone, for labels that arrive after the request was answered
   * (its latency was recorded then). An invalid value is counted in counters.rejected and throws
   * a RangeError; nothing is stored.
   */
  recordAccuracy(accuracy: number): void {
    if (typeof accuracy !== 'number' || !(accuracy >= 0 && accuracy <= 1)) this.reject('a number in [0, 1]', 'accuracy', accuracy);
    this.accuracy.push(accuracy);
    this.counters.accuracyRecords++;
    this.setAccuracyAlert(accuracy < this.accuracyThreshold);
  }

  /**
   * Records a batch: latencies (ms), and accuracies of the same length or null. All-or-nothing:
   * one invalid value throws a RangeError naming its index and nothing is stored (the batch is
   * counted in counters.rejected). The batch's latencies enter the sketch through the backend.
   */
  recordBatch(accuracies: NumericInput | null, latencies: NumericInput): void {
    const lat = toFloatArray(latencies, 'latencies');
    const acc = accuracies === null ? null : toFloatArray(accuracies, 'accuracies');
    if (acc && acc.length !== lat.length) throw rangeError(`${lat.length} accuracies (one per latency)`, 'accuracies', `${acc.length}`);
    if (lat.length === 0) return;
    if (acc) {
      const s = columnStats({ data: acc, rows: acc.length, cols: 1 });
      if (s.nanCount[0] > 0 || s.min[0] < 0 || s.max[0] > 1) {
        this.counters.rejected += lat.length;
        throw rangeError('accuracies in [0, 1]', 'accuracies', `a batch with min ${s.min[0]}, max ${s.max[0]} and ${s.nanCount[0]} NaN (nothing stored)`);
      }
    }
    const before = this.latencySketch.count;
    try {
      this.latencySketch.addMany(lat); // validates every latency first, all-or-nothing
    } catch (e) {
      this.counters.rejected += lat.length;
      throw e;
    }
    const added = this.latencySketch.count - before;
    this.latency.pushMany(lat);
    this.timestamps.fill(this.now(), added);
    this.outcomes.record(false, added);
    this.counters.records += added;
    this.setLatencyAlert(lat[lat.length - 1] > this.latencyThresholdMs);
    if (acc) {
      this.accuracy.pushMany(acc);
      this.counters.accuracyRecords += acc.length;
      this.setAccuracyAlert(acc[acc.length - 1] < this.accuracyThreshold);
    }
  }

  /**
   * Runs a model's classify() over a batch, records its wall time as one latency (ms) and, when
   * the true labels are given, the batch's accuracy; returns the predictions. Works with
   * DenseModel or anything with the same classify().
   */
  observeBatch<C extends { labels: Int32Array }>(model: { classify(X: FeatureMatrix): C }, X: FeatureMatrix, yTrue?: Int32Array | readonly number[]): C {
    if (typeof model !== 'object' || model === null || typeof model.classify !== 'function') throw typeError('a model with classify()', 'model', model);
    const m = validateMatrix(X, 'X');
    if (yTrue !== undefined) checkLabels(yTrue, m.rows);
    const start = performance.now();
    const predictions = model.classify(X);
    const latencyMs = performance.now() - start;
    if (yTrue === undefined) {
      this.recordLatency(latencyMs);
    } else {
      this.recordPerformance(accuracyOf(predictions.labels, yTrue), latencyMs);
    }
    return predictions;
  }

  /** Records a failed request (the source of the error_rate rule). */
  recordError(): void {
    this.outcomes.recordOne(true);
    this.counters.errors++;
  }

  /** Records the latest drift result (the source of the drift_score rule). */
  recordDrift(drift: { maxDriftScore: number } | DriftSignal): void {
    if (typeof drift !== 'object' || drift === null) throw typeError('a drift result { maxDriftScore }', 'drift', drift);
    if (typeof drift.maxDriftScore !== 'number') throw typeError('a number', 'drift.maxDriftScore', drift.maxDriftScore);
    this.lastDriftScore = Number.isNaN(drift.maxDriftScore) ? null : drift.maxDriftScore;
    const { driftDetected, driftSeverity } = drift as Partial<DriftSignal>;
    this.lastDrift = typeof driftDetected === 'boolean' && typeof driftSeverity === 'string' ? { driftDetected, driftSeverity, maxDriftScore: drift.maxDriftScore } : null;
  }

  /** The latest drift score recorded (recordDrift), or null before the first. */
  get driftScore(): number | null {
    return this.lastDriftScore;
  }

  /**
   * The latest drift result when it was a whole one (DriftDetector's, as the model server's drift
   * sampling records), for RetrainingTrigger.shouldRetrain; null before the first or after a bare score.
   */
  get driftSignal(): DriftSignal | null {
    return this.lastDrift && { ...this.lastDrift };
  }

  /** Sets the alert rules, e.g. { latency_p99_ms: { threshold: 100, severity: 'critical' } }. */
  configureAlerts(rules: AlertRules): void {
    this.alerts.configureAlerts(rules);
  }

  /** Counters since construction. */
  get stats(): Readonly<MonitorCounters> {
    return { ...this.counters };
  }

  /** Errors / requests over the window. */
  get errorRate(): number {
    return this.outcomes.rate;
  }

  /** Bytes of memory held by the monitor's buffers and sketch (fixed by capacity and maxBins). */
  get byteLength(): number {
    return this.accuracy.byteLength + this.latency.byteLength + this.timestamps.byteLength + this.outcomes.byteLength + this.latencySketch.byteLength;
  }

  /** The threshold alerts after the newest record, the alert rules (evaluated now), and the newest figures. */
  checkAlerts(): AlertReport {
    const ruleAlerts = this.alerts.evaluate();
    if (this.latency.size === 0 && this.accuracy.size === 0) {
      return { modelName: this.modelName, status: ruleAlerts.length ? 'alert' : 'no_data', alerts: [], recentAccuracy: null, recentLatency: null, totalMeasurements: 0, ruleAlerts };
    }
    const alerts = this.currentAlerts();
    return {
      modelName: this.modelName,
      status: alerts.length > 0 || ruleAlerts.length > 0 ? 'alert' : 'healthy',
      alerts,
      recentAccuracy: this.accuracy.size ? this.accuracy.fromNewest(0) : null,
      recentLatency: this.latency.size ? this.latency.fromNewest(0) : null,
      totalMeasurements: this.counters.records,
      ruleAlerts,
    };
  }

  /**
   * Compares the mean of the newest `window` records with the `window` before them: accuracy
   * 'improving' above +2 %, 'degrading' below -2 %; latency 'increasing' above +10 %,
   * 'decreasing' below -10 %. With fewer than 2 x window records the older mean is the recent
   * one (so 'stable'); with fewer than window records the trend is 'insufficient_data'.
   */
  getPerformanceTrend(window = 5): PerformanceTrend {
    requireInteger(window, 'window', 1, this.capacity);
    const held = Math.min(this.accuracy.size, this.latency.size);
    if (held < window) return { accuracyTrend: 'insufficient_data', latencyTrend: 'insufficient_data' };
    const recentAccuracy = this.accuracy.meanOfRecent(window);
    const recentLatency = this.latency.meanOfRecent(window);
    const hasOlder = held >= 2 * window;
    const olderAccuracy = hasOlder ? this.accuracy.meanOfRecent(window, window) : recentAccuracy;
    const olderLatency = hasOlder ? this.latency.meanOfRecent(window, window) : recentLatency;
    let accuracyTrend: AccuracyTrend = 'stable';
    if (recentAccuracy > olderAccuracy * 1.02) accuracyTrend = 'improving';
    else if (recentAccuracy < olderAccuracy * 0.98) accuracyTrend = 'degrading';
    let latencyTrend: LatencyTrend = 'stable';
    if (recentLatency > olderLatency * 1.1) latencyTrend = 'increasing';
    else if (recentLatency < olderLatency * 0.9) latencyTrend = 'decreasing';
    return { accuracyTrend, latencyTrend, recentAccuracy, olderAccuracy, recentLatency, olderLatency };
  }

  /**
   * Latency percentiles, p in [0, 100]. over: 'window' (default) is exact (NumPy's 'linear'
   * method) over the records in the ring buffer, computed on the active backend directly over
   * the buffer's memory; 'all' estimates them over every record from the sketch, within its
   * relative accuracy (1 % by default) of the true value.
   *
   * @throws RangeError when nothing has been recorded yet
   */
  latencyPercentiles(p: number | ArrayLike<number> = [50, 90, 99], options: { over?: 'window' | 'all' } = {}): Float64Array {
    const over = options.over ?? 'window';
    if (over !== 'window' && over !== 'all') throw typeError("'window' or 'all'", 'options.over', over);
    if (this.latency.size === 0) throw rangeError('at least one recorded latency', 'latencyPercentiles()', 'no records');
    if (over === 'window') return percentiles(this.latency.unorderedView(), p);
    return this.latencySketch.quantiles(probabilities(p, 'p', 100).map((x) => x / 100));
  }

  /** Mean accuracy over the window (on the active backend), or null before the first accuracy record. */
  meanAccuracy(): number | null {
    if (this.accuracy.size === 0) return null;
    const window = this.accuracy.unorderedView();
    return columnStats({ data: window, rows: window.length, cols: 1 }).mean[0];
  }

  /** Latencies held, oldest first (a copy). */
  latencyHistory(): Float64Array {
    return this.latency.toArray();
  }

  /** Accuracies held, oldest first (a copy). */
  accuracyHistory(): Float64Array {
    return this.accuracy.toArray();
  }

  /** Record times held (epoch ms), oldest first (a copy). */
  timestampHistory(): Float64Array {
    return this.timestamps.toArray();
  }

  /**
   * The monitor's whole state as bytes (snapshot format version 1, see persist/snapshot-format.ts):
   * options, counters, alert states and rules, the ring buffers and the latency sketch.
   */
  snapshot(): Uint8Array {
    const header = {
      modelName: this.modelName,
      options: { baselineAccuracy: this.baselineAccuracy, latencyThresholdMs: this.latencyThresholdMs, capacity: this.capacity },
      counters: this.counters,
      accuracyAlert: this.accuracyAlert,
      latencyAlert: this.latencyAlert,
      lastDriftScore: this.lastDriftScore,
      alerts: this.alerts.exportState(),
    };
    return encodeSnapshot(SnapshotKind.ModelMonitor, header, [
      f64Section(this.accuracy.toArray()),
      f64Section(this.latency.toArray()),
      f64Section(this.timestamps.toArray()),
      this.outcomes.toArray(),
      this.latencySketch.serialize(),
    ]);
  }

  /**
   * A monitor with the state of snapshot() bytes. Events do not carry over: attach listeners to
   * the restored monitor. Throws a RangeError on damaged or foreign bytes.
   */
  static restore(bytes: Uint8Array, options: { now?: Clock } = {}): ModelMonitor {
    const { header, sections } = decodeSnapshot(bytes, SnapshotKind.ModelMonitor, 'ModelMonitor');
    if (sections.length !== 5) throw rangeError('5 sections in a ModelMonitor snapshot', 'bytes', `${sections.length}`);
    const h = header as {
      modelName: string;
      options: { baselineAccuracy: number; latencyThresholdMs: number; capacity: number };
      counters: MonitorCounters;
      accuracyAlert: boolean;
      latencyAlert: boolean;
      lastDriftScore: number | null;
      alerts: ReturnType<AlertManager['exportState']>;
    };
    // Every field is checked: a valid CRC says the bytes are as written, not that they are sane.
    if (typeof h.options !== 'object' || h.options === null) throw rangeError('options in a ModelMonitor snapshot', 'bytes', String(h.options));
    const sketch = QuantileSketch.deserialize(sections[4]);
    const m = new ModelMonitor(h.modelName, { ...h.options, now: options.now, sketch: { relativeAccuracy: sketch.relativeAccuracy, maxBins: sketch.maxBins } });
    const accuracy = f64FromSection(sections[0]);
    const latency = f64FromSection(sections[1]);
    const timestamps = f64FromSection(sections[2]);
    const field = (name: string) => `the snapshot's ${name}`;
    const within = (values: Float64Array, name: string, ok: (v: number) => boolean, expected: string) => {
      if (values.length > m.capacity) throw rangeError(`at most ${m.capacity} values (the capacity)`, field(name), `${values.length}`);
      const bad = values.findIndex((v) => !ok(v));
      if (bad >= 0) throw rangeError(expected, `${field(name)}[${bad}]`, String(values[bad]));
    };
    within(accuracy, 'accuracies', (v) => v >= 0 && v <= 1, 'an accuracy in [0, 1]');
    within(latency, 'latencies', (v) => v >= 0 && v < Infinity, 'a finite latency >= 0');
    within(timestamps, 'timestamps', Number.isFinite, 'a finite epoch time');
    if (timestamps.length !== latency.length) throw rangeError(`one timestamp per latency (${latency.length})`, field('timestamps'), `${timestamps.length}`);
    if (sections[3].length > m.capacity || sections[3].some((f) => f > 1)) throw rangeError(`at most ${m.capacity} outcome flags of 0 or 1`, field('outcomes'), `${sections[3].length} flags`);
    const counters = h.counters as unknown as Record<string, unknown>;
    if (typeof counters !== 'object' || counters === null) throw rangeError('counters', field('counters'), String(counters));
    for (const key of ['records', 'accuracyRecords', 'errors', 'rejected'] as const) m.counters[key] = requireInteger(counters[key], field(`counters.${key}`));
    if (h.lastDriftScore !== null && h.lastDriftScore !== undefined) requireNumber(h.lastDriftScore, field('lastDriftScore'));
    for (const key of ['accuracyAlert', 'latencyAlert'] as const) {
      if (typeof h[key] !== 'boolean') throw typeError('a boolean', field(key), h[key]);
    }
    m.accuracy.pushMany(accuracy);
    m.latency.pushMany(latency);
    m.timestamps.pushMany(timestamps);
    for (const flag of sections[3]) m.outcomes.record(flag === 1);
    m.latencySketch.merge(sketch);
    m.accuracyAlert = h.accuracyAlert;
    m.latencyAlert = h.latencyAlert;
    m.lastDriftScore = h.lastDriftScore ?? null;
    if (typeof h.alerts !== 'object' || h.alerts === null || typeof h.alerts.firingSince !== 'object' || h.alerts.firingSince === null) throw rangeError('alert rules and their states', field('alerts'), String(h.alerts));
    m.alerts.importState(h.alerts);
    return m;
  }

  private reject(expected: string, name: string, value: unknown): never {
    this.counters.rejected++;
    if (typeof value !== 'number') throw typeError('a number', name, value);
    throw rangeError(`${expected} (the record was not stored)`, name, String(value));
  }

  private setAccuracyAlert(on: boolean): void {
    if (on === this.accuracyAlert) return;
    const alert = this.accuracyAlertOf();
    this.accuracyAlert = on;
    this.emit(on ? 'alert' : 'resolved', alert, this.modelName);
  }

  private setLatencyAlert(on: boolean): void {
    if (on === this.latencyAlert) return;
    const alert = this.latencyAlertOf();
    this.latencyAlert = on;
    this.emit(on ? 'alert' : 'resolved', alert, this.modelName);
  }

  private accuracyAlertOf(): Alert {
    return { type: 'accuracy_degradation', current: this.accuracy.fromNewest(0), threshold: this.accuracyThreshold, severity: 'high' };
  }

  private latencyAlertOf(): Alert {
    return { type: 'latency_spike', current: this.latency.fromNewest(0), threshold: this.latencyThresholdMs, severity: 'medium' };
  }

  private currentAlerts(): Alert[] {
    const alerts: Alert[] = [];
    if (this.accuracyAlert) alerts.push(this.accuracyAlertOf());
    if (this.latencyAlert) alerts.push(this.latencyAlertOf());
    return alerts;
  }

  /** The figures the alert rules read, computed only for the configured rules. */
  private ruleFigures(needed: ReadonlySet<RuleName>): RuleFigures {
    const figures: RuleFigures = { latency_p99_ms: null, accuracy_drop: null, drift_score: this.lastDriftScore, error_rate: null };
    if (needed.has('latency_p99_ms') && this.latency.size > 0) figures.latency_p99_ms = percentiles(this.latency.unorderedView(), 99)[0];
    const meanAccuracy = needed.has('accuracy_drop') ? this.meanAccuracy() : null;
    if (meanAccuracy !== null) figures.accuracy_drop = this.baselineAccuracy - meanAccuracy;
    if (needed.has('error_rate') && this.outcomes.requests > 0) figures.error_rate = this.outcomes.rate;
    return figures;
  }
}
