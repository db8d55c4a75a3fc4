/**
 * The model registry's SQL: models and their dense version counter, versions with their tags,
 * metrics and artifacts, checks, approvals, aliases, and the search query with keyset paging.
 * Every function runs inside the caller's transaction.
 */
import type { SqlRow, SqlTx, SqlValue } from './sql-store.js';

export interface VersionRow {
  id: number;
  name: string;
  version: number;
  created_at: number;
  created_by: string;
  description: string | null;
  compression: string | null;
  signature: string;
  lineage: string;
  model_sha256: string | null;
  approved_at: number | null;
}

export interface VersionDetailRows {
  tags: Map<number, Record<string, string>>;
  metrics: Map<number, Record<string, number>>;
  artifacts: Map<number, { path: string; sha256: string; size: number }[]>;
  checks: Map<number, { name: string; passed: boolean; details: string; checkedAt: number; checkedBy: string }[]>;
  approvals: Map<number, { approver: string; note: string | null; approvedAt: number }[]>;
  /** name -> version -> aliases */
  aliases: Map<string, Map<number, string[]>>;
  /** name -> its newest version */
  latest: Map<string, number>;
}

const toVersion = (r: SqlRow): VersionRow => ({
  id: Number(r.id),
  name: String(r.name),
  version: Number(r.version),
  created_at: Number(r.created_at),
  created_by: String(r.created_by),
  description: r.description === null ? null : String(r.description),
  compression: r.compression === null ? null : String(r.compression),
  signature: String(r.signature),
  lineage: String(r.lineage),
  model_sha256: r.model_sha256 === null ? null : String(r.model_sha256),
  approved_at: r.approved_at === null ? null : Number(r.approved_at),
});

const VERSION_COLUMNS = 'v.id, v.name, v.version, v.created_at, v.created_by, v.description, v.compression, v.signature, v.lineage, v.model_sha256, v.approved_at';

/** The newest version number of a model, or undefined when the model does not exist. */
export async function latestVersion(tx: SqlTx, name: string): Promise<number | undefined> {
  const row = await tx.get('SELECT latest_version FROM registered_models WHERE name = ?', [name]);
  return row ? Number(row.latest_version) : undefined;
}

/** Reserves the next version number of a model (creating the model at version 1). */
export async function nextVersion(tx: SqlTx, name: string, at: number, actor: string): Promise<number> {
  const current = await latestVersion(tx, name);
  if (current === undefined) {
    await tx.run('INSERT INTO registered_models (name, created_at, created_by, latest_version) VALUES (?, ?, ?, 1)', [name, at, actor]);
    return 1;
  }
  await tx.run('UPDATE registered_models SET latest_version = ? WHERE name = ?', [current + 1, name]);
  return current + 1;
}

/** A version to insert: its row without the database's id and the approval, plus tags, metrics and artifacts. */
export interface NewVersionRow extends Omit<VersionRow, 'id' | 'approved_at'> {
  tags: Record<string, string>;
  metrics: Record<string, number>;
  artifacts: { path: string; sha256: string; size: number }[];
}

/** Inserts a version with its tags, metrics and artifact references; returns its id. */
export async function insertVersion(tx: SqlTx, v: NewVersionRow): Promise<number> {
  const row = await tx.get(
    'INSERT INTO model_versions (name, version, created_at, created_by, description, compression, signature, lineage, model_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
    [v.name, v.version, v.created_at, v.created_by, v.description, v.compression, v.signature, v.lineage, v.model_sha256],
  );
  const id = Number(row!.id);
  for (const [key, value] of Object.entries(v.tags)) await tx.run('INSERT INTO version_tags (version_id, key, value) VALUES (?, ?, ?)', [id, key, value]);
  for (const [key, value] of Object.entries(v.metrics)) await tx.run('INSERT INTO version_metrics (version_id, key, value) VALUES (?, ?, ?)', [id, key, value]);
  for (const a of v.artifacts) await tx.run('INSERT INTO version_artifacts (version_id, path, sha256, size) VALUES (?, ?, ?, ?)', [id, a.path, a.sha256, a.size]);
  return id;
}

/** A version by name and number. */
export async function versionRow(tx: SqlTx, name: string, version: number): Promise<VersionRow | undefined> {
  const row = await tx.get(`SELECT ${VERSION_COLUMNS} FROM model_versions v WHERE v.name = ? AND v.version = ?`, [name, version]);
  return row && toVersion(row);
}

