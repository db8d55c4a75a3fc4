/**
 * mlwatch's errors, all in this file, each with a stable `code` to switch on (the messages may be
 * reworded; the codes stay):
 * - argument errors ("Expected X for name but received Y"): TypeError or RangeError with code
 *   ERR_MLWATCH_INVALID_ARGUMENT; every public function checks its arguments with these before
 *   any native code touches memory;
 * - InputFileError (ERR_MLWATCH_INPUT_FILE): a table file that cannot be read, naming file, row, column;
 * - UsageError (ERR_MLWATCH_USAGE): a command line the `mlwatch` command cannot take;
 * - BackendUnavailableError (ERR_MLWATCH_BACKEND_UNAVAILABLE): a backend asked for by name that
 *   this machine cannot run, with the reason;
 * - DetachedInputError (ERR_MLWATCH_DETACHED_INPUT): an input buffer transferred or resized while
 *   an async call used it;
 * - JobStoppedError (ERR_MLWATCH_JOB_STOPPED): a file job's worker thread ended without an answer;
 * - the model server's answers to a request (each carries its HTTP status): InferInputError (400),
 *   ModelNotServedError (404), ServerOverloadedError (429), InferTimeoutError (504);
 * - the model registry's: RegistryNotFoundError, InvalidRefError, ArtifactIntegrityError,
 *   SignatureMismatchError, PolicyError, AliasConflictError, ForbiddenError and StoreError;
 * - ExperimentDecisionError: promoting an experiment's winner before its analysis says ship;
 *   ExperimentStateError: an experiment of the registry's database created twice, synced or ended
 *   after it ended, or used with a definition other than the stored one;
 * - the continuous-learning pipeline's: PipelineConfigError (a pipeline or learner built wrong),
 *   PipelineBusyError (another run of the model is running), PipelineStateError (a run that
 *   cannot be resumed);
 * - CorruptPartialError: bytes of a distributed drift partial that cannot be trusted;
 * - the distributed engines' (mlwatch/bullmq, mlwatch/nats): EngineUnavailableError (Redis or
 *   NATS cannot be reached), DistributedJobError (a job of a distributed drift run failed, with
 *   the failing job's own error code as causeCode).
 */

