/**
 * startDriftWorker: a BullMQ worker for distributed drift runs (drift-flow.ts queues them). It
 * runs four kinds of job:
 *
 *   profile  (partition queue)   read one partition file, profilePartition, write its pass-1 partial
 *   merge    (coordinate queue)  mergeProfiles over the partials, candidates: pass 2's request
 *   pass2    (partition queue)   read the partition again, pass2Partition, write its pass-2 part
 *   finish   (coordinate queue)  finishReport: the DatasetDriftResult, returned through Redis
 *
 * Every job is idempotent (it writes its own file atomically, by a name fixed by the run and the
 * partition), so BullMQ's stalled-job retry — a worker killed mid-job loses its lock and another
 * worker runs the job again — gives the same bytes and the same report.
 */
import { hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { Worker, type Job } from 'bullmq';
import { getBackend, useBackend } from '../../backend/registry.js';
import type { BackendName } from '../../backend/contract.js';
import { rangeError, requireInteger } from '../../errors.js';
import { ReferenceProfile } from '../../drift/reference-profile.js';
import { candidates, type DistributedOptions, type Pass2Request } from '../../distributed/candidates.js';
import { finishReport } from '../../distributed/finish-report.js';
import { mergeProfiles } from '../../distributed/merge-profiles.js';
import { encodePartial } from '../../distributed/partial-format.js';
import { profilePartition, pass2Partition } from '../../distributed/distributed-drift.js';
import { readPartition } from '../../distributed/read-partition.js';
import { writeFileAtomic } from '../../persist/atomic-write.js';
import { DEFAULT_QUEUE, encodeReport, failureReason, queueNames, readPartialFile, runFiles, type FinishJob, type MergeDone, type MergeJob, type Pass2Job, type PartialWritten, type PortableDriftOptions, type ProfileJob } from './drift-jobs.js';
import { redisFields, type RedisConnection } from './redis-connection.js';

export interface DriftWorkerOptions {
  /** Where Redis is (a redis:// URL or { host, port }). */
  connection: RedisConnection;
  /** Jobs run at once per queue (default 1: a partition job is CPU-bound, one per core is the most that helps). */
  concurrency?: number;
  /** Queue prefix (default 'mlwatch-drift'); the coordinator must use the same. */
  queue?: string;
  /** Which jobs to run: partition jobs, coordinating jobs, or both (default). */
  role?: 'partition' | 'coordinate' | 'all';
  /**
   * How long a job's lock lasts without renewal, ms (default BullMQ's 30 000). A worker that dies
   * mid-job is noticed after about this long and its job handed to another worker.
   */
  lockMs?: number;
  /** Name recorded on each job it takes (job.processedBy); default `mlwatch-<host>-<pid>`. */
  name?: string;
}

/** A running worker: close() finishes the jobs in progress, then disconnects. */
export interface DriftWorker {
  readonly name: string;
  /** Resolves once every queue's worker is connected and listening. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** The active backend, or the one named by the coordinator when this worker has it. */
function backendOf(name: string | undefined) {
  if (name === undefined || name === getBackend().name) return getBackend();
  useBackend(name as BackendName);
  return getBackend();
}

/** The reference profiles this worker read, by path: every job of a run reads the same one. */
const references = new Map<string, ReferenceProfile>();

function referenceAt(path: string): ReferenceProfile {
  let profile = references.get(path);
  if (!profile) {
    profile = ReferenceProfile.fromBytes(readPartialFile(path, 'the run\'s reference profile'));
    // one run at a time is the common case: keep the last few, not every run's
    if (references.size >= 4) references.delete(references.keys().next().value!);
    references.set(path, profile);
  }
  return profile;
}

function driftOptions(options: PortableDriftOptions): DistributedOptions {
  const { backend, ...rest } = options;
  return { ...rest, backend: backendOf(backend) };
}

/** The partials the children of a parent job wrote, in partition order. */
async function childPartials(job: Job, expected: number, what: string): Promise<PartialWritten[]> {
  const values = Object.values(await job.getChildrenValues<PartialWritten>());
  if (values.length !== expected) throw rangeError(`${expected} ${what} results`, `job ${job.id}`, `${values.length}`);
  return values.sort((a, b) => a.partition - b.partition);
}

async function runProfile(data: ProfileJob): Promise<PartialWritten> {
  const reference = referenceAt(data.reference);
  const table = await readPartition(data.path, reference);
  const bytes = profilePartition(table, reference, { partition: data.partition, buckets: data.buckets, backend: backendOf(data.backend) });
  const path = runFiles.pass1(data.runDir, data.partition);
  writeFileAtomic(path, bytes);
  return { partition: data.partition, path, bytes: bytes.length };
}

async function runMerge(job: Job<MergeJob>): Promise<MergeDone> {
  const data = job.data;
  const parts = await childPartials(job, data.partitions, 'pass-1');
  const merged = mergeProfiles(parts.map((p) => readPartialFile(p.path, `the pass-1 partial of partition ${p.partition}`)));
  const request = candidates(merged, referenceAt(data.reference), driftOptions(data.options));
  const mergedBytes = encodePartial(merged);
  writeFileAtomic(runFiles.merged(data.runDir), mergedBytes);
  writeFileAtomic(runFiles.request(data.runDir), Buffer.from(JSON.stringify(request)));
  return { merged: runFiles.merged(data.runDir), request: runFiles.request(data.runDir), mergedBytes: mergedBytes.length, finiteValues: request.finiteValues, shippedValues: request.shippedValues };
}

async function runPass2(data: Pass2Job): Promise<PartialWritten> {
  const reference = referenceAt(data.reference);
  const request = JSON.parse(readFileSync(runFiles.request(data.runDir), 'utf8')) as Pass2Request;
  const table = await readPartition(data.path, reference);
  const bytes = pass2Partition(table, request, backendOf(data.backend));
  const path = runFiles.pass2(data.runDir, data.partition);
  writeFileAtomic(path, bytes);
  return { partition: data.partition, path, bytes: bytes.length };
}

async function runFinish(job: Job<FinishJob>): Promise<{ report: string; pass2: PartialWritten[] }> {
  const data = job.data;
  const parts = await childPartials(job, data.partitions, 'pass-2');
  const merged = readPartialFile(runFiles.merged(data.runDir), 'the merged pass-1 partial');
  const pass2 = parts.map((p) => readPartialFile(p.path, `the pass-2 part of partition ${p.partition}`));
  const report = finishReport(merged, pass2, referenceAt(data.reference), driftOptions(data.options));
  return { report: encodeReport(report), pass2: parts };
}

/** Runs one job; any error becomes a failure reason that starts with its mlwatch code. */
async function processJob(job: Job): Promise<unknown> {
  try {
    switch (job.name) {
      case 'profile':
        return await runProfile(job.data as ProfileJob);
      case 'merge':
        return await runMerge(job as Job<MergeJob>);
      case 'pass2':
        return await runPass2(job.data as Pass2Job);
      case 'finish':
        return await runFinish(job as Job<FinishJob>);
      default:
        throw rangeError('a profile, merge, pass2 or finish job', 'job.name', JSON.stringify(job.name));
    }
  } catch (error) {
    throw failureReason(error);
  }
}

/**
 * Starts a worker for distributed drift runs on the queues of `options.queue`; it runs until
 * close(). Start one per core on every machine that can read the partition files and the shared
 * storage directory (`mlwatch worker --redis URL` does this from the command line).
 *
 * @throws TypeError/RangeError on bad options (Redis is not contacted before the first job)
 */
export function startDriftWorker(options: DriftWorkerOptions): DriftWorker {
  const connection = { ...redisFields(options.connection, 'options.connection'), maxRetriesPerRequest: null };
  const concurrency = requireInteger(options.concurrency ?? 1, 'options.concurrency', 1, 1024);
  const role = options.role ?? 'all';
  if (!['partition', 'coordinate', 'all'].includes(role)) throw rangeError("'partition', 'coordinate' or 'all'", 'options.role', JSON.stringify(role));
  const lockDuration = options.lockMs === undefined ? undefined : requireInteger(options.lockMs, 'options.lockMs', 100);
  const name = options.name ?? `mlwatch-${hostname()}-${process.pid}`;
  const queues = queueNames(options.queue ?? DEFAULT_QUEUE);
  const settings = {
    connection,
    concurrency,
    name,
    ...(lockDuration === undefined ? {} : { lockDuration, stalledInterval: Math.max(50, Math.floor(lockDuration / 2)) }),
    // a job whose worker died twice is more likely to kill workers than to be unlucky
    maxStalledCount: 2,
  };
  const workers: Worker[] = [];
  if (role !== 'coordinate') workers.push(new Worker(queues.partition, processJob, settings));
  if (role !== 'partition') workers.push(new Worker(queues.coordinate, processJob, settings));
  // A Redis outage is retried by the workers' connections; the error events only say so.
  for (const w of workers) w.on('error', () => {});
  return {
    name,
    ready: Promise.all(workers.map((w) => w.waitUntilReady())).then(() => undefined),
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
