/**
 * mlwatch/nats: latency sketches of many serving instances, merged through NATS JetStream
 * (docs/distributed.md, "NATS"). @nats-io/jetstream and @nats-io/transport-node are optional peer
 * dependencies: only this subpath imports them.
 */
export { publishSketches } from './publish-sketches.js';
export type { PublishSketchesOptions, SketchPublisher } from './publish-sketches.js';
export { SketchAggregator } from './sketch-aggregator.js';
export type { MergedModel, SketchAggregatorOptions } from './sketch-aggregator.js';
export { ensureSketchStream, DEFAULT_STREAM, DEFAULT_SUBJECT_PREFIX } from './sketch-stream.js';
export type { SketchStreamOptions } from './sketch-stream.js';
export { sketchMessageId, decodeSketchMessage, encodeSketchMessage } from './sketch-message.js';
export type { SketchMessage } from './sketch-message.js';
export { connectNats } from './connect-nats.js';