/** Every code an mlwatch error carries, with its meaning. */
export const ERROR_CODES = {
  ERR_MLWATCH_INVALID_ARGUMENT: 'an argument of the wrong type or with an unusable value (a TypeError or RangeError)',
  ERR_MLWATCH_INPUT_FILE: 'a table file that cannot be read (InputFileError: path, row, column)',
  ERR_MLWATCH_USAGE: 'a command line the mlwatch command cannot take (UsageError)',
  ERR_MLWATCH_BACKEND_UNAVAILABLE: 'a backend this machine cannot run (BackendUnavailableError: backend, reason)',
  ERR_MLWATCH_DETACHED_INPUT: 'an input transferred or resized while an async call used it (DetachedInputError)',
  ERR_MLWATCH_JOB_STOPPED: "a file job's worker thread ended without an answer (JobStoppedError)",
  ERR_MLWATCH_INFER_INPUT: 'an inference request the model cannot take: its body, an input tensor, its shape or datatype (InferInputError, HTTP 400)',
  ERR_MLWATCH_MODEL_NOT_SERVED: 'a model name or version the server does not serve (ModelNotServedError, HTTP 404)',
  ERR_MLWATCH_OVERLOADED: 'the server is at its limit of queued rows or concurrent requests (ServerOverloadedError, HTTP 429)',
  ERR_MLWATCH_INFER_TIMEOUT: 'an inference request that did not finish within timeoutMs (InferTimeoutError, HTTP 504)',
  ERR_MLWATCH_NOT_FOUND: 'a registered model, version or alias that does not exist (RegistryNotFoundError: ref)',
  ERR_MLWATCH_INVALID_REF: 'a model name, alias or reference that cannot be parsed (InvalidRefError: ref)',
  ERR_MLWATCH_ARTIFACT_INTEGRITY: "an artifact whose bytes no longer match their SHA-256, or are missing (ArtifactIntegrityError: sha256)",
  ERR_MLWATCH_SIGNATURE_MISMATCH: "a signature that does not match the model's inputs or outputs (SignatureMismatchError)",
  ERR_MLWATCH_POLICY: 'a governance policy not met, each unmet item listed (PolicyError: unmet)',
  ERR_MLWATCH_ALIAS_CONFLICT: 'an alias moved by someone else since it was read (AliasConflictError: expected, actual)',
  ERR_MLWATCH_FORBIDDEN: 'an actor without the permission an action needs (ForbiddenError: actor, permission)',
  ERR_MLWATCH_STORE: 'a registry database that cannot be used: bad URL, a newer schema, a server that refuses (StoreError)',
  ERR_MLWATCH_NOT_DECIDED: "promoting an experiment's winner while its analysis does not say ship (ExperimentDecisionError: decision)",
  ERR_MLWATCH_CORRUPT_PARTIAL: 'bytes of a distributed drift partial (pass 1 or pass 2) that are damaged, foreign or inconsistent (CorruptPartialError: part)',
  ERR_MLWATCH_ENGINE_UNAVAILABLE: 'a queue or messaging server (Redis for mlwatch/bullmq, NATS for mlwatch/nats) that cannot be reached (EngineUnavailableError: engine, url)',
  ERR_MLWATCH_DISTRIBUTED_JOB: "a job of a distributed drift run that failed; the run's temporary files are removed (DistributedJobError: job, partition, causeCode)",
  ERR_MLWATCH_EXPERIMENT_STATE: 'an experiment created twice, synced or ended after its end, or with another definition than the stored one (ExperimentStateError: experiment)',
  ERR_MLWATCH_PIPELINE_CONFIG: 'a pipeline or continuous learner configured wrong: stage names, stages or gates that are not functions, a cron expression that does not parse (PipelineConfigError)',
  ERR_MLWATCH_PIPELINE_BUSY: 'a pipeline run started while another run of the same model is running (PipelineBusyError: model, runningRunId)',
  ERR_MLWATCH_PIPELINE_STATE: 'a pipeline run that does not exist or cannot be resumed in its state (PipelineStateError: runId, status)',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error of mlwatch's own with its code. */
export interface CodedError extends Error {
  readonly code: ErrorCode;
}

/** The code of an mlwatch error, or undefined for any other value. */
export function errorCode(error: unknown): ErrorCode | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code in ERROR_CODES ? (code as ErrorCode) : undefined;
}

/** The error with `code` set (for errors whose message is written in place). */
export function coded<E extends Error>(error: E, code: ErrorCode): E & CodedError {
  Object.defineProperty(error, 'code', { value: code, enumerable: true });
  return error as E & CodedError;
}

/** An error in a file's contents, naming the file, the row (1-based, as a person counts) and the column. */
export class InputFileError extends Error {
  readonly code = 'ERR_MLWATCH_INPUT_FILE' as const;

  constructor(
    readonly path: string,
    readonly row: number | undefined,
    readonly column: string | undefined,
    detail: string,
  ) {
    const where = [path, row === undefined ? undefined : `row ${row}`, column === undefined ? undefined : `column ${JSON.stringify(column)}`];
    super(`${where.filter((w) => w !== undefined).join(', ')}: ${detail}`);
    this.name = 'InputFileError';
  }
}

/**
 * Bytes of a distributed drift partial (distributed/) that are damaged, of another kind, or whose
 * fields do not add up; `part` says which part (pass 1 or pass 2, and the column when known).
 */
export class CorruptPartialError extends Error {
  readonly code = 'ERR_MLWATCH_CORRUPT_PARTIAL' as const;
  override name = 'CorruptPartialError';

