/**
 * runDistributedDrift: DriftDetector's report over partition files, computed by BullMQ workers
 * (drift-worker.ts) in two flows:
 *
 *   flow 1   merge  <- profile(partition 0) … profile(partition n-1)
 *   flow 2   finish <- pass2(partition 0) … pass2(partition n-1)
 *
 * A flow's parent runs when all its children are done (BullMQ's dependency tracking), so the
 * merge step sees every pass-1 partial and the finish step every pass-2 part; the coordinator
 * only queues the flows and waits. Partials never go through Redis: each job writes its file into
 * a run directory under `storage` (shared by every worker: NFS, a mounted volume) and returns the
 * path. The run directory is removed at the end, also when the run fails.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FlowProducer, Job, Queue, QueueEvents } from 'bullmq';
import { getBackend } from '../../backend/registry.js';
import { DistributedJobError, typeError } from '../../errors.js';
import { hasSnapshotMagic } from '../../persist/snapshot-format.js';
import { ReferenceProfile } from '../../drift/reference-profile.js';
import type { DatasetDriftResult } from '../../drift/drift-suite.js';
import type { DistributedOptions } from '../../distributed/candidates.js';
import { profileOfFile } from '../../batch/file-drift.js';
import { openTable } from '../../batch/readers/open-table.js';
import { DEFAULT_QUEUE, decodeReport, jobIds, newRunId, parseFailure, queueNames, runFiles, type FinishJob, type MergeDone, type MergeJob, type Pass2Job, type PartialWritten, type PortableDriftOptions, type ProfileJob } from './drift-jobs.js';
import { checkRedis, redisFields, type RedisConnection } from './redis-connection.js';

export interface DistributedRunOptions extends DistributedOptions {
  /** Equi-depth steps of the reference buckets (default 1024): more ship fewer values in pass 2, with larger pass-1 partials. */
  buckets?: number;
  /** Queue prefix (default 'mlwatch-drift'); the workers must use the same. */
  queue?: string;
  /** Give up (and clean up) when a flow has not finished after this long, ms (default 30 minutes). */
  timeoutMs?: number;
  /** With a table file as the reference: its columns to compare (default all) and numeric columns to read as categories. */
  include?: string[];
  categorical?: string[];
  /** Called once at the end with what the run moved. */
  onStats?: (stats: DistributedRunStats) => void;
}

/** What a run moved between machines, in bytes (all of it through the storage directory). */
export interface DistributedRunStats {
  runId: string;
  partitions: number;
  /** Pass-1 partial of each partition, in partition order. */
  pass1Bytes: number[];
  mergedBytes: number;
  /** Pass-2 part of each partition. */
  pass2Bytes: number[];
  finiteValues: number;
  shippedValues: number;
}

export interface DistributedRun {
  /** Partition files (CSV, Arrow IPC, Parquet), each read whole by one job: partition i is partitions[i]. */
  partitions: readonly string[];
  /** The reference: a profile, or the path of a saved profile or of a table file (profiled here, once). */
  reference: ReferenceProfile | string;
  /** Where Redis is. */
  connection: RedisConnection;
  /** A directory every worker can read and write: the run's partials go into a fresh directory under it. */
  storage: string;
  options?: DistributedRunOptions;
}

async function referenceOf(reference: ReferenceProfile | string, options: DistributedRunOptions): Promise<ReferenceProfile> {
  if (reference instanceof ReferenceProfile) return reference;
  if (typeof reference !== 'string') throw typeError('a ReferenceProfile or a file path', 'reference', reference);
  let head: Buffer | undefined;
  try {
    head = readFileSync(reference).subarray(0, 4);
  } catch {
    // openTable below names the problem
  }
  if (head && hasSnapshotMagic(head)) return ReferenceProfile.load(reference);
  const { profile } = await profileOfFile(await openTable(reference), { include: options.include, categorical: options.categorical, backend: options.backend, thread: 'caller' });
  return profile;
}

function portable(options: DistributedRunOptions): PortableDriftOptions {
  const { backend, onStats: _s, timeoutMs: _t, queue: _q, buckets: _b, include: _i, categorical: _c, ...rest } = options;
  return { ...rest, backend: (backend ?? getBackend()).name };
}

/**
 * The failure of a flow as a DistributedJobError: the first failed child's reason (a parent
 * failed because of a child says only "child … failed"), else the parent's own.
 */
async function flowError(queue: Queue, childIds: string[], parent: string, parentId: string, reason: string): Promise<DistributedJobError> {
  for (const id of childIds) {
    const job = await Job.fromId(queue, id).catch(() => undefined);
    if (job?.failedReason) {
      const { code, message } = parseFailure(job.failedReason);
      return new DistributedJobError(job.name, (job.data as { partition: number }).partition, code, message);
    }
  }
  const { code, message } = parseFailure(reason);
  return new DistributedJobError(parent, undefined, code, message || `job ${parentId} failed`);
}

