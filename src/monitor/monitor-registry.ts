/**
 * MonitorRegistry: one ModelMonitor per model, created on first use with shared defaults, for
 * services that watch many models. Memory per monitor is fixed by its capacity and sketch size,
 * so the registry's memory is (number of models) x (bytes per monitor) and is reported.
 */
import { coded, requireInteger, typeError } from '../errors.js';
import { ModelMonitor, type ModelMonitorOptions } from './model-monitor.js';
import { prometheusText } from './prometheus.js';

export interface MonitorRegistryOptions {
  /** Options for every monitor the registry creates (per-model options override them). */
  defaults?: ModelMonitorOptions;
  /** Most monitors held; get() of a new model beyond it throws. Default 100 000. */
  maxMonitors?: number;
}

export interface RegistryMemory {
  monitors: number;
  /** Bytes held by all monitors' buffers and sketches. */
  bytes: number;
  /** The largest single monitor's bytes. */
  maxBytesPerMonitor: number;
}

export class MonitorRegistry {
  private readonly monitors = new Map<string, ModelMonitor>();
  private readonly defaults: ModelMonitorOptions;
  private readonly maxMonitors: number;

  constructor(options: MonitorRegistryOptions = {}) {
    if (typeof options !== 'object' || options === null) throw typeError('an options object', 'options', options);
    this.defaults = { ...options.defaults };
    this.maxMonitors = requireInteger(options.maxMonitors ?? 100_000, 'options.maxMonitors', 1);
  }

  /** The monitor of modelName, created with the defaults (and options, on creation only) if new. */
  get(modelName: string, options: ModelMonitorOptions = {}): ModelMonitor {
    const existing = this.monitors.get(modelName);
    if (existing) return existing;
    if (this.monitors.size >= this.maxMonitors) throw coded(new RangeError(`Expected at most ${this.maxMonitors} monitors (options.maxMonitors) but received a request for another: ${modelName}`), 'ERR_MLWATCH_INVALID_ARGUMENT');
    const monitor = new ModelMonitor(modelName, { ...this.defaults, ...options });
    this.monitors.set(modelName, monitor);
    return monitor;
  }

  /** Adds an existing monitor (e.g. one restored from a snapshot), replacing any of the same name. */
  add(monitor: ModelMonitor): void {
    if (!(monitor instanceof ModelMonitor)) throw typeError('a ModelMonitor', 'monitor', monitor);
    this.monitors.set(monitor.modelName, monitor);
  }

  has(modelName: string): boolean {
    return this.monitors.has(modelName);
  }

  delete(modelName: string): boolean {
    return this.monitors.delete(modelName);
  }

  get size(): number {
    return this.monitors.size;
  }

  names(): string[] {
    return [...this.monitors.keys()];
  }

  /** Memory held by the monitors' buffers and sketches. */
  memoryUsage(): RegistryMemory {
    let bytes = 0;
    let maxBytesPerMonitor = 0;
    for (const m of this.monitors.values()) {
      bytes += m.byteLength;
      maxBytesPerMonitor = Math.max(maxBytesPerMonitor, m.byteLength);
    }
    return { monitors: this.monitors.size, bytes, maxBytesPerMonitor };
  }

  /**
   * Every monitor's metrics in the Prometheus text format, to serve on /metrics. Evaluates the
   * alert rules (events fire as usual).
   */
  metrics(quantiles: readonly number[] = [0.5, 0.9, 0.99]): string {
    return prometheusText(this.monitors.values(), quantiles);
  }
}