  constructor(
    readonly part: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${part}: ${detail}`, options);
  }
}

/** A usage error of the `mlwatch` command: it exits with code 2 and prints the message and the usage. */
export class UsageError extends Error {
  readonly code = 'ERR_MLWATCH_USAGE' as const;
  override name = 'UsageError';
}

/** A backend asked for by name that this machine cannot run; `reason` says why (as backendInfo() does). */
export class BackendUnavailableError extends Error {
  readonly code = 'ERR_MLWATCH_BACKEND_UNAVAILABLE' as const;
  override name = 'BackendUnavailableError';

  constructor(
    readonly backend: string,
    readonly reason: string,
  ) {
    super(`The '${backend}' backend is not available: ${reason}`);
  }
}

/** An input buffer transferred or resized while an async call used it: the call's result would have been garbage. */
export class DetachedInputError extends Error {
  readonly code = 'ERR_MLWATCH_DETACHED_INPUT' as const;
  override name = 'DetachedInputError';

  constructor(readonly argument: string) {
    super(`Expected ${argument} to stay attached and the same size until the async call completes, but its buffer was transferred or resized meanwhile`);
  }
}

/** A file job's worker thread that ended without an answer (out of memory, say). */
export class JobStoppedError extends Error {
  readonly code = 'ERR_MLWATCH_JOB_STOPPED' as const;
  override name = 'JobStoppedError';

  constructor(readonly exitCode: number) {
    super(`the job's worker thread stopped (exit code ${exitCode}) before it finished`);
  }
}

/** An inference request the model cannot take; the message names the input and what was expected. */
export class InferInputError extends Error {
  readonly code = 'ERR_MLWATCH_INFER_INPUT' as const;
  readonly status = 400;
  override name = 'InferInputError';
}

/** A model (or version of it) the server does not serve. */
export class ModelNotServedError extends Error {
  readonly code = 'ERR_MLWATCH_MODEL_NOT_SERVED' as const;
  readonly status = 404;
  override name = 'ModelNotServedError';

  constructor(
    readonly model: string,
    readonly version: string | undefined,
    served: readonly string[],
  ) {
    super(
      version === undefined
        ? `model ${JSON.stringify(model)} is not served here; served: ${served.length ? served.map((s) => JSON.stringify(s)).join(', ') : 'none'}`
        : `model ${JSON.stringify(model)} is not served at version ${JSON.stringify(version)}; GET /v2/models/${encodeURIComponent(model)} lists the version served`,
    );
  }
}

/** The server's queue or concurrency limit is reached: retry after `retryAfterSeconds`. */
export class ServerOverloadedError extends Error {
  readonly code = 'ERR_MLWATCH_OVERLOADED' as const;
  readonly status = 429;
  override name = 'ServerOverloadedError';

  constructor(
    detail: string,
    readonly retryAfterSeconds = 1,
  ) {
    super(`overloaded: ${detail}; retry after ${retryAfterSeconds} s`);
  }
}

