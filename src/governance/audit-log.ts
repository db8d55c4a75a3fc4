/**
 * AuditLog: the registry's append-only, hash-chained audit trail. Events are appended only inside
 * the write transaction of the change they record (appendAuditEvent), so a change and its event
 * commit together or not at all, and a restart never emits one twice. The API reads and verifies;
 * it has no update or delete.
 */
import { rangeError, requireInteger, typeError } from '../errors.js';
import { insertAuditRow, lastAuditRow, selectAuditRows, type AuditRow } from '../store/audit-rows.js';
import type { SqlStore, SqlTx } from '../store/sql-store.js';
import { eventHash, GENESIS_HASH } from './audit-chain.js';

/** What happened to an attempted action: done, denied by access control, or refused by the policy. */
export type AuditOutcome = 'ok' | 'denied' | 'refused';

export interface AuditEvent {
  /** 1, 2, 3, … without gaps. */
  seq: number;
  /** Epoch ms. */
  at: number;
  actor: string;
  /** The permission exercised, e.g. 'model.register', 'alias.set.protected'. */
  action: string;
  /** What it acted on: a model name, NAME/VERSION or NAME@ALIAS. */
  resource: string;
  outcome: AuditOutcome;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  /** A resource, or a model name for every event of the model, its versions and aliases. */
  resource?: string;
  actor?: string;
  action?: string;
  /** Events at or after this time (epoch ms or Date). */
  since?: number | Date;
  /** Events before this time. */
  until?: number | Date;
  /** Events after this sequence number (paging: pass the last seq seen). */
  afterSeq?: number;
  /** At most this many events (default 1000). */
  limit?: number;
}

export interface AuditVerification {
  ok: boolean;
  /** Events checked. */
  events: number;
  /** The sequence number of the first event that does not chain, or null when all do. */
  firstBroken: number | null;
  reason: string | null;
}

/** An event as a change writes it: the chain's fields (seq, prevHash, hash) are added by appendAuditEvent. */
export type AuditEventInput = Omit<AuditEvent, 'seq' | 'prevHash' | 'hash'>;

/** Appends an event in the caller's write transaction, chained to the last one. */
export async function appendAuditEvent(tx: SqlTx, event: AuditEventInput): Promise<AuditEvent> {
  const last = await lastAuditRow(tx);
  const unhashed = {
    seq: (last?.seq ?? 0) + 1,
    at: event.at,
    actor: event.actor,
    action: event.action,
    resource: event.resource,
    outcome: event.outcome,
    details: JSON.stringify(event.details),
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  const row: AuditRow = { ...unhashed, hash: eventHash(unhashed) };
  await insertAuditRow(tx, row);
  return toEvent(row);
}

function toEvent(row: AuditRow): AuditEvent {
  let details: Record<string, unknown>;
  try {
    details = JSON.parse(row.details) as Record<string, unknown>;
  } catch {
    details = { unreadable: row.details }; // a damaged row still reads; verify() reports it
  }
  return { seq: row.seq, at: row.at, actor: row.actor, action: row.action, resource: row.resource, outcome: row.outcome as AuditOutcome, details, prevHash: row.prev_hash, hash: row.hash };
}

const time = (value: number | Date | undefined, name: string) => {
  if (value === undefined) return undefined;
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'number' || !Number.isFinite(value)) throw typeError('epoch milliseconds or a Date', name, value);
  return value;
};

/** Reads and verifies the audit trail of a registry database (appending is appendAuditEvent's, inside a change's transaction). */
export class AuditLog {
  constructor(private readonly store: SqlStore) {}

  /** Events matching every given field, in sequence order. */
  async query(filter: AuditQuery = {}): Promise<AuditEvent[]> {
    if (typeof filter !== 'object' || filter === null) throw typeError('an object { resource?, actor?, action?, since?, until? }', 'filter', filter);
    for (const key of ['resource', 'actor', 'action'] as const) {
      if (filter[key] !== undefined && typeof filter[key] !== 'string') throw typeError('a string', `filter.${key}`, filter[key]);
    }
    const limit = requireInteger(filter.limit ?? 1000, 'filter.limit', 1, 100_000);
    const afterSeq = filter.afterSeq === undefined ? undefined : requireInteger(filter.afterSeq, 'filter.afterSeq');
    const since = time(filter.since, 'filter.since');
    const until = time(filter.until, 'filter.until');
    if (since !== undefined && until !== undefined && since > until) throw rangeError('filter.since <= filter.until', 'filter', `since ${since} > until ${until}`);
    const rows = await this.store.read((tx) => selectAuditRows(tx, { resource: filter.resource, actor: filter.actor, action: filter.action, since, until, afterSeq, limit }));
    return rows.map(toEvent);
  }

  /**
   * Recomputes the chain from the first event: every sequence number must follow the one before,
   * every event must carry its predecessor's hash, and its own hash must match its fields. Reads
   * in pages inside one snapshot, so memory stays bounded however long the trail.
   */
  async verify(): Promise<AuditVerification> {
    return this.store.read(async (tx) => {
      let previous = GENESIS_HASH;
      let expected = 1;
      for (;;) {
        const rows = await selectAuditRows(tx, { afterSeq: expected - 1, limit: 5000 });
        for (const row of rows) {
          const broken = (reason: string): AuditVerification => ({ ok: false, events: expected - 1, firstBroken: expected, reason });
          if (row.seq !== expected) return broken(`event ${expected} is missing (the next one stored is ${row.seq})`);
          if (row.prev_hash !== previous) return broken(`event ${row.seq} does not carry the hash of event ${row.seq - 1}`);
          if (eventHash(row) !== row.hash) return broken(`event ${row.seq} was changed after it was written (its hash does not match its contents)`);
          previous = row.hash;
          expected++;
        }
        if (rows.length < 5000) return { ok: true, events: expected - 1, firstBroken: null, reason: null };
      }
    });
  }
}
