/**
 * The worker thread's side of file jobs (see job-thread.ts): for each job, opens the tables again,
 * selects the backend by name, runs the job and posts progress, the result or the error back.
 */
import { parentPort } from 'node:worker_threads';
import { useBackend } from '../backend/registry.js';
import { ReferenceProfile, type ProfileParts } from '../drift/reference-profile.js';
import { driftInThisThread, profileInThisThread, type FileDriftOptions } from './file-drift.js';
import { serializeError, type JobMessage, type JobRequest, type JobTable } from './job-thread.js';
import { openTable } from './readers/open-table.js';
import { parquetAbortOf, parquetAborted } from './readers/parquet-source.js';

const post = (message: JobMessage) => parentPort!.postMessage(message);

async function tableOf(table: JobTable) {
  return 'path' in table ? openTable(table.path) : ReferenceProfile.fromParts(table.profile as ProfileParts);
}

async function run(request: JobRequest): Promise<unknown> {
  const backend = useBackend(request.backend);
  const options: FileDriftOptions = { ...request.options, backend, onProgress: (progress) => post({ type: 'progress', progress }) };
  if (request.kind === 'drift') {
    const current = await tableOf(request.current);
    if (current instanceof ReferenceProfile) throw new TypeError('the current side of a drift job must be a file');
    return driftInThisThread(await tableOf(request.reference), current, options, request.runDir);
  }
  const source = await tableOf(request.source);
  if (source instanceof ReferenceProfile) throw new TypeError('a profile job reads a file');
  const { profile, use } = await profileInThisThread(source, options, request.runDir);
  return { profile: profile.parts(), use };
}

let running = false;

// An exception nothing awaited (parquet-wasm aborting on a damaged file: parquetAbortOf) is the
// running job's error, and the caller then ends this worker, whose state it cannot trust. Between
// jobs there is nobody to tell: the worker ends itself (it leaves the idle pool).
process.on('uncaughtException', (error) => {
  if (!running) process.exit(1);
  post({ type: 'error', error: serializeError(parquetAbortOf(error) ?? error), fatal: true });
});

// One job at a time: the caller hands a worker a new job only after the last one's answer. A job
// after which parquet-wasm cannot be used in this thread (it aborted, its trap caught) ends the worker too.
parentPort!.on('message', (request: JobRequest) => {
  running = true;
  run(request).then(
    (result) => {
      running = false;
      post({ type: 'done', result });
    },
    (error: unknown) => {
      running = false;
      post({ type: 'error', error: serializeError(error), fatal: parquetAborted() });
    },
  );
});