/**
 * Runs the two flows and returns the DatasetDriftResult that DriftDetector.detect gives on the
 * concatenated partitions (docs/distributed.md says why it is exact). Workers must be running
 * (startDriftWorker, or `mlwatch worker`) on the same Redis and queue prefix.
 *
 * @throws EngineUnavailableError when Redis cannot be reached (before anything is queued)
 * @throws DistributedJobError when a job fails: missing or unreadable partition file (causeCode
 *   ERR_MLWATCH_INPUT_FILE), a partial that does not parse (ERR_MLWATCH_CORRUPT_PARTIAL), a timeout
 */
export async function runDistributedDrift(run: DistributedRun): Promise<DatasetDriftResult> {
  if (typeof run !== 'object' || run === null) throw typeError('{ partitions, reference, connection, storage, options? }', 'run', run);
  const { partitions, storage } = run;
  if (!Array.isArray(partitions) || partitions.length === 0 || partitions.some((p) => typeof p !== 'string')) throw typeError('a non-empty array of partition file paths', 'partitions', partitions);
  if (typeof storage !== 'string' || storage === '') throw typeError('a directory path', 'storage', storage);
  const options = run.options ?? {};
  const fields = redisFields(run.connection);
  await checkRedis(fields);
  const reference = await referenceOf(run.reference, options);
  const connection = { ...fields, maxRetriesPerRequest: null };
  const names = queueNames(options.queue ?? DEFAULT_QUEUE);
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const runId = newRunId();
  const runDir = join(resolve(storage), `mlwatch-run-${runId}`);
  mkdirSync(runDir, { recursive: true });
  const referencePath = runFiles.reference(runDir);
  const flows = new FlowProducer({ connection });
  const events = new QueueEvents(names.coordinate, { connection });
  const partitionQueue = new Queue(names.partition, { connection });
  const coordinateQueue = new Queue(names.coordinate, { connection });
  for (const c of [flows, events, partitionQueue, coordinateQueue]) (c as { on(e: 'error', f: () => void): void }).on('error', () => {});
  const paths = partitions.map((p) => resolve(p));
  const driftOptions = portable(options);
  const backend = driftOptions.backend;
  // children fail their parent at once (no waiting for a parent that can never run); finished
  // jobs are dropped from Redis after a day (their files are gone with the run directory anyway)
  const childOpts = { failParentOnFailure: true, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } };
  const allIds = [
    ...paths.map((_, i) => jobIds.profile(runId, i)),
    ...paths.map((_, i) => jobIds.pass2(runId, i)),
  ];
  try {
    reference.save(referencePath);
    await events.waitUntilReady();
    const flow = async <T>(parent: string, parentId: string, data: MergeJob | FinishJob, children: { name: string; id: string; data: ProfileJob | Pass2Job }[]): Promise<T> => {
      const node = await flows.add({
        name: parent,
        queueName: names.coordinate,
        data,
        opts: { jobId: parentId, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } },
        children: children.map((c) => ({ name: c.name, queueName: names.partition, data: c.data, opts: { ...childOpts, jobId: c.id } })),
      });
      try {
        return (await node.job.waitUntilFinished(events, timeoutMs)) as T;
      } catch (error) {
        throw await flowError(partitionQueue, children.map((c) => c.id), parent, parentId, (error as Error).message);
      }
    };
    const merge = await flow<MergeDone>(
      'merge',
      jobIds.merge(runId),
      { runDir, partitions: paths.length, reference: referencePath, options: driftOptions },
      paths.map((path, partition) => ({ name: 'profile', id: jobIds.profile(runId, partition), data: { runDir, partition, path, reference: referencePath, buckets: options.buckets, backend } })),
    );
    const pass1Sizes = await Promise.all(paths.map(async (_, i) => ((await Job.fromId(partitionQueue, jobIds.profile(runId, i)))?.returnvalue as PartialWritten | undefined)?.bytes ?? NaN));
    const finished = await flow<{ report: string; pass2: PartialWritten[] }>(
      'finish',
      jobIds.finish(runId),
      { runDir, partitions: paths.length, reference: referencePath, options: driftOptions },
      paths.map((path, partition) => ({ name: 'pass2', id: jobIds.pass2(runId, partition), data: { runDir, partition, path, reference: referencePath, backend } })),
    );
    options.onStats?.({
      runId,
      partitions: paths.length,
      pass1Bytes: pass1Sizes,
      mergedBytes: merge.mergedBytes,
      pass2Bytes: finished.pass2.map((p) => p.bytes),
      finiteValues: merge.finiteValues,
      shippedValues: merge.shippedValues,
    });
    return decodeReport(finished.report);
  } catch (error) {
    // jobs of the run still waiting would only fail on the removed directory: drop them
    await Promise.allSettled(allIds.map((id) => partitionQueue.remove(id)));
    throw error;
  } finally {
    rmSync(runDir, { recursive: true, force: true });
    await Promise.allSettled([flows.close(), events.close(), partitionQueue.close(), coordinateQueue.close()]);
  }
}