/** The version an alias points at, or undefined. */
export async function aliasTarget(tx: SqlTx, name: string, alias: string): Promise<number | undefined> {
  const row = await tx.get('SELECT version FROM model_aliases WHERE name = ? AND alias = ?', [name, alias]);
  return row ? Number(row.version) : undefined;
}

/** Points an alias at a version (creating it). */
export async function upsertAlias(tx: SqlTx, name: string, alias: string, version: number, at: number, actor: string): Promise<void> {
  await tx.run(
    'INSERT INTO model_aliases (name, alias, version, updated_at, updated_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at, updated_by = excluded.updated_by',
    [name, alias, version, at, actor],
  );
}

/** Records a check's result (a later result of the same check replaces it). */
export async function upsertCheck(tx: SqlTx, id: number, check: { name: string; passed: boolean; details: string }, at: number, actor: string): Promise<void> {
  await tx.run(
    'INSERT INTO version_checks (version_id, check_name, passed, details, checked_at, checked_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (version_id, check_name) DO UPDATE SET passed = excluded.passed, details = excluded.details, checked_at = excluded.checked_at, checked_by = excluded.checked_by',
    [id, check.name, check.passed ? 1 : 0, check.details, at, actor],
  );
}

/** Records an approval. */
export async function insertApproval(tx: SqlTx, id: number, approver: string, note: string | null, at: number): Promise<void> {
  await tx.run('INSERT INTO version_approvals (version_id, approver, note, approved_at) VALUES (?, ?, ?, ?)', [id, approver, note, at]);
}

/** Marks a version approved for production (the policy's approvals are complete). */
export async function markApproved(tx: SqlTx, id: number, at: number): Promise<void> {
  await tx.run('UPDATE model_versions SET approved_at = ? WHERE id = ? AND approved_at IS NULL', [at, id]);
}

/**
 * An IN list's values padded (repeating the last) to the next power of two: statements are cached
 * by their text, so this keeps the number of distinct statements at a dozen per query, not one per
 * page size.
 */
function padded<T>(values: readonly T[]): T[] {
  let size = 1;
  while (size < values.length) size *= 2;
  return [...values, ...Array<T>(size - values.length).fill(values[values.length - 1])];
}

/** Tags, metrics, artifacts, checks, approvals and aliases of the given versions, in a few queries. */
export async function versionDetails(tx: SqlTx, versions: readonly VersionRow[]): Promise<VersionDetailRows> {
  const out: VersionDetailRows = { tags: new Map(), metrics: new Map(), artifacts: new Map(), checks: new Map(), approvals: new Map(), aliases: new Map(), latest: new Map() };
  if (versions.length === 0) return out;
  const ids = padded(versions.map((v) => v.id));
  const idList = ids.map(() => '?').join(', ');
  const push = <T>(map: Map<number, T[]>, id: number, item: T) => (map.get(id) ?? map.set(id, []).get(id)!).push(item);
  for (const r of await tx.all(`SELECT version_id, key, value FROM version_tags WHERE version_id IN (${idList}) ORDER BY key`, ids)) {
    const id = Number(r.version_id);
    (out.tags.get(id) ?? out.tags.set(id, {}).get(id)!)[String(r.key)] = String(r.value);
  }
  for (const r of await tx.all(`SELECT version_id, key, value FROM version_metrics WHERE version_id IN (${idList}) ORDER BY key`, ids)) {
    const id = Number(r.version_id);
    (out.metrics.get(id) ?? out.metrics.set(id, {}).get(id)!)[String(r.key)] = Number(r.value);
  }
  for (const r of await tx.all(`SELECT version_id, path, sha256, size FROM version_artifacts WHERE version_id IN (${idList}) ORDER BY path`, ids)) {
    push(out.artifacts, Number(r.version_id), { path: String(r.path), sha256: String(r.sha256), size: Number(r.size) });
  }
  for (const r of await tx.all(`SELECT version_id, check_name, passed, details, checked_at, checked_by FROM version_checks WHERE version_id IN (${idList}) ORDER BY check_name`, ids)) {
    push(out.checks, Number(r.version_id), { name: String(r.check_name), passed: Number(r.passed) === 1, details: String(r.details), checkedAt: Number(r.checked_at), checkedBy: String(r.checked_by) });
  }
  for (const r of await tx.all(`SELECT version_id, approver, note, approved_at FROM version_approvals WHERE version_id IN (${idList}) ORDER BY approved_at, approver`, ids)) {
    push(out.approvals, Number(r.version_id), { approver: String(r.approver), note: r.note === null ? null : String(r.note), approvedAt: Number(r.approved_at) });
  }
  const names = padded([...new Set(versions.map((v) => v.name))]);
  const nameList = names.map(() => '?').join(', ');
  for (const r of await tx.all(`SELECT name, latest_version FROM registered_models WHERE name IN (${nameList})`, names)) out.latest.set(String(r.name), Number(r.latest_version));
  const aliasRows = await tx.all(`SELECT name, alias, version FROM model_aliases WHERE name IN (${nameList}) ORDER BY alias`, names);
  for (const r of aliasRows) {
    const byVersion = out.aliases.get(String(r.name)) ?? out.aliases.set(String(r.name), new Map()).get(String(r.name))!;
    (byVersion.get(Number(r.version)) ?? byVersion.set(Number(r.version), []).get(Number(r.version))!).push(String(r.alias));
  }
  return out;
}