/** An inference request that did not finish within the server's timeoutMs. */
export class InferTimeoutError extends Error {
  readonly code = 'ERR_MLWATCH_INFER_TIMEOUT' as const;
  readonly status = 504;
  override name = 'InferTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`the request did not finish within ${timeoutMs} ms (the server's timeoutMs); it was dropped`);
  }
}


/** A model, version or alias that is not in the registry; `ref` is what was asked for. */
export class RegistryNotFoundError extends Error {
  readonly code = 'ERR_MLWATCH_NOT_FOUND' as const;
  override name = 'RegistryNotFoundError';

  constructor(
    readonly ref: string,
    detail: string,
  ) {
    super(`${ref}: ${detail}`);
  }
}

/** A model name, alias or reference that cannot be parsed. */
export class InvalidRefError extends Error {
  readonly code = 'ERR_MLWATCH_INVALID_REF' as const;
  override name = 'InvalidRefError';

  constructor(
    readonly ref: string,
    detail: string,
  ) {
    super(`${JSON.stringify(ref)} is not a valid ${detail}`);
  }
}

/** An artifact whose stored bytes do not hash to the SHA-256 the registry recorded (or that is gone). */
export class ArtifactIntegrityError extends Error {
  readonly code = 'ERR_MLWATCH_ARTIFACT_INTEGRITY' as const;
  override name = 'ArtifactIntegrityError';

  constructor(
    readonly sha256: string,
    readonly path: string,
    detail: string,
  ) {
    super(`artifact ${sha256.slice(0, 12)}… at ${path}: ${detail}; the file was changed or lost after it was registered: restore it from a backup or register the model again`);
  }
}

/** A signature that does not describe the model it is registered with. */
export class SignatureMismatchError extends Error {
  readonly code = 'ERR_MLWATCH_SIGNATURE_MISMATCH' as const;
  override name = 'SignatureMismatchError';
}

/** A governance policy not met: `unmet` lists every missing item, each a sentence saying what to do. */
export class PolicyError extends Error {
  readonly code = 'ERR_MLWATCH_POLICY' as const;
  override name = 'PolicyError';

  constructor(
    readonly action: string,
    readonly unmet: readonly string[],
  ) {
    super(`${action} refused by the governance policy: ${unmet.join('; ')}`);
  }
}

/** An alias that another writer moved since the caller read it (compare-and-set lost). */
export class AliasConflictError extends Error {
  readonly code = 'ERR_MLWATCH_ALIAS_CONFLICT' as const;
  override name = 'AliasConflictError';

  constructor(
    readonly ref: string,
    readonly expected: number | null,
    readonly actual: number | null,
  ) {
    const show = (v: number | null) => (v === null ? 'unset' : `version ${v}`);
    super(`${ref} is ${show(actual)}, not ${show(expected)} as expected: someone else moved it; read it again and retry if the change still makes sense`);
  }
}

/** An actor whose roles lack the permission an action needs; the attempt is in the audit trail. */
export class ForbiddenError extends Error {
  readonly code = 'ERR_MLWATCH_FORBIDDEN' as const;
  override name = 'ForbiddenError';

  constructor(
    readonly actor: string,
    readonly permission: string,
    readonly resource: string,
  ) {
    super(`${actor} may not ${permission} on ${resource}: ask an administrator for a role with the '${permission}' permission`);
  }
}

/** A registry database that cannot be used (a bad URL, a schema newer than this code, a server that refuses). */
export class StoreError extends Error {
  readonly code = 'ERR_MLWATCH_STORE' as const;
  override name = 'StoreError';
}

/** True for a typed array whose buffer was transferred away (it reads as empty). */
export function isDetachedView(value: ArrayBufferView): boolean {
  if (value.byteLength !== 0) return false;
  try {
    new Uint8Array(value.buffer, 0, 0); // throws on a detached buffer only
    return false;
  } catch {
    return true;
  }
}

/** A short description of a value for error messages: its type and, for arrays, length. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return `number ${value}`;
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (Array.isArray(value)) return `Array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) {
    if (isDetachedView(value)) return `a detached ${value.constructor.name} (its buffer was transferred)`;
    const length = (value as unknown as { length?: number }).length;
    return `${value.constructor.name}${length === undefined ? '' : ` of length ${length}`}`;
  }
  if (typeof value === 'object') return `object ${(value as object).constructor?.name ?? 'Object'}`;
  return typeof value;
}

/** A TypeError for an argument of the wrong type. */
export function typeError(expected: string, name: string, received: unknown): TypeError & CodedError {
  return coded(new TypeError(`Expected ${expected} for ${name} but received ${describeValue(received)}`), 'ERR_MLWATCH_INVALID_ARGUMENT');
}

/** A RangeError for an argument of the right type but an unusable value or size. */
export function rangeError(expected: string, name: string, received: string): RangeError & CodedError {
  return coded(new RangeError(`Expected ${expected} for ${name} but received ${received}`), 'ERR_MLWATCH_INVALID_ARGUMENT');
}

/** Checks that value is a finite number within [min, max]; returns it. */
export function requireNumber(value: unknown, name: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw typeError('a number', name, value);
  if (!Number.isFinite(value) || value < min || value > max) {
    const range = `a finite number${min > -Infinity ? ` >= ${min}` : ''}${max < Infinity ? ` <= ${max}` : ''}`;
    throw rangeError(range, name, String(value));
  }
  return value;
}

