/**
 * SketchAggregator: reads the sketch stream (publish-sketches.ts), keeps the latest message of
 * every instance per model, and serves the merged figures as Prometheus text. QuantileSketch
 * merges exactly (bucket counts add), so the merged quantiles are those of one sketch over every
 * instance's latencies; records, errors and rejections add up.
 */
import { EventEmitter } from 'node:events';
import { DeliverPolicy, type ConsumerMessages, type JetStreamClient } from '@nats-io/jetstream';
import { requireNumber, typeError } from '../../errors.js';
import { escapeLabel, MetricFamilies, sampleValue } from '../../monitor/prometheus.js';
import { QuantileSketch } from '../../sketch/quantile-sketch.js';
import { decodeSketchMessage, type SketchMessage } from './sketch-message.js';
import { DEFAULT_STREAM, DEFAULT_SUBJECT_PREFIX } from './sketch-stream.js';

export interface SketchAggregatorOptions {
  /** Stream name (default 'MLWATCH_SKETCHES'). */
  stream?: string;
  /** Subject prefix (default 'mlwatch.sketch'). */
  subjectPrefix?: string;
}

/** One model's figures merged over its instances. */
export interface MergedModel {
  model: string;
  instances: string[];
  /** The newest window among the instances' latest messages. */
  window: number;
  records: number;
  errors: number;
  rejected: number;
  sketch: QuantileSketch;
}

/**
 * Consumes the stream until close(). Emits 'sketch' (message) for each message taken and 'error'
 * (error) for a message that does not decode (it is skipped).
 */
export class SketchAggregator extends EventEmitter {
  /** Per model, per instance: the message of the highest window seen, with its sketch. */
  private readonly latest = new Map<string, Map<string, { message: SketchMessage; sketch: QuantileSketch }>>();
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  /** Messages taken (a duplicate the stream dropped never arrives). */
  received = 0;

  private constructor() {
    super();
  }

  /**
   * Starts consuming `stream` from its start (an ordered consumer: no state on the server to
   * clean up; the stream keeps one message per model and instance, so the start is the latest).
   */
  static async start(jetstream: JetStreamClient, options: SketchAggregatorOptions = {}): Promise<SketchAggregator> {
    if (typeof options !== 'object' || options === null) throw typeError('an options object', 'options', options);
    const aggregator = new SketchAggregator();
    const consumer = await jetstream.consumers.get(options.stream ?? DEFAULT_STREAM, {
      // one subject as a string: an array needs nats-server 2.10, Debian 12 ships 2.9
      filter_subjects: `${options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX}.>`,
      deliver_policy: DeliverPolicy.All,
    });
    aggregator.messages = await consumer.consume();
    aggregator.loop = (async () => {
      for await (const m of aggregator.messages!) {
        try {
          aggregator.take(decodeSketchMessage(m.data));
        } catch (error) {
          if (aggregator.listenerCount('error') > 0) aggregator.emit('error', error);
        }
      }
    })();
    return aggregator;
  }

  /** Keeps a decoded message unless the instance already sent a later window. */
  private take(entry: { message: SketchMessage; sketch: QuantileSketch }): void {
    const { model, instance, window } = entry.message;
    const instances = this.latest.get(model) ?? new Map();
    const previous = instances.get(instance);
    if (!previous || previous.message.window <= window) instances.set(instance, entry);
    this.latest.set(model, instances);
    this.received++;
    this.emit('sketch', entry.message);
  }

  /** Every model's figures, merged over the latest message of each of its instances. */
  merged(): MergedModel[] {
    return [...this.latest].map(([model, instances]) => {
      const entries = [...instances.values()].sort((a, b) => (a.message.instance < b.message.instance ? -1 : 1));
      const first = entries[0].sketch;
      const sketch = new QuantileSketch({ relativeAccuracy: first.relativeAccuracy, maxBins: first.maxBins });
      for (const e of entries) sketch.merge(e.sketch);
      return {
        model,
        instances: entries.map((e) => e.message.instance),
        window: Math.max(...entries.map((e) => e.message.window)),
        records: entries.reduce((s, e) => s + e.message.records, 0),
        errors: entries.reduce((s, e) => s + e.message.errors, 0),
        rejected: entries.reduce((s, e) => s + e.message.rejected, 0),
        sketch,
      };
    });
  }

  /**
   * The merged figures in the Prometheus text format, with the monitors' metric names: latency
   * quantiles from the merged sketch (within its relative accuracy), _sum and _count, the
   * counters, and how many instances reported.
   */
  metrics(quantiles: readonly number[] = [0.5, 0.9, 0.99]): string {
    if (!Array.isArray(quantiles)) throw typeError('an array of quantiles in [0, 1]', 'quantiles', quantiles);
    quantiles.forEach((q, i) => requireNumber(q, `quantiles[${i}] (a quantile in [0, 1])`, 0, 1));
    const families = new MetricFamilies();
    for (const m of this.merged()) {
      const model = `model="${escapeLabel(m.model)}"`;
      if (m.sketch.count > 0) {
        const values = m.sketch.quantiles(quantiles);
        quantiles.forEach((q, i) => families.add('mlwatch_latency_ms', 'Request latency in milliseconds over all instances: quantiles of the merged sketches; sum and count over all time.', 'summary', `mlwatch_latency_ms{${model},quantile="${q}"} ${sampleValue(values[i])}`));
      }
      families.add('mlwatch_latency_ms', 'Request latency in milliseconds over all instances: quantiles of the merged sketches; sum and count over all time.', 'summary', `mlwatch_latency_ms_sum{${model}} ${sampleValue(m.sketch.sum)}`);
      families.add('mlwatch_latency_ms', '', 'summary', `mlwatch_latency_ms_count{${model}} ${m.sketch.count}`);
      families.add('mlwatch_records_total', 'Latency records, all instances.', 'counter', `mlwatch_records_total{${model}} ${m.records}`);
      families.add('mlwatch_errors_total', 'Failed requests, all instances.', 'counter', `mlwatch_errors_total{${model}} ${m.errors}`);
      families.add('mlwatch_rejected_records_total', 'Records refused for invalid values, all instances.', 'counter', `mlwatch_rejected_records_total{${model}} ${m.rejected}`);
      families.add('mlwatch_instances', 'Instances whose sketches are merged.', 'gauge', `mlwatch_instances{${model}} ${m.instances.length}`);
    }
    return families.text();
  }

  /** Stops consuming. */
  async close(): Promise<void> {
    await this.messages?.close();
    await this.loop?.catch(() => {});
  }
}
