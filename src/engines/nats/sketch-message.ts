/**
 * The message mlwatch/nats publishes per model, instance and window: the monitor's latency sketch
 * (QuantileSketch.serialize, base64) and its counters, as JSON. The sketch and counters are
 * cumulative (since the monitor started), so the latest message of an instance replaces its
 * earlier ones and a lost message only delays the figures; the aggregator merges the latest of
 * every instance.
 */
import { QuantileSketch } from '../../sketch/quantile-sketch.js';
import { typeError } from '../../errors.js';

export interface SketchMessage {
  v: 1;
  model: string;
  instance: string;
  /** floor(epoch ms / windowMs) when it was published. */
  window: number;
  windowMs: number;
  records: number;
  errors: number;
  rejected: number;
  /** QuantileSketch.serialize(), base64. */
  sketch: string;
}

/** The JetStream message id: a sketch re-sent in the same window is dropped by the stream's dedup. */
export function sketchMessageId(model: string, instance: string, window: number): string {
  return `${model}-${instance}-${window}`;
}

/**
 * A subject token for a name: NATS subjects are dot-separated tokens without spaces or wildcards,
 * so anything outside [A-Za-z0-9_-] is written as `~` and its code point in hex.
 */
export function subjectToken(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/gu, (c) => `~${c.codePointAt(0)!.toString(16)}~`) || '~';
}

export function encodeSketchMessage(m: SketchMessage): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(m));
}

/**
 * A message from its bytes, with the sketch decoded.
 *
 * @throws TypeError when the bytes are not a sketch message (the sketch's own checks included)
 */
export function decodeSketchMessage(bytes: Uint8Array): { message: SketchMessage; sketch: QuantileSketch } {
  let m: SketchMessage;
  try {
    m = JSON.parse(new TextDecoder().decode(bytes)) as SketchMessage;
  } catch {
    throw typeError('a JSON sketch message', 'message', '(bytes that are not JSON)');
  }
  if (m?.v !== 1 || typeof m.model !== 'string' || typeof m.instance !== 'string' || !Number.isInteger(m.window) || typeof m.sketch !== 'string') throw typeError('a sketch message { v: 1, model, instance, window, sketch }', 'message', m);
  return { message: m, sketch: QuantileSketch.deserialize(new Uint8Array(Buffer.from(m.sketch, 'base64'))) };
}
