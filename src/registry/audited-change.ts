/**
 * Every registry change goes through auditedChange: one write transaction that checks the actor's
 * permission, runs the change and appends its audit event, so nothing changes unaudited. A denial
 * or a policy refusal is also audited: its transaction commits the event, and the error is thrown
 * after the commit (throwing inside would roll the event back). Any other error rolls back the
 * change and its event together.
 */
import { ForbiddenError, type PolicyError } from '../errors.js';
import type { AccessControl } from '../governance/access-control.js';
import { appendAuditEvent } from '../governance/audit-log.js';
import type { Permission } from '../governance/permissions.js';
import type { SqlStore, SqlTx } from '../store/sql-store.js';

/** What a change reports: done (its result, audit details, and the resource it resolved to), or refused by the policy. */
export type ChangeOutcome<T> = { result: T; details: Record<string, unknown>; resource?: string } | { refused: PolicyError; details: Record<string, unknown> };

export interface ChangeContext {
  store: SqlStore;
  access: AccessControl;
  now: () => number;
  actor: string;
}

/** Runs change as actor under permission on resource, audited in the same transaction. */
export async function auditedChange<T>(c: ChangeContext, permission: Permission, resource: string, change: (tx: SqlTx, at: number) => Promise<ChangeOutcome<T>>): Promise<T> {
  const done = await c.store.write(async (tx): Promise<{ value: T } | { error: Error }> => {
    const at = c.now();
    const event = { at, actor: c.actor, action: permission, resource };
    if (!c.access.allows(c.actor, permission)) {
      await appendAuditEvent(tx, { ...event, outcome: 'denied', details: {} });
      return { error: new ForbiddenError(c.actor, permission, resource) };
    }
    const outcome = await change(tx, at);
    if ('refused' in outcome) {
      await appendAuditEvent(tx, { ...event, outcome: 'refused', details: { ...outcome.details, unmet: outcome.refused.unmet } });
      return { error: outcome.refused };
    }
    await appendAuditEvent(tx, { ...event, resource: outcome.resource ?? resource, outcome: 'ok', details: outcome.details });
    return { value: outcome.result };
  });
  if ('error' in done) throw done.error;
  return done.value;
}

/** Throws ForbiddenError unless actor holds permission, auditing the denial first (for reads and pre-checks). */
export async function requirePermission(c: ChangeContext, permission: Permission, resource: string): Promise<void> {
  if (c.access.allows(c.actor, permission)) return;
  await c.store.write((tx) => appendAuditEvent(tx, { at: c.now(), actor: c.actor, action: permission, resource, outcome: 'denied', details: {} }));
  throw new ForbiddenError(c.actor, permission, resource);
}
