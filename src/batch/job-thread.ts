/**
 * File jobs (driftOfFiles, profileOfFile) run on a worker thread, so that the caller's event loop
 * never waits for them: decoding a Parquet row group, filtering and collecting a chunk, sorting a
 * spilled run or merging a column from disk each take from tens of milliseconds to seconds, and
 * a server that runs a job beside its requests must keep answering. The worker gets the files'
 * paths (it opens them again), the options without their functions, the backend's name and the
 * run directory, and posts back progress, the result, or the error (rebuilt here with its class
 * and fields). The run directory stays with the caller, which removes it after the worker ended.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BackendName } from '../backend/contract.js';
import { errorCode, InputFileError, JobStoppedError } from '../errors.js';

/** A table side as the worker opens it: a file path, or a profile's parts (cloned into the worker). */
export type JobTable = { path: string } | { profile: unknown };

/** What a worker is asked to do. */
export type JobRequest =
  | { kind: 'drift'; reference: JobTable; current: JobTable; options: Record<string, unknown>; backend: BackendName; runDir: string }
  | { kind: 'profile'; source: JobTable; options: Record<string, unknown>; backend: BackendName; runDir: string };

/** What a worker posts back. */
export type JobMessage =
  | { type: 'progress'; progress: unknown }
  | { type: 'done'; result: unknown }
  /** fatal: the worker is not to be trusted after it (an error nothing awaited, a decoder that aborted): ended, not kept. */
  | { type: 'error'; error: SerializedError; fatal?: boolean };

/** An error as it crosses threads: its class by name and the fields its constructor needs. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  path?: string;
  row?: number;
  column?: string;
}

/** The fields of an error, for postMessage. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof InputFileError) return { name: error.name, message: error.message, path: error.path, row: error.row, column: error.column };
  if (error instanceof Error) return { name: error.name, message: error.message, code: errorCode(error) };
  return { name: 'Error', message: String(error) };
}

/** The error a worker threw, as the same class with the same message and fields. */
function rebuildError(e: SerializedError): Error {
  let error: Error;
  if (e.name === 'InputFileError') error = new InputFileError(e.path ?? '', e.row, e.column, '');
  else if (e.name === 'RangeError') error = new RangeError();
  else if (e.name === 'TypeError') error = new TypeError();
  else {
    error = new Error();
    error.name = e.name;
  }
  error.message = e.message;
  if (e.code !== undefined && !('code' in error)) Object.defineProperty(error, 'code', { value: e.code, enumerable: true });
  return error;
}

/**
 * How the worker's entry module is loaded: the compiled .js beside this file, or, when mlwatch
 * runs from its TypeScript sources (its own tests), the .ts file through tsx's loader.
 */
function workerEntry(): { entry: string; tsx: string | undefined } {
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSources ? './job-worker.ts' : './job-worker.js', import.meta.url).href;
  const tsx = fromSources ? tsxLoader() : undefined;
  return { entry, tsx };
}

/** The URL of tsx's ES module API (its CommonJS form cannot be imported from a worker's bootstrap). */
function tsxLoader(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return new URL(exports['./esm/api'].import.default, pathToFileURL(manifest)).href;
}

// A CommonJS bootstrap (the only kind `eval` takes) that loads the ES module entry.
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  await import(workerData.entry);
})();
`;

/** Idle workers kept for the next job (starting one costs 0.1-0.3 s); unreferenced, so they never keep the process alive. */
const idle: Worker[] = [];
const MAX_IDLE = 2;

function acquireWorker(): Worker {
  const kept = idle.pop();
  if (kept) {
    kept.ref();
    return kept;
  }
  const worker = new Worker(BOOTSTRAP, { eval: true, workerData: workerEntry() });
  // a kept worker that ends (it should not) leaves the pool
  worker.on('exit', () => {
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
  });
  return worker;
}

function releaseWorker(worker: Worker): void {
  if (idle.length >= MAX_IDLE) {
    void worker.terminate();
    return;
  }
  worker.unref();
  idle.push(worker);
}

/**
 * Runs a job on a worker thread (a kept one when there is one idle) and resolves with its result;
 * progress reports are handed to onProgress on the caller's thread. Rejects with the job's own
 * error (its files closed and deleted by then), one thrown outside the job's awaited chain
 * included (an InputFileError for a Parquet file parquet-wasm aborted on: that worker is then
 * ended, not kept), or with an Error saying that the worker stopped (out of memory, say) without
 * finishing. A throwing onProgress stops the job and rejects with
 * what it threw, once the worker has ended.
 */
export function runOnWorker<T>(request: JobRequest, onProgress?: (progress: never) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = acquireWorker();
    let failed: Error | undefined;
    const finish = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    // ends the job with `error`: it settles in onExit, when the worker's files are closed
    const stop = (error: Error) => {
      failed = error;
      void worker.terminate();
    };
    const onMessage = (message: JobMessage) => {
      if (failed) return;
      if (message.type === 'progress') {
        try {
          onProgress?.(message.progress as never);
        } catch (error) {
          stop(error as Error);
        }
        return;
      }
      if (message.type === 'error' && message.fatal) {
        stop(rebuildError(message.error));
        return;
      }
      finish();
      releaseWorker(worker);
      if (message.type === 'done') resolve(message.result as T);
      else reject(rebuildError(message.error));
    };
    const onError = (error: Error) => {
      failed ??= error;
    };
    const onExit = (code: number) => {
      finish();
      reject(failed ?? new JobStoppedError(code));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(request);
  });
}
