/**
 * The audit trail's hash chain: each event's hash is the SHA-256 of its fields and of the hash of
 * the event before it, so changing, removing or reordering any stored event breaks every link
 * after it. The first event links to GENESIS_HASH.
 */
import { createHash } from 'node:crypto';
import type { AuditRow } from '../store/audit-rows.js';

/** The "previous hash" of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** The hash of an event from its stored fields (details as the stored JSON text, so no re-encoding can differ). */
export function eventHash(row: Omit<AuditRow, 'hash'>): string {
  const fields = [row.seq, row.at, row.actor, row.action, row.resource, row.outcome, row.details, row.prev_hash];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}