/** Checks that value is an integer within [min, max]; returns it. */
export function requireInteger(value: unknown, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number') throw typeError('an integer', name, value);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw rangeError(`an integer in [${min}, ${max}]`, name, String(value));
  }
  return value;
}

/** An experiment's winner asked for while its analysis does not say ship; `decision` and the reason say why. */
export class ExperimentDecisionError extends Error {
  readonly code = 'ERR_MLWATCH_NOT_DECIDED' as const;
  override name = 'ExperimentDecisionError';

  constructor(
    readonly experiment: string,
    readonly decision: string,
    reason: string,
  ) {
    super(`experiment ${JSON.stringify(experiment)} has no winner to promote: its decision is ${decision} (${reason})`);
  }
}

/** An experiment asked to do what its state does not allow: created twice, synced or ended after it ended, or a definition that differs from the stored one. */
export class ExperimentStateError extends Error {
  readonly code = 'ERR_MLWATCH_EXPERIMENT_STATE' as const;
  override name = 'ExperimentStateError';

  constructor(
    readonly experiment: string,
    detail: string,
  ) {
    super(`experiment ${JSON.stringify(experiment)} ${detail}`);
  }
}

/** A pipeline or continuous learner configured wrong; the message names the option and what was expected. */
/**
 * A server a distributed engine needs (Redis for mlwatch/bullmq, NATS for mlwatch/nats) that
 * cannot be reached: checked before any job is queued, so a run never waits on a dead server.
 */
export class EngineUnavailableError extends Error {
  readonly code = 'ERR_MLWATCH_ENGINE_UNAVAILABLE' as const;
  override name = 'EngineUnavailableError';

  constructor(
    readonly engine: 'redis' | 'nats',
    readonly url: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${engine === 'redis' ? 'Redis' : 'NATS'} at ${url} cannot be reached: ${detail}`, options);
  }
}

/**
 * A job of a distributed drift run failed (a missing partition file, a partial that does not
 * parse, a worker error): `job` names the step ('profile', 'merge', 'pass2', 'finish'),
 * `partition` the partition (undefined for the coordinating steps), `causeCode` the mlwatch code
 * of the error the job threw when it had one (ERR_MLWATCH_INPUT_FILE, ERR_MLWATCH_CORRUPT_PARTIAL …).
 */
export class DistributedJobError extends Error {
  readonly code = 'ERR_MLWATCH_DISTRIBUTED_JOB' as const;
  override name = 'DistributedJobError';

  constructor(
    readonly job: string,
    readonly partition: number | undefined,
    readonly causeCode: string | undefined,
    readonly reason: string,
  ) {
    super(`the ${job} job${partition === undefined ? '' : ` of partition ${partition}`} of the distributed drift run failed: ${reason}`);
  }
}

export class PipelineConfigError extends Error {
  readonly code = 'ERR_MLWATCH_PIPELINE_CONFIG' as const;
  override name = 'PipelineConfigError';

  constructor(
    readonly option: string,
    detail: string,
  ) {
    super(`${option}: ${detail}`);
  }
}

/** A run asked for while another run of the same model is running: one run at a time per model. */
export class PipelineBusyError extends Error {
  readonly code = 'ERR_MLWATCH_PIPELINE_BUSY' as const;
  override name = 'PipelineBusyError';

  constructor(
    readonly model: string,
    readonly runningRunId: number,
  ) {
    super(`model ${JSON.stringify(model)} already has pipeline run ${runningRunId} running: wait for it to end, or resume it if its process died`);
  }
}

/** A pipeline run that does not exist, or whose state does not allow what was asked (resuming a finished run). */
export class PipelineStateError extends Error {
  readonly code = 'ERR_MLWATCH_PIPELINE_STATE' as const;
  override name = 'PipelineStateError';

  constructor(
    readonly runId: number,
    readonly status: string | null,
    detail: string,
  ) {
    super(`pipeline run ${runId}${status === null ? '' : ` (${status})`}: ${detail}`);
  }
}
