/**
 * `mlwatch registry` on SQLite and PostgreSQL: list, show, compare, approve, alias and audit in
 * text and JSON, and the exit codes of the drift command: 2 for usage and input errors (an
 * unknown ref, a policy refusal, a forbidden or conflicting move), 1 for a broken audit chain.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { AccessControl, ModelRegistry, openStore } from '../../src/index.js';
import { mlwatch } from '../helpers/cli.js';
import { LINEAGE, SIGNATURE, smallModel } from '../helpers/registry-fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

describeEachStore('mlwatch registry on %s', (fixture) => {
  it('lists, shows, compares, approves, moves aliases and reads the audit trail', async () => {
    const db = await fixture.newDatabase();
    const dir = fixture.newDir();
    const registry = await ModelRegistry.open({ db, artifacts: dir, actor: 'alice' });
    await registry.register('fraud', { model: smallModel(1), signature: SIGNATURE, metrics: { accuracy: 0.9 }, tags: { team: 'risk' }, lineage: LINEAGE });
    await registry.register('fraud', { model: smallModel(2), signature: SIGNATURE, metrics: { accuracy: 0.93 }, tags: { team: 'risk' }, lineage: { ...LINEAGE, parentVersion: 1 } });
    await registry.close();
    const access = join(dir, 'access.json');
    writeFileSync(access, JSON.stringify({ actors: { alice: ['author'], bob: ['reviewer'], rita: ['releaser'] } }));
    const run = (...args: string[]) => mlwatch(['registry', ...args, '--db', db, '--access', access]);

    const list = run('list', '--actor', 'bob');
    expect(list, list.stderr).toMatchObject({ code: 0 });
    expect(list.stdout).toMatch(/^name\s+latest\s+created\s+by\nfraud\s+2\s+2\d{3}-.*alice\n$/);
    const versions = run('list', 'fraud', '--tag', 'team=risk', '--format', 'json', '--actor', 'bob');
    expect(JSON.parse(versions.stdout).versions.map((v: { ref: string; aliases: string[] }) => [v.ref, v.aliases])).toEqual([['fraud/2', ['latest']], ['fraud/1', []]]);
    const show = run('show', 'fraud@latest', '--actor', 'bob');
    expect(show.stdout).toContain('fraud/2 (@latest)');
    expect(show.stdout).toMatch(/training\s+transactions-2026-01/);
    const compare = run('compare', 'fraud/1', 'fraud/2', '--actor', 'bob');
    expect(compare.stdout).toContain('accuracy: 0.9 -> 0.93 (+0.03)');
    expect(compare.stdout).toContain('fraud/2 was retrained from fraud/1');

    // champion before approval: refused by the policy, exit 2, the unmet item named
    const early = run('alias', 'fraud', 'champion', '2', '--actor', 'rita');
    expect(early.code).toBe(2);
    expect(early.stderr).toContain('fraud/2 has 0 of the 1 approval required');
    const selfApproval = run('approve', 'fraud/2', '--actor', 'alice');
    expect(selfApproval.code).toBe(2);
    expect(selfApproval.stderr).toMatch(/alice may not version\.approve on fraud\/2/);
    const approve = run('approve', 'fraud/2', '--actor', 'bob', '--note', 'bias ok');
    expect(approve, approve.stderr).toMatchObject({ code: 0, stdout: 'fraud/2 approved by bob: 1 of 1 approvals, approved for production\n' });
    expect(run('alias', 'fraud', 'champion', '2', '--actor', 'alice')).toMatchObject({ code: 2, stderr: expect.stringContaining("ask an administrator for a role with the 'alias.set.protected' permission") });
    expect(run('alias', 'fraud', 'champion', '2', '--actor', 'rita')).toMatchObject({ code: 0, stdout: 'fraud@champion -> 2\n' });
    expect(run('alias', 'fraud', 'champion', '1', '--actor', 'rita', '--expect', 'none')).toMatchObject({ code: 2, stderr: expect.stringContaining('fraud@champion is version 2, not unset as expected') });
    expect(run('show', 'fraud/7', '--actor', 'bob')).toMatchObject({ code: 2, stderr: 'mlwatch: fraud/7: fraud has versions 1 to 2: use one of them\n' });
    expect(run('show', 'fraud@@x', '--actor', 'bob').code).toBe(2);
    expect(run('frobnicate').code).toBe(2);
    expect(mlwatch(['registry', 'list']).code).toBe(2); // no --db

    const audit = JSON.parse(run('audit', '--format', 'json', '--actor', 'bob', '--resource', 'fraud@champion').stdout);
    expect(audit.map((e: { actor: string; outcome: string }) => [e.actor, e.outcome])).toEqual([['rita', 'refused'], ['alice', 'denied'], ['rita', 'ok']]);
    expect(run('audit', '--verify', '--actor', 'bob')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^audit trail intact: 7 events/) });
    const store = await openStore(db);
    await store.write((tx) => tx.run("UPDATE audit_events SET actor = 'eve' WHERE seq = 5"));
    await store.close();
    expect(run('audit', '--verify', '--actor', 'bob')).toMatchObject({ code: 1, stdout: expect.stringContaining('audit trail BROKEN at event 5') });
    expect(AccessControl).toBeDefined();
  }, 300_000); // about twenty mlwatch processes, each compiling the sources with tsx
});
