/**
 * The JetStream stream the sketches go through: subjects `<prefix>.<model>.<instance>`, one
 * message kept per subject (the latest cumulative sketch of an instance is all the aggregator
 * needs, so the stream's size is bounded by models × instances), and a duplicate window that
 * covers a re-send within the same publishing window.
 */
import type { JetStreamManager } from '@nats-io/jetstream';

export interface SketchStreamOptions {
  /** Stream name (default 'MLWATCH_SKETCHES'). */
  stream?: string;
  /** Subject prefix (default 'mlwatch.sketch'). */
  subjectPrefix?: string;
  /** Duplicate window, ms (default 2 minutes; make it at least the publishing window). */
  duplicateWindowMs?: number;
}

export const DEFAULT_STREAM = 'MLWATCH_SKETCHES';
export const DEFAULT_SUBJECT_PREFIX = 'mlwatch.sketch';

/** Creates the stream, or updates its duplicate window and limits when it exists; returns its name. */
export async function ensureSketchStream(jsm: JetStreamManager, options: SketchStreamOptions = {}): Promise<string> {
  const name = options.stream ?? DEFAULT_STREAM;
  const prefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
  const config = { subjects: [`${prefix}.>`], max_msgs_per_subject: 1, duplicate_window: (options.duplicateWindowMs ?? 120_000) * 1_000_000 };
  try {
    await jsm.streams.info(name);
    await jsm.streams.update(name, config);
  } catch (error) {
    if (!/not found/i.test((error as Error).message)) throw error;
    await jsm.streams.add({ name, ...config });
  }
  return name;
}