export interface SearchRowQuery {
  name?: string;
  tags: [string, string][];
  metrics: [string, number, number][];
  approved?: boolean;
  /** Order by a metric's value (versions without it are left out), else by registration order. */
  orderMetric?: string;
  descending: boolean;
  /** The last row of the previous page: its id and, ordering by a metric, its value. */
  after?: { id: number; value?: number };
  limit: number;
}

/**
 * One page of versions (keyset paging: stable under concurrent registrations, and as fast on the
 * thousandth page as on the first). Returns rows with sort_value set when ordering by a metric.
 */
export async function searchVersionRows(tx: SqlTx, q: SearchRowQuery): Promise<(VersionRow & { sort_value?: number })[]> {
  const params: SqlValue[] = [];
  let from = 'model_versions v';
  let select = VERSION_COLUMNS;
  if (q.orderMetric !== undefined) {
    from += ' JOIN version_metrics o ON o.version_id = v.id AND o.key = ?';
    params.push(q.orderMetric);
    select += ', o.value AS sort_value';
  }
  const where: string[] = [];
  if (q.name !== undefined) where.push('v.name = ?'), params.push(q.name);
  for (const [key, value] of q.tags) {
    where.push('EXISTS (SELECT 1 FROM version_tags t WHERE t.version_id = v.id AND t.key = ? AND t.value = ?)');
    params.push(key, value);
  }
  for (const [key, min, max] of q.metrics) {
    where.push('EXISTS (SELECT 1 FROM version_metrics m WHERE m.version_id = v.id AND m.key = ? AND m.value >= ? AND m.value <= ?)');
    params.push(key, min, max);
  }
  if (q.approved !== undefined) where.push(q.approved ? 'v.approved_at IS NOT NULL' : 'v.approved_at IS NULL');
  const cmp = q.descending ? '<' : '>';
  const dir = q.descending ? 'DESC' : 'ASC';
  if (q.after) {
    if (q.orderMetric !== undefined) where.push(`(o.value ${cmp} ? OR (o.value = ? AND v.id ${cmp} ?))`), params.push(q.after.value!, q.after.value!, q.after.id);
    else where.push(`v.id ${cmp} ?`), params.push(q.after.id);
  }
  const order = q.orderMetric !== undefined ? `o.value ${dir}, v.id ${dir}` : `v.id ${dir}`;
  params.push(q.limit);
  const rows = await tx.all(`SELECT ${select} FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`, params);
  return rows.map((r) => ({ ...toVersion(r), ...(r.sort_value === undefined ? {} : { sort_value: Number(r.sort_value) }) }));
}

/** Every model with its newest version number, by name. */
export async function modelRows(tx: SqlTx): Promise<{ name: string; latest_version: number; created_at: number; created_by: string }[]> {
  const rows = await tx.all('SELECT name, latest_version, created_at, created_by FROM registered_models ORDER BY name');
  return rows.map((r) => ({ name: String(r.name), latest_version: Number(r.latest_version), created_at: Number(r.created_at), created_by: String(r.created_by) }));
}
