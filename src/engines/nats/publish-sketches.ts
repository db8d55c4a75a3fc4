/**
 * publishSketches: every window, each monitor's latency sketch and counters, published to
 * JetStream by one serving instance. The message id `${model}-${instance}-${window}` makes a
 * re-send in the same window (a retry after a timeout, a second timer tick) a no-op: JetStream's
 * dedup drops it and answers `duplicate: true`.
 */
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import type { Clock } from '../../clock.js';
import { requireInteger, typeError } from '../../errors.js';
import type { MonitorRegistry } from '../../monitor/monitor-registry.js';
import { encodeSketchMessage, sketchMessageId, subjectToken } from './sketch-message.js';
import { DEFAULT_SUBJECT_PREFIX } from './sketch-stream.js';

export interface PublishSketchesOptions {
  /** Subject prefix (default 'mlwatch.sketch'): messages go to `<prefix>.<model>.<instance>`. */
  subjectPrefix?: string;
  /** Publishing window, ms (default 10 000). */
  windowMs?: number;
  /** This instance's name, unique among the publishers (e.g. the host name and port). */
  instance: string;
  /** Clock, epoch ms (default Date.now). */
  now?: Clock;
  /** Called with an error of a timed publish (a publish from publishNow() rejects instead). */
  onError?: (error: unknown) => void;
}

/** A running publisher. */
export interface SketchPublisher {
  /** Publishes every monitor's sketch for the current window now; the acks say which were duplicates. */
  publishNow(): Promise<PubAck[]>;
  /** Stops the timer (a publish in flight completes). */
  stop(): void;
}

/**
 * Starts publishing `registry`'s monitors every `windowMs` (the first publish one window from
 * now; call publishNow() for one at once). The stream must exist (ensureSketchStream).
 *
 * @throws TypeError/RangeError on bad options
 */
export function publishSketches(registry: MonitorRegistry, jetstream: JetStreamClient, options: PublishSketchesOptions): SketchPublisher {
  if (typeof options !== 'object' || options === null) throw typeError('an options object { instance, windowMs?, subjectPrefix? }', 'options', options);
  if (typeof options.instance !== 'string' || options.instance === '') throw typeError('a non-empty instance name', 'options.instance', options.instance);
  const windowMs = requireInteger(options.windowMs ?? 10_000, 'options.windowMs', 1);
  const prefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
  const now = options.now ?? Date.now;
  const { instance } = options;
  const publishNow = async (): Promise<PubAck[]> => {
    const window = Math.floor(now() / windowMs);
    return Promise.all(
      registry.names().map((model) => {
        const monitor = registry.get(model);
        const stats = monitor.stats;
        const body = encodeSketchMessage({
          v: 1,
          model,
          instance,
          window,
          windowMs,
          records: stats.records,
          errors: stats.errors,
          rejected: stats.rejected,
          sketch: Buffer.from(monitor.latencySketch.serialize()).toString('base64'),
        });
        return jetstream.publish(`${prefix}.${subjectToken(model)}.${subjectToken(instance)}`, body, { msgID: sketchMessageId(model, instance, window) });
      }),
    );
  };
  const timer = setInterval(() => publishNow().catch((e) => options.onError?.(e)), windowMs);
  timer.unref(); // a publisher must not keep a process alive on its own
  return { publishNow, stop: () => clearInterval(timer) };
}
