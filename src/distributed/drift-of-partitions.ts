/**
 * driftOfPartitions: the two passes over partition files in this process, one partition in memory
 * at a time — the same steps the BullMQ workers run (mlwatch/bullmq), without an engine. It is
 * `mlwatch drift --partitions` without `--redis`, and the one-process baseline the engine is
 * measured against.
 */
import type { DatasetDriftResult } from '../drift/drift-suite.js';
import type { ReferenceProfile } from '../drift/reference-profile.js';
import { candidates, type DistributedOptions } from './candidates.js';
import { profilePartition, pass2Partition } from './distributed-drift.js';
import { finishReport } from './finish-report.js';
import { mergeProfiles } from './merge-profiles.js';
import { readPartition } from './read-partition.js';

/**
 * The report DriftDetector.detect gives on the concatenated partition files, each file read
 * twice (once per pass) so that only one partition is held at a time.
 *
 * @throws InputFileError for a missing or unreadable partition file
 */
export async function driftOfPartitions(paths: readonly string[], reference: ReferenceProfile, options: DistributedOptions & { buckets?: number } = {}): Promise<DatasetDriftResult> {
  const { buckets, ...driftOptions } = options;
  const pass1: Uint8Array[] = [];
  for (const [partition, path] of paths.entries()) pass1.push(profilePartition(await readPartition(path, reference), reference, { partition, buckets, backend: options.backend }));
  const merged = mergeProfiles(pass1);
  const request = candidates(merged, reference, driftOptions);
  const pass2: Uint8Array[] = [];
  for (const path of paths) pass2.push(pass2Partition(await readPartition(path, reference), request, options.backend));
  return finishReport(merged, pass2, reference, driftOptions);
}
