/**
 * DistributedDrift: DriftDetector's report over a table split into partitions that never meet,
 * in two passes, with no engine assumed (a queue worker calls these; docs/distributed.md):
 *
 *   profilePartition(part, reference, { partition })   each partition -> pass-1 bytes
 *   mergeProfiles(bytes[])                              coordinator: one merged partial
 *   candidates(merged, reference, options)              coordinator: pass 2's request (JSON-safe)
 *   pass2Partition(part, request)                       each partition -> pass-2 bytes
 *   finishReport(merged, pass2Bytes[], reference, options) -> DatasetDriftResult
 */
import type { FeatureMatrix } from '../matrix.js';
import type { ColumnTable } from '../drift/column-table.js';
import type { ReferenceProfile } from '../drift/reference-profile.js';
import { candidates } from './candidates.js';
import { finishDistances, finishReport } from './finish-report.js';
import { mergeProfiles } from './merge-profiles.js';
import { decodePartial, encodePartial } from './partial-format.js';
import { partialOfPartition, type PartitionOptions } from './partial-profile.js';
import { passTwoOfPartition } from './pass-two.js';
import type { Pass2Request } from './candidates.js';
import type { Backend } from '../backend/contract.js';

/**
 * Pass 1 of one partition: its PartialProfile's bytes (snapshot kind 5).
 *
 * @throws TypeError/RangeError naming the argument on malformed input or options
 */
export function profilePartition(current: FeatureMatrix | ColumnTable, reference: ReferenceProfile, options: PartitionOptions): Uint8Array {
  return encodePartial(partialOfPartition(current, reference, options));
}

/**
 * Pass 2 of one partition (the rows its pass 1 read): the bytes finishReport reads (snapshot kind 6).
 *
 * @throws TypeError/RangeError when a requested column is missing or not numbers
 */
export function pass2Partition(current: FeatureMatrix | ColumnTable, request: Pass2Request, backend?: Backend): Uint8Array {
  return passTwoOfPartition(current, request, backend);
}

/** The driver functions together, for a worker to import as one object. */
export const DistributedDrift = { profilePartition, mergeProfiles, candidates, pass2Partition, finishReport, finishDistances, encodePartial, decodePartial } as const;

export { candidates, finishDistances, finishReport, mergeProfiles, encodePartial, decodePartial };
