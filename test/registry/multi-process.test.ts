/**
 * Several processes on one registry, on SQLite and PostgreSQL: concurrent registrations of one name
 * get dense version numbers without duplicates; of processes moving the same alias at once exactly
 * one wins and the others get AliasConflictError; and a process killed with SIGKILL in the middle
 * of registering, 25 times, never leaves a half-written version, a missing artifact or a broken
 * audit chain. Every child is killed by its PID if still alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { ModelRegistry } from '../../src/index.js';
import { ROOT } from '../helpers/cli.js';
import { describeEachStore } from '../helpers/stores.js';

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
  children.clear();
});

function worker(args: string[]): { child: ChildProcess; lines: string[]; line: (text: string) => Promise<void>; exit: Promise<{ code: number | null; signal: string | null; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/registry/registry-worker.ts', ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  const lines: string[] = [];
  let stderr = '';
  const waiters: [string, () => void][] = [];
  let buffer = '';
  child.stdout!.on('data', (d) => {
    buffer += d;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const text = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      lines.push(text);
      for (const [want, resolve] of waiters) if (want === text) resolve();
    }
  });
  child.stderr!.on('data', (d) => (stderr += d));
  const exit = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  const line = (text: string) => (lines.includes(text) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push([text, resolve])));
  return { child, lines, line, exit };
}

describeEachStore('several processes on one registry (%s)', (fixture) => {
  it('number concurrent registrations of one name densely, without duplicates', async () => {
    const db = await fixture.newDatabase();
    const artifacts = fixture.newDir();
    await (await ModelRegistry.open({ db, artifacts, actor: 'setup' })).close(); // schema in place
    const workers = Array.from({ length: 4 }, (_, i) => worker(['register', db, artifacts, `w${i}`, '12']));
    const exits = await Promise.all(workers.map((w) => w.exit));
    for (const e of exits) expect(e, e.stderr).toMatchObject({ code: 0 });
    const registry = await ModelRegistry.open({ db, artifacts, actor: 'check' });
    const all = await registry.search({ name: 'shared' }, { limit: 1000, orderBy: 'oldest' });
    expect(all.versions.map((v) => v.version)).toEqual(Array.from({ length: 48 }, (_, i) => i + 1));
    for (let i = 0; i < 4; i++) expect(all.versions.filter((v) => v.tags.writer === `w${i}`)).toHaveLength(12);
    expect(await registry.verifyAudit()).toMatchObject({ ok: true, events: 48 });
    await registry.close();
  }, 120_000);

  it('let exactly one of several processes move an alias at once', async () => {
    const db = await fixture.newDatabase();
    const artifacts = fixture.newDir();
    const setup = await ModelRegistry.open({ db, artifacts, actor: 'setup' });
    await setup.register('shared', { signature: (await import('../helpers/registry-fixtures.js')).SIGNATURE });
    await setup.register('shared', { signature: (await import('../helpers/registry-fixtures.js')).SIGNATURE });
    await setup.setAlias('shared', 'staging', 1, { expectedVersion: null });
    const workers = Array.from({ length: 6 }, (_, i) => worker(['alias', db, artifacts, `w${i}`]));
    await Promise.all(workers.map((w) => w.line('ready')));
    for (const w of workers) w.child.stdin!.write('go\n');
    const exits = await Promise.all(workers.map((w) => w.exit));
    for (const e of exits) expect(e, e.stderr).toMatchObject({ code: 0 });
    const outcomes = workers.map((w) => w.lines[1]).sort();
    expect(outcomes).toEqual(['conflict', 'conflict', 'conflict', 'conflict', 'conflict', 'won']);
    expect((await setup.get('shared@staging')).version).toBe(2);
    const moves = (await setup.auditEvents({ resource: 'shared@staging' })).filter((e) => e.actor !== 'setup');
    expect(moves).toHaveLength(1);
    await setup.close();
  }, 120_000);

  it('leave no half-written version after 25 SIGKILLs during register', async () => {
    const db = await fixture.newDatabase();
    const artifacts = fixture.newDir();
    await (await ModelRegistry.open({ db, artifacts, actor: 'setup' })).close();
    let before = 0;
    for (let i = 0; i < 25; i++) {
      const w = worker(['loop', db, artifacts, 'writer']);
      await w.line('ready');
      await new Promise((r) => setTimeout(r, 3 + ((i * 17) % 40)));
      process.kill(w.child.pid!, 'SIGKILL');
      expect((await w.exit).signal).toBe('SIGKILL');

      const registry = await ModelRegistry.open({ db, artifacts, actor: 'check' });
      const latest = (await registry.get('crash@latest')).version;
      expect(latest).toBeGreaterThan(before); // each run committed at least its first version
      const versions = (await registry.search({ name: 'crash' }, { limit: 1000, orderBy: 'oldest' })).versions;
      expect(versions.map((v) => v.version)).toEqual(Array.from({ length: latest }, (_, k) => k + 1));
      // every version registered since the last check is whole: its files exist and verify
      for (const v of versions.slice(before)) {
        expect(v.artifacts.map((a) => a.path)).toEqual(['blob.bin', 'model.mlws']);
        await registry.loadModel(v.ref);
        expect((await registry.readArtifact(v.ref, 'blob.bin')).length).toBe(64 * 1024);
      }
      expect(await registry.verifyAudit()).toMatchObject({ ok: true, events: latest });
      before = latest;
      await registry.close();
    }
  }, 480_000); // 25 child processes: slow under the sanitizer run and a busy machine
});
