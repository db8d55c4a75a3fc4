/**
 * The audit trail on SQLite and PostgreSQL: every registry change writes exactly one event in its
 * own transaction (a change that fails writes none, a reopen writes none), denied and refused
 * attempts are recorded too, queries filter by resource, actor, action and time, and verify()
 * finds the first event that was changed or removed, down to one flipped byte in the file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { AccessControl, AuditLog, ModelRegistry, openStore } from '../../src/index.js';
import { LINEAGE, SIGNATURE, smallModel } from '../helpers/registry-fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

describeEachStore('the audit trail on %s', (fixture) => {
  let clock = Date.UTC(2026, 0, 1);
  const now = () => (clock += 60_000);

  async function populated(db: string) {
    const access = new AccessControl({ actors: { alice: ['author'], bob: ['reviewer'], rita: ['releaser'], vic: ['viewer'] } });
    const alice = await ModelRegistry.open({ db, artifacts: fixture.newDir(), actor: 'alice', access, now });
    await alice.register('fraud', { model: smallModel(), signature: SIGNATURE, lineage: LINEAGE });
    await alice.register('churn', { signature: SIGNATURE, lineage: LINEAGE });
    await alice.as('bob').attachCheck('fraud/1', { name: 'bias', passed: true });
    await alice.as('bob').approve('fraud@latest', 'ok');
    await alice.as('rita').setAlias('fraud', 'champion', 1, { expectedVersion: null });
    await expect(alice.as('vic').register('fraud', { signature: SIGNATURE })).rejects.toMatchObject({ code: 'ERR_MLWATCH_FORBIDDEN' });
    await expect(alice.setAlias('fraud', 'champion', 1, { expectedVersion: 1 })).rejects.toMatchObject({ code: 'ERR_MLWATCH_FORBIDDEN', message: "alice may not alias.set.protected on fraud@champion: ask an administrator for a role with the 'alias.set.protected' permission" });
    await expect(alice.as('bob').approve('churn/1')).resolves.toMatchObject({ approved: true });
    await expect(alice.as('bob').approve('churn/1')).rejects.toMatchObject({ code: 'ERR_MLWATCH_POLICY' });
    // failures that change nothing write nothing
    await expect(alice.get('fraud/7')).rejects.toMatchObject({ code: 'ERR_MLWATCH_NOT_FOUND' });
    await expect(alice.setAlias('fraud', 'staging', 1, { expectedVersion: 1 })).rejects.toMatchObject({ code: 'ERR_MLWATCH_ALIAS_CONFLICT' });
    await expect(alice.register('fraud', { signature: SIGNATURE, lineage: { parentVersion: 9 } })).rejects.toMatchObject({ code: 'ERR_MLWATCH_NOT_FOUND' });
    return alice;
  }

  it('records each change, denial and refusal once, in order, and queries them', async () => {
    const db = await fixture.newDatabase();
    const registry = await populated(db);
    const events = await registry.auditEvents();
    expect(events.map((e) => [e.seq, e.actor, e.action, e.resource, e.outcome])).toEqual([
      [1, 'alice', 'model.register', 'fraud/1', 'ok'],
      [2, 'alice', 'model.register', 'churn/1', 'ok'],
      [3, 'bob', 'check.attach', 'fraud/1', 'ok'],
      [4, 'bob', 'version.approve', 'fraud/1', 'ok'],
      [5, 'rita', 'alias.set.protected', 'fraud@champion', 'ok'],
      [6, 'vic', 'model.register', 'fraud', 'denied'],
      [7, 'alice', 'alias.set.protected', 'fraud@champion', 'denied'],
      [8, 'bob', 'version.approve', 'churn/1', 'ok'],
      [9, 'bob', 'version.approve', 'churn/1', 'refused'],
    ]);
    expect(events[0].details).toMatchObject({ version: 1, modelSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(events[4].details).toEqual({ version: 1, previous: null });
    expect(events[8].details.unmet).toEqual(['bob has already approved churn/1: approvals must come from different people']);
    expect(events[0].prevHash).toBe('0'.repeat(64));
    for (let i = 1; i < events.length; i++) expect(events[i].prevHash).toBe(events[i - 1].hash);

    expect((await registry.auditEvents({ resource: 'fraud' })).map((e) => e.seq)).toEqual([1, 3, 4, 5, 6, 7]);
    expect((await registry.auditEvents({ resource: 'fraud@champion' })).map((e) => e.seq)).toEqual([5, 7]);
    expect((await registry.auditEvents({ actor: 'bob', action: 'version.approve' })).map((e) => e.seq)).toEqual([4, 8, 9]);
    expect((await registry.auditEvents({ since: events[2].at, until: events[4].at })).map((e) => e.seq)).toEqual([3, 4]);
    expect((await registry.auditEvents({ afterSeq: 7, limit: 1 })).map((e) => e.seq)).toEqual([8]);
    await expect(registry.auditEvents({ since: 5, until: 1 })).rejects.toMatchObject({ code: 'ERR_MLWATCH_INVALID_ARGUMENT' });
    expect(await registry.verifyAudit()).toEqual({ ok: true, events: 9, firstBroken: null, reason: null });
    await registry.close();

    // a restart emits nothing again
    const reopened = await ModelRegistry.open({ db, artifacts: fixture.newDir(), actor: 'admin' });
    expect((await reopened.auditEvents()).length).toBe(9);
    expect((await reopened.verifyAudit()).ok).toBe(true);
    await reopened.close();
  });

  it('verify() names the first event changed, removed or re-chained', async () => {
    const db = await fixture.newDatabase();
    await (await populated(db)).close();
    const store = await openStore(db);
    const log = new AuditLog(store);
    const tamper = async (sql: string, params: (string | number)[]) => store.write((tx) => tx.run(sql, params));
    // one byte of event 4's details flipped ('o' -> 'O' in the note "ok")
    const original = String((await store.read((tx) => tx.get('SELECT details FROM audit_events WHERE seq = 4')))!.details);
    await tamper('UPDATE audit_events SET details = ? WHERE seq = 4', [original.replace('"ok"', '"Ok"')]);
    expect(await log.verify()).toMatchObject({ ok: false, events: 3, firstBroken: 4, reason: 'event 4 was changed after it was written (its hash does not match its contents)' });
    await tamper('UPDATE audit_events SET details = ? WHERE seq = 4', [original]);
    expect((await log.verify()).ok).toBe(true);
    // rewriting an event with a fresh hash breaks the link of the next one
    await tamper("UPDATE audit_events SET actor = 'mallory', hash = ? WHERE seq = 6", ['f'.repeat(64)]);
    expect(await log.verify()).toMatchObject({ firstBroken: 6 });
    const row6 = (await store.read((tx) => tx.get('SELECT * FROM audit_events WHERE seq = 6')))!;
    const { eventHash } = await import('../../src/governance/audit-chain.js');
    await tamper('UPDATE audit_events SET hash = ? WHERE seq = 6', [eventHash({ ...(row6 as unknown as import('../../src/store/audit-rows.js').AuditRow), actor: 'mallory' })]);
    expect(await log.verify()).toMatchObject({ firstBroken: 7, reason: 'event 7 does not carry the hash of event 6' });
    // a removed event
    await tamper('DELETE FROM audit_events WHERE seq = 2', []);
    expect(await log.verify()).toMatchObject({ firstBroken: 2, reason: 'event 2 is missing (the next one stored is 3)' });
    await store.close();
  });

  it.runIf(fixture.kind === 'sqlite')('verify() finds one byte flipped in the database file itself', async () => {
    const db = await fixture.newDatabase();
    const registry = await ModelRegistry.open({ db, artifacts: fixture.newDir(), actor: 'zelda-the-auditor' });
    await registry.register('m', { signature: SIGNATURE });
    await registry.register('m', { signature: SIGNATURE });
    await registry.close(); // checkpoints the WAL into the file
    const file = db.slice('sqlite:'.length);
    const bytes = readFileSync(file);
    // the table row (actor, action, resource stored side by side), not the actor index's copy
    const at = bytes.indexOf(Buffer.from('zelda-the-auditormodel.register'));
    expect(at).toBeGreaterThan(0);
    bytes[at] ^= 0x20; // 'z' -> 'Z'
    writeFileSync(file, bytes);
    const reopened = await ModelRegistry.open({ db, artifacts: fixture.newDir(), actor: 'x' });
    const result = await reopened.verifyAudit();
    expect(result.ok).toBe(false);
    expect([1, 2]).toContain(result.firstBroken);
    await reopened.close();
  });
});
