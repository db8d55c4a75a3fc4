/**
 * The Prometheus text exposition format (version 0.0.4) for a set of monitors, written by hand:
 * the figures already live in the monitors (exact window quantiles, counters, alert states), so
 * a metrics library would only re-copy them; the format itself is a few lines.
 */
import { rangeError, requireNumber, typeError } from '../errors.js';
import type { ModelMonitor } from './model-monitor.js';

/** A label value escaped for the text format (backslash, newline, double quote). */
export const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
/** A sample value as the text format writes it (NaN, +Inf, -Inf spelled its way). */
export const sampleValue = (v: number) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v));
const num = sampleValue;

/**
 * Sample lines grouped by metric family, written with one HELP and TYPE line each, families in
 * the order first seen (the monitors' metrics and mlwatch/nats' merged figures share it).
 */
export class MetricFamilies {
  private readonly families = new Map<string, { help: string; type: string; lines: string[] }>();

  /** Adds a sample line to family `name` (its help and type are the first call's). */
  add(name: string, help: string, type: string, line: string): void {
    const family = this.families.get(name) ?? { help, type, lines: [] };
    family.lines.push(line);
    this.families.set(name, family);
  }

  /** The exposition text. */
  text(): string {
    let out = '';
    for (const [name, f] of this.families) out += `# HELP ${name} ${f.help}\n# TYPE ${name} ${f.type}\n${f.lines.join('\n')}\n`;
    return out;
  }
}

/**
 * Metrics of every monitor: accuracy gauge (mean over the window), latency summary (exact
 * quantiles over the window; _sum and _count over all time), record, error and rejection
 * counters, the latest drift score, and one gauge per alert (1 firing, 0 not). Alert rules are evaluated first.
 */
export function prometheusText(monitors: Iterable<ModelMonitor>, quantiles: readonly number[] = [0.5, 0.9, 0.99]): string {
  if (!Array.isArray(quantiles)) throw typeError('an array of quantiles in [0, 1]', 'quantiles', quantiles);
  quantiles.forEach((q, i) => requireNumber(q, `quantiles[${i}] (a quantile in [0, 1], not a percentile)`, 0, 1));
  const seen = new Set<string>();
  const families = new MetricFamilies();
  const add = (name: string, help: string, type: string, line: string) => families.add(name, help, type, line);
  for (const m of monitors) {
    const model = `model="${escapeLabel(m.modelName)}"`;
    if (seen.has(model)) throw rangeError('monitors with distinct model names', 'monitors', `two named ${JSON.stringify(m.modelName)}`);
    seen.add(model);
    const report = m.checkAlerts();
    const accuracy = m.meanAccuracy();
    if (accuracy !== null) add('mlwatch_accuracy', 'Mean accuracy over the monitor window.', 'gauge', `mlwatch_accuracy{${model}} ${num(accuracy)}`);
    if (report.recentLatency !== null) {
      const values = m.latencyPercentiles(quantiles.map((q) => q * 100));
      quantiles.forEach((q, i) => add('mlwatch_latency_ms', 'Request latency in milliseconds: exact quantiles over the monitor window; sum and count over all time.', 'summary', `mlwatch_latency_ms{${model},quantile="${q}"} ${num(values[i])}`));
    }
    add('mlwatch_latency_ms', '', 'summary', `mlwatch_latency_ms_sum{${model}} ${num(m.latencySketch.sum)}`);
    add('mlwatch_latency_ms', '', 'summary', `mlwatch_latency_ms_count{${model}} ${m.latencySketch.count}`);
    const stats = m.stats;
    add('mlwatch_records_total', 'Latency records.', 'counter', `mlwatch_records_total{${model}} ${stats.records}`);
    add('mlwatch_errors_total', 'Failed requests (recordError).', 'counter', `mlwatch_errors_total{${model}} ${stats.errors}`);
    add('mlwatch_rejected_records_total', 'Records refused for invalid values.', 'counter', `mlwatch_rejected_records_total{${model}} ${stats.rejected}`);
    add('mlwatch_error_rate', 'Errors / requests over the monitor window.', 'gauge', `mlwatch_error_rate{${model}} ${num(m.errorRate)}`);
    if (m.driftScore !== null) add('mlwatch_drift_score', 'The latest drift score recorded (recordDrift).', 'gauge', `mlwatch_drift_score{${model}} ${num(m.driftScore)}`);
    const firing = new Set<string>([...report.alerts.map((a) => a.type), ...report.ruleAlerts.map((a) => a.rule)]);
    const known: [string, string][] = [
      ['accuracy_degradation', 'high'],
      ['latency_spike', 'medium'],
      ...Object.entries(m.alerts.configured).map(([rule, r]) => [rule, r!.severity] as [string, string]),
    ];
    for (const [alert, severity] of known) {
      add('mlwatch_alert_firing', 'Alert state: 1 firing, 0 not.', 'gauge', `mlwatch_alert_firing{${model},alert="${alert}",severity="${severity}"} ${firing.has(alert) ? 1 : 0}`);
    }
  }
  return families.text();
}
