/**
 * The pipeline runs' SQL: runs keyed by (model, trigger key) with their status, and each run's
 * stages with their outputs. Every function runs inside the caller's transaction (the pipeline
 * runs them through ModelRegistry.governedChange / governedAccess, so they share the registry's
 * database, access control and audit trail).
 */
import type { SqlRow, SqlTx } from './sql-store.js';

/** running: started and not finished (or its process died: resume it); the others are final (failed runs may be resumed). */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'rejected';

/** running: started (or interrupted); done: output committed; failed: threw; rejected: its gate said no. */
export type StageStatus = 'running' | 'done' | 'failed' | 'rejected';

export interface RunRow {
  id: number;
  model_name: string;
  pipeline: string;
  trigger_key: string;
  status: RunStatus;
  context: string;
  error: string | null;
  started_at: number;
  started_by: string;
  finished_at: number | null;
  correlation_id: string;
}

export interface StageRow {
  run_id: number;
  ordinal: number;
  stage: string;
  status: StageStatus;
  attempts: number;
  output: string | null;
  gate: string | null;
  error: string | null;
  started_at: number;
  finished_at: number | null;
}

const text = (v: SqlRow[string]) => (v === null ? null : String(v));
const time = (v: SqlRow[string]) => (v === null ? null : Number(v));

const toRun = (r: SqlRow): RunRow => ({
  id: Number(r.id),
  model_name: String(r.model_name),
  pipeline: String(r.pipeline),
  trigger_key: String(r.trigger_key),
  status: String(r.status) as RunStatus,
  context: String(r.context),
  error: text(r.error),
  started_at: Number(r.started_at),
  started_by: String(r.started_by),
  finished_at: time(r.finished_at),
  correlation_id: String(r.correlation_id),
});

const toStage = (r: SqlRow): StageRow => ({
  run_id: Number(r.run_id),
  ordinal: Number(r.ordinal),
  stage: String(r.stage),
  status: String(r.status) as StageStatus,
  attempts: Number(r.attempts),
  output: text(r.output),
  gate: text(r.gate),
  error: text(r.error),
  started_at: Number(r.started_at),
  finished_at: time(r.finished_at),
});

const RUN_COLUMNS = 'id, model_name, pipeline, trigger_key, status, context, error, started_at, started_by, finished_at, correlation_id';
const STAGE_COLUMNS = 'run_id, ordinal, stage, status, attempts, output, gate, error, started_at, finished_at';

/** A new run, status running; returns its id. */
export async function insertRun(tx: SqlTx, r: Omit<RunRow, 'id' | 'status' | 'error' | 'finished_at'>): Promise<number> {
  const row = await tx.get(
    "INSERT INTO pipeline_runs (model_name, pipeline, trigger_key, status, context, started_at, started_by, correlation_id) VALUES (?, ?, ?, 'running', ?, ?, ?, ?) RETURNING id",
    [r.model_name, r.pipeline, r.trigger_key, r.context, r.started_at, r.started_by, r.correlation_id],
  );
  return Number(row!.id);
}

/** A run by id. */
export async function runById(tx: SqlTx, id: number): Promise<RunRow | undefined> {
  const row = await tx.get(`SELECT ${RUN_COLUMNS} FROM pipeline_runs WHERE id = ?`, [id]);
  return row && toRun(row);
}

/** The run of a model started by a trigger key. */
export async function runByKey(tx: SqlTx, model: string, key: string): Promise<RunRow | undefined> {
  const row = await tx.get(`SELECT ${RUN_COLUMNS} FROM pipeline_runs WHERE model_name = ? AND trigger_key = ?`, [model, key]);
  return row && toRun(row);
}

/** The model's running run, if any (at most one: a unique index keeps it so). */
export async function runningRun(tx: SqlTx, model: string): Promise<RunRow | undefined> {
  const row = await tx.get(`SELECT ${RUN_COLUMNS} FROM pipeline_runs WHERE model_name = ? AND status = 'running'`, [model]);
  return row && toRun(row);
}

/** The model's runs, newest first, at most limit. */
export async function runsOfModel(tx: SqlTx, model: string, limit: number): Promise<RunRow[]> {
  return (await tx.all(`SELECT ${RUN_COLUMNS} FROM pipeline_runs WHERE model_name = ? ORDER BY id DESC LIMIT ?`, [model, limit])).map(toRun);
}

/** Sets a run's status (finished_at for a final one, null when it runs again). */
export async function setRunStatus(tx: SqlTx, id: number, status: RunStatus, error: string | null, finishedAt: number | null): Promise<void> {
  await tx.run('UPDATE pipeline_runs SET status = ?, error = ?, finished_at = ? WHERE id = ?', [status, error, finishedAt, id]);
}

/** A run's stages in order. */
export async function stagesOfRun(tx: SqlTx, runId: number): Promise<StageRow[]> {
  return (await tx.all(`SELECT ${STAGE_COLUMNS} FROM pipeline_stages WHERE run_id = ? ORDER BY ordinal`, [runId])).map(toStage);
}

/** Marks a stage running (a new row, or one more attempt of an interrupted or failed one). */
export async function beginStage(tx: SqlTx, runId: number, ordinal: number, stage: string, at: number): Promise<number> {
  await tx.run(
    "INSERT INTO pipeline_stages (run_id, ordinal, stage, status, attempts, started_at) VALUES (?, ?, ?, 'running', 1, ?) ON CONFLICT (run_id, ordinal) DO UPDATE SET status = 'running', attempts = pipeline_stages.attempts + 1, output = NULL, gate = NULL, error = NULL, started_at = excluded.started_at, finished_at = NULL",
    [runId, ordinal, stage, at],
  );
  const row = await tx.get('SELECT attempts FROM pipeline_stages WHERE run_id = ? AND ordinal = ?', [runId, ordinal]);
  return Number(row!.attempts);
}

/** Ends a stage: its status, JSON output and gate result, or its error. */
export async function endStage(tx: SqlTx, runId: number, ordinal: number, end: { status: Exclude<StageStatus, 'running'>; output: string | null; gate: string | null; error: string | null; at: number }): Promise<void> {
  await tx.run('UPDATE pipeline_stages SET status = ?, output = ?, gate = ?, error = ?, finished_at = ? WHERE run_id = ? AND ordinal = ?', [end.status, end.output, end.gate, end.error, end.at, runId, ordinal]);
}
