/**
 * The audit trail's SQL: append one event, read the chain's tail, and page through events by
 * filter. There is deliberately no statement that updates or deletes an event.
 */
import type { SqlRow, SqlTx, SqlValue } from './sql-store.js';

export interface AuditRow {
  seq: number;
  at: number;
  actor: string;
  action: string;
  resource: string;
  outcome: string;
  details: string;
  prev_hash: string;
  hash: string;
}

export interface AuditRowFilter {
  /** Exact resource, or a model name (every event of its versions and aliases). */
  resource?: string;
  actor?: string;
  action?: string;
  since?: number;
  until?: number;
  afterSeq?: number;
  limit: number;
}

const toRow = (r: SqlRow): AuditRow => ({
  seq: Number(r.seq),
  at: Number(r.at),
  actor: String(r.actor),
  action: String(r.action),
  resource: String(r.resource),
  outcome: String(r.outcome),
  details: String(r.details),
  prev_hash: String(r.prev_hash),
  hash: String(r.hash),
});

/** The last event (the chain's head), or undefined for an empty trail. */
export async function lastAuditRow(tx: SqlTx): Promise<AuditRow | undefined> {
  const row = await tx.get('SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1');
  return row && toRow(row);
}

/** Appends an event (inside the caller's write transaction, which serializes appends). */
export async function insertAuditRow(tx: SqlTx, row: AuditRow): Promise<void> {
  await tx.run('INSERT INTO audit_events (seq, at, actor, action, resource, outcome, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
    row.seq,
    row.at,
    row.actor,
    row.action,
    row.resource,
    row.outcome,
    row.details,
    row.prev_hash,
    row.hash,
  ]);
}

/** Events matching the filter in sequence order, at most limit of them. */
export async function selectAuditRows(tx: SqlTx, f: AuditRowFilter): Promise<AuditRow[]> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (f.resource !== undefined) {
    // "fraud" matches fraud itself, fraud/3 and fraud@champion: ranges keep it on the index
    // (a LIKE pattern would need escaping of _ and would not use it).
    where.push('(resource = ? OR (resource >= ? AND resource < ?) OR (resource >= ? AND resource < ?))');
    params.push(f.resource, `${f.resource}/`, `${f.resource}0`, `${f.resource}@`, `${f.resource}A`);
  }
  if (f.actor !== undefined) where.push('actor = ?'), params.push(f.actor);
  if (f.action !== undefined) where.push('action = ?'), params.push(f.action);
  if (f.since !== undefined) where.push('at >= ?'), params.push(f.since);
  if (f.until !== undefined) where.push('at < ?'), params.push(f.until);
  if (f.afterSeq !== undefined) where.push('seq > ?'), params.push(f.afterSeq);
  params.push(f.limit);
  const rows = await tx.all(`SELECT * FROM audit_events${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT ?`, params);
  return rows.map(toRow);
}
