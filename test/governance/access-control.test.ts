/**
 * Access control on SQLite and PostgreSQL: every standard role tried on every action. An allowed
 * action succeeds; a denied one throws ForbiddenError and leaves a 'denied' event naming the actor
 * and the permission. 'alias.set' never moves the protected champion alias.
 */
import { expect, it } from 'vitest';
import { AccessControl, ExperimentStore, ModelRegistry, PERMISSIONS, STANDARD_ROLES, type Permission } from '../../src/index.js';

let experiments = 0;
import { LINEAGE, SIGNATURE, smallModel } from '../helpers/registry-fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

const ROLES = Object.keys(STANDARD_ROLES);

/** Each action, the permission it needs, and a call of it (against m/1, registered and approved by others). */
const ACTIONS: [string, Permission, (r: ModelRegistry) => Promise<unknown>][] = [
  ['get', 'model.read', (r) => r.get('m@latest')],
  ['search', 'model.read', (r) => r.search({ tags: { team: 'risk' } })],
  ['loadModel', 'model.read', (r) => r.loadModel('m/1')],
  ['register', 'model.register', (r) => r.register('m', { signature: SIGNATURE, lineage: LINEAGE })],
  ['attachCheck', 'check.attach', (r) => r.attachCheck('m/1', { name: 'bias', passed: true })],
  ['approve', 'version.approve', (r) => r.approve('m/1')],
  ['setAlias staging', 'alias.set', async (r) => r.setAlias('m', 'staging', 1, { expectedVersion: (await r.as('admin').get('m/1')).aliases.includes('staging') ? 1 : null })],
  ['setAlias champion', 'alias.set.protected', async (r) => r.setAlias('m', 'champion', 1, { expectedVersion: (await r.as('admin').get('m/1')).aliases.includes('champion') ? 1 : null })],
  ['auditEvents', 'audit.read', (r) => r.auditEvents({ limit: 1 })],
  ['create experiment', 'experiment.manage', (r) => new ExperimentStore(r).create({ name: `e${++experiments}`, variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }], metric: { name: 'm', kind: 'proportion' }, design: { mde: 0.1, baseline: 0.5 } })],
];

describeEachStore('access control on %s', (fixture) => {
  it('allows exactly what each role grants, and audits every denial (role x action matrix)', async () => {
    const actors = Object.fromEntries([...ROLES.map((role) => [`${role}-user`, [role]]), ['admin', ['admin']], ['setup', ['admin']], ['nobody', []]]);
    const access = new AccessControl({ actors });
    const setup = await ModelRegistry.open({ db: await fixture.newDatabase(), artifacts: fixture.newDir(), actor: 'setup', access });
    await setup.register('m', { model: smallModel(), signature: SIGNATURE, tags: { team: 'risk' }, lineage: LINEAGE });
    await setup.as('admin').approve('m/1');

    const matrix: Record<string, Record<string, boolean>> = {};
    for (const role of [...ROLES, 'none']) {
      const actor = role === 'none' ? 'nobody' : `${role}-user`;
      const registry = setup.as(actor);
      matrix[role] = {};
      for (const [action, permission, call] of ACTIONS) {
        const outcome = await call(registry).then(
          () => true,
          (e: { code?: string; permission?: string; actor?: string }) => {
            // an already-approved version is refused by the policy, not by access control
            if (e.code === 'ERR_MLWATCH_POLICY') return true;
            expect(e).toMatchObject({ code: 'ERR_MLWATCH_FORBIDDEN', actor, permission });
            return false;
          },
        );
        matrix[role][action] = outcome;
        const granted = role !== 'none' && STANDARD_ROLES[role].includes(permission);
        expect(outcome, `${role} ${action}`).toBe(granted);
        if (!granted) {
          const [last] = (await setup.as('admin').auditEvents({ actor, action: permission })).slice(-1);
          expect(last).toMatchObject({ actor, action: permission, outcome: 'denied' });
        }
      }
    }
    // the matrix, spelled out (true: allowed)
    expect(matrix).toEqual({
      viewer: { get: true, search: true, loadModel: true, register: false, attachCheck: false, approve: false, 'setAlias staging': false, 'setAlias champion': false, auditEvents: true, 'create experiment': false },
      author: { get: true, search: true, loadModel: true, register: true, attachCheck: true, approve: false, 'setAlias staging': true, 'setAlias champion': false, auditEvents: true, 'create experiment': true },
      reviewer: { get: true, search: true, loadModel: true, register: false, attachCheck: true, approve: true, 'setAlias staging': false, 'setAlias champion': false, auditEvents: true, 'create experiment': false },
      releaser: { get: true, search: true, loadModel: true, register: false, attachCheck: false, approve: false, 'setAlias staging': true, 'setAlias champion': true, auditEvents: true, 'create experiment': false },
      admin: { get: true, search: true, loadModel: true, register: true, attachCheck: true, approve: true, 'setAlias staging': true, 'setAlias champion': true, auditEvents: true, 'create experiment': true },
      none: { get: false, search: false, loadModel: false, register: false, attachCheck: false, approve: false, 'setAlias staging': false, 'setAlias champion': false, auditEvents: false, 'create experiment': false },
    });
    expect((await setup.verifyAudit()).ok).toBe(true);
    await setup.close();
  });

  it('rejects unknown permissions and roles when it is built', () => {
    expect(() => new AccessControl({ roles: { r: ['model.delete' as Permission] }, actors: {} })).toThrow(/Expected one of model\.read, .* for options\.roles\.r but received "model\.delete"/);
    expect(() => new AccessControl({ actors: { a: ['superuser'] } })).toThrow(/Expected one of the roles viewer, author, reviewer, releaser, admin for options\.actors\.a/);
    expect(PERMISSIONS).toContain('alias.set.protected');
    expect(STANDARD_ROLES.author).toContain('alias.set');
    expect(STANDARD_ROLES.author).not.toContain('alias.set.protected');
  });
});
