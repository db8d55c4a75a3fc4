/**
 * ModelMonitor: records a model's accuracy and latency in bounded ring buffers, raises alerts
 * against thresholds, and reports trends and latency percentiles.
 *
 * Behaviour follows the reference ModelMonitor: the accuracy alert fires below 90 % of the
 * baseline accuracy, the latency alert above latencyThresholdMs, both judged on the newest
 * record. Nothing prints: alerts are returned by checkAlerts() and emitted as 'alert' events.
 */
import { EventEmitter } from 'node:events';
import { clockOption, type Clock } from '../clock.js';
import { rangeError, requireInteger, requireNumber, typeError } from '../errors.js';
import { percentiles } from '../stats/quantiles.js';
import { RingBuffer } from './ring-buffer.js';

export interface ModelMonitorOptions {
  /** Expected accuracy; the accuracy alert fires below 90 % of it. Default 0.95. */
  baselineAccuracy?: number;
  /** Latency above which the latency alert fires, in milliseconds. Default 200. */
  latencyThresholdMs?: number;
  /** Records kept in the ring buffers (memory is 24 bytes per record). Default 10 000. */
  capacity?: number;
  /** Clock in epoch milliseconds. Default Date.now. */
  now?: Clock;
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
  /** Records made since construction (the ring buffers keep the last `capacity` of them). */
  totalMeasurements: number;
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

export interface ModelMonitor {
  /** Emitted by recordPerformance for each alert the new record raises. */
  on(event: 'alert', listener: (alert: Alert, modelName: string) => void): this;
  emit(event: 'alert', alert: Alert, modelName: string): boolean;
}

export class ModelMonitor extends EventEmitter {
  readonly modelName: string;
  readonly baselineAccuracy: number;
  /** 90 % of the baseline accuracy, as in the reference. */
  readonly accuracyThreshold: number;
  readonly latencyThresholdMs: number;
  readonly capacity: number;
  private readonly now: Clock;
  private readonly accuracy: RingBuffer;
  private readonly latency: RingBuffer;
  private readonly timestamps: RingBuffer;
  private total = 0;
  private accuracyAlert = false;
  private latencyAlert = false;

  constructor(modelName: string, options: ModelMonitorOptions = {}) {
    super();
    if (typeof modelName !== 'string' || modelName.length === 0) throw typeError('a non-empty string', 'modelName', modelName);
    if (typeof options !== 'object' || options === null) throw typeError('an options object', 'options', options);
    this.modelName = modelName;
    this.baselineAccuracy = requireNumber(options.baselineAccuracy ?? 0.95, 'options.baselineAccuracy', 0, 1);
    this.accuracyThreshold = this.baselineAccuracy * 0.9;
    this.latencyThresholdMs = requireNumber(options.latencyThresholdMs ?? 200, 'options.latencyThresholdMs', 0);
    this.capacity = requireInteger(options.capacity ?? 10_000, 'options.capacity', 1, 1 << 28);
    this.now = clockOption(options.now);
    this.accuracy = new RingBuffer(this.capacity);
    this.latency = new RingBuffer(this.capacity);
    this.timestamps = new RingBuffer(this.capacity);
  }

  /**
   * Records one measurement: accuracy in [0, 1] and latency in milliseconds (>= 0). Invalid
   * values (NaN, negative latency, accuracy outside [0, 1]) throw a RangeError and are not
   * stored. Emits 'alert' for each threshold the record breaks.
   */
  recordPerformance(accuracy: number, latencyMs: number): void {
    requireNumber(accuracy, 'accuracy', 0, 1);
    requireNumber(latencyMs, 'latencyMs', 0);
    this.accuracy.push(accuracy);
    this.latency.push(latencyMs);
    this.timestamps.push(this.now());
    this.total++;
    this.accuracyAlert = accuracy < this.accuracyThreshold;
    this.latencyAlert = latencyMs > this.latencyThresholdMs;
    if (this.listenerCount('alert') > 0) for (const alert of this.currentAlerts()) this.emit('alert', alert, this.modelName);
  }

  /** The alert state after the newest record, with the newest figures. */
  checkAlerts(): AlertReport {
    if (this.accuracy.size === 0) {
      return { modelName: this.modelName, status: 'no_data', alerts: [], recentAccuracy: null, recentLatency: null, totalMeasurements: 0 };
    }
    const alerts = this.currentAlerts();
    return {
      modelName: this.modelName,
      status: alerts.length > 0 ? 'alert' : 'healthy',
      alerts,
      recentAccuracy: this.accuracy.fromNewest(0),
      recentLatency: this.latency.fromNewest(0),
      totalMeasurements: this.total,
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
    const held = this.accuracy.size;
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
   * Exact latency percentiles (p in [0, 100], NumPy's 'linear' method) over the records held in
   * the ring buffer, computed on the active backend directly over the buffer's memory.
   *
   * @throws RangeError when nothing has been recorded yet
   */
  latencyPercentiles(p: number | ArrayLike<number> = [50, 90, 99]): Float64Array {
    if (this.latency.size === 0) throw rangeError('at least one recorded latency', 'latencyPercentiles()', 'no records');
    return percentiles(this.latency.unorderedView(), p);
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

  private currentAlerts(): Alert[] {
    const alerts: Alert[] = [];
    if (this.accuracyAlert) {
      alerts.push({ type: 'accuracy_degradation', current: this.accuracy.fromNewest(0), threshold: this.accuracyThreshold, severity: 'high' });
    }
    if (this.latencyAlert) {
      alerts.push({ type: 'latency_spike', current: this.latency.fromNewest(0), threshold: this.latencyThresholdMs, severity: 'medium' });
    }
    return alerts;
  }
}
