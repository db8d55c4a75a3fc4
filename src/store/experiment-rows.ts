/**
 * The experiments' SQL: an experiment's definition and status, and its variants' outcome
 * statistics. Every function runs inside the caller's transaction.
 */
import type { SqlRow, SqlTx } from './sql-store.js';

export interface ExperimentRow {
  name: string;
  /** The ExperimentConfig, JSON. */
  config: string;
  status: 'running' | 'ended';
  created_at: number;
  created_by: string;
  ended_at: number | null;
  ended_by: string | null;
  /** The analysis the experiment ended with, JSON. */
  analysis: string | null;
  /** Per variant, the lowest always-valid p-value seen, JSON. */
  always_valid: string;
}

const toExperiment = (r: SqlRow): ExperimentRow => ({
  name: String(r.name),
  config: String(r.config),
  status: r.status === 'ended' ? 'ended' : 'running',
  created_at: Number(r.created_at),
  created_by: String(r.created_by),
  ended_at: r.ended_at === null ? null : Number(r.ended_at),
  ended_by: r.ended_by === null ? null : String(r.ended_by),
  analysis: r.analysis === null ? null : String(r.analysis),
  always_valid: String(r.always_valid),
});

const COLUMNS = 'name, config, status, created_at, created_by, ended_at, ended_by, analysis, always_valid';

/** One experiment, or undefined. */
export async function experimentRow(tx: SqlTx, name: string): Promise<ExperimentRow | undefined> {
  const r = await tx.get(`SELECT ${COLUMNS} FROM experiments WHERE name = ?`, [name]);
  return r && toExperiment(r);
}

/** Every experiment, newest first. */
export async function experimentRows(tx: SqlTx): Promise<ExperimentRow[]> {
  return (await tx.all(`SELECT ${COLUMNS} FROM experiments ORDER BY created_at DESC, name`)).map(toExperiment);
}

/** Inserts a running experiment with empty statistics for each variant. */
export async function insertExperiment(tx: SqlTx, name: string, config: string, alwaysValid: string, variants: readonly { name: string; stats: string }[], at: number, actor: string): Promise<void> {
  await tx.run("INSERT INTO experiments (name, config, status, created_at, created_by, always_valid) VALUES (?, ?, 'running', ?, ?, ?)", [name, config, at, actor, alwaysValid]);
  for (const v of variants) await tx.run('INSERT INTO experiment_stats (experiment, variant, stats, updated_at) VALUES (?, ?, ?, ?)', [name, v.name, v.stats, at]);
}

/** The variants' statistics, JSON by variant name. */
export async function experimentStats(tx: SqlTx, name: string): Promise<Map<string, string>> {
  const rows = await tx.all('SELECT variant, stats FROM experiment_stats WHERE experiment = ?', [name]);
  return new Map(rows.map((r) => [String(r.variant), String(r.stats)]));
}

/** Replaces one variant's statistics. */
export async function updateExperimentStats(tx: SqlTx, name: string, variant: string, stats: string, at: number): Promise<void> {
  await tx.run('UPDATE experiment_stats SET stats = ?, updated_at = ? WHERE experiment = ? AND variant = ?', [stats, at, name, variant]);
}

/** Replaces the running minima of the always-valid p-values. */
export async function updateAlwaysValid(tx: SqlTx, name: string, alwaysValid: string): Promise<void> {
  await tx.run('UPDATE experiments SET always_valid = ? WHERE name = ?', [alwaysValid, name]);
}

/** Marks an experiment ended with its final analysis. */
export async function endExperimentRow(tx: SqlTx, name: string, analysis: string, at: number, actor: string): Promise<void> {
  await tx.run("UPDATE experiments SET status = 'ended', ended_at = ?, ended_by = ?, analysis = ? WHERE name = ?", [at, actor, analysis, name]);
}
