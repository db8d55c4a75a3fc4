/**
 * What travels through Redis in a distributed drift run: queue names, each job's data and return
 * value (small: paths and byte counts; the partials themselves go to the shared storage
 * directory), the run directory's file names, and the report's encoding. The coordinator
 * (drift-flow.ts) and the workers (drift-worker.ts) both read this file, so the two cannot drift
 * apart.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptPartialError, errorCode } from '../../errors.js';
import type { DatasetDriftResult } from '../../drift/drift-suite.js';
import type { DistributedOptions } from '../../distributed/candidates.js';

/** Default prefix of the two queues (`<prefix>-partition`, `<prefix>-coordinate`). */
export const DEFAULT_QUEUE = 'mlwatch-drift';

/**
 * The two queues of a prefix. Partition jobs (profile, pass2) and coordinating jobs (merge,
 * finish) are in separate queues so that a deployment can run them on different machines
 * (`mlwatch worker --role partition` next to the data) and a flow's parent never waits behind its
 * own children for a worker slot.
 */
export function queueNames(prefix: string): { partition: string; coordinate: string } {
  return { partition: `${prefix}-partition`, coordinate: `${prefix}-coordinate` };
}

/** The options that reach the workers: DistributedOptions without the backend object (a name instead). */
export type PortableDriftOptions = Omit<DistributedOptions, 'backend'> & { backend?: string };

/** Pass 1 of one partition. */
export interface ProfileJob {
  runDir: string;
  partition: number;
  path: string;
  reference: string;
  buckets?: number;
  backend?: string;
}

/** The coordinator's step between the passes: merge the pass-1 partials, choose pass 2's buckets. */
export interface MergeJob {
  runDir: string;
  partitions: number;
  reference: string;
  options: PortableDriftOptions;
}

/** Pass 2 of one partition. */
export interface Pass2Job {
  runDir: string;
  partition: number;
  path: string;
  reference: string;
  backend?: string;
}

/** The report from the merged partial and the pass-2 parts. */
export interface FinishJob {
  runDir: string;
  partitions: number;
  reference: string;
  options: PortableDriftOptions;
}

/** What a partition job returns: where its partial is and how many bytes it has. */
export interface PartialWritten {
  partition: number;
  path: string;
  bytes: number;
}

/** What the merge job returns. */
export interface MergeDone {
  merged: string;
  request: string;
  mergedBytes: number;
  /** Finite current values of the numerical columns, and how many of them pass 2 ships. */
  finiteValues: number;
  shippedValues: number;
}

/** The run directory's files. */
export const runFiles = {
  reference: (runDir: string) => join(runDir, 'reference.profile'),
  pass1: (runDir: string, partition: number) => join(runDir, `pass1-${partition}.bin`),
  merged: (runDir: string) => join(runDir, 'merged.bin'),
  request: (runDir: string) => join(runDir, 'pass2-request.json'),
  pass2: (runDir: string, partition: number) => join(runDir, `pass2-${partition}.bin`),
};

/** A fresh run id: names the run directory and prefixes every job id of the run. */
export function newRunId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 16);
}

/** Job ids of a run (BullMQ refuses ids with ':' and plain integers). */
export const jobIds = {
  profile: (run: string, partition: number) => `${run}.profile.${partition}`,
  merge: (run: string) => `${run}.merge`,
  pass2: (run: string, partition: number) => `${run}.pass2.${partition}`,
  finish: (run: string) => `${run}.finish`,
};

/**
 * Reads a partial another job wrote. A missing file is reported as a corrupt partial: the job
 * that wrote it said it did, so the shared storage lost it (or it is not shared at all).
 */
export function readPartialFile(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new CorruptPartialError(what, `cannot read ${path}: ${(error as Error).message} (is the storage directory shared by every worker?)`, { cause: error });
  }
}

/**
 * An error as a job's failure reason: its mlwatch code first, so that the coordinator can give the
 * caller the code back (BullMQ keeps only the message of a failed job).
 */
export function failureReason(error: unknown): Error {
  const code = errorCode(error);
  const message = (error as Error)?.message ?? String(error);
  return new Error(code ? `${code}: ${message}` : message);
}

/** The code and message of a reason written by failureReason. */
export function parseFailure(reason: string): { code: string | undefined; message: string } {
  const m = /^(ERR_MLWATCH_[A-Z_]+): ([\s\S]*)$/.exec(reason);
  return m ? { code: m[1], message: m[2] } : { code: undefined, message: reason };
}

// JSON has no NaN or ±Infinity (a report may hold them: a statistic of a column without values
// is null, but thresholds and shares are plain numbers); they travel as tagged strings.
const NON_FINITE = '\u0000num:';

/** The report as JSON text that keeps NaN and ±Infinity. */
export function encodeReport(report: DatasetDriftResult): string {
  return JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? `${NON_FINITE}${v}` : v));
}

/** The report back from encodeReport's text. */
export function decodeReport(text: string): DatasetDriftResult {
  return JSON.parse(text, (_k, v) => (typeof v === 'string' && v.startsWith(NON_FINITE) ? Number(v.slice(NON_FINITE.length)) : v)) as DatasetDriftResult;
}
