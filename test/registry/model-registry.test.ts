/**
 * The registry on SQLite and PostgreSQL: dense versions, the three kinds of reference, search with
 * filters, orders, cursor paging and aliases filled in, compare, checks, approvals under the
 * policy (each unmet item named), alias compare-and-set, protected aliases, verified artifacts,
 * and a named error for every kind of bad input.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { AccessControl, ModelRegistry, type ModelVersion } from '../../src/index.js';
import { LINEAGE, SIGNATURE, smallModel } from '../helpers/registry-fixtures.js';
import { describeEachStore } from '../helpers/stores.js';

describeEachStore('ModelRegistry on %s', (fixture) => {
  let clock = Date.UTC(2026, 0, 1);
  const open = async (options: Partial<Parameters<typeof ModelRegistry.open>[0]> = {}) =>
    ModelRegistry.open({ db: await fixture.newDatabase(), artifacts: fixture.newDir(), actor: 'alice', now: () => (clock += 1000), ...options });

  it('numbers versions 1, 2, 3 per name and resolves NAME/N, NAME@ALIAS, NAME@latest and models:/ refs', async () => {
    const registry = await open();
    const v1 = await registry.register('fraud', { model: smallModel(1), signature: SIGNATURE, metrics: { accuracy: 0.91 }, tags: { team: 'risk' }, lineage: LINEAGE, compression: 'none', description: 'first' });
    const v2 = await registry.register('fraud', { model: smallModel(2), signature: SIGNATURE, lineage: { ...LINEAGE, parentVersion: 1 } });
    const other = await registry.register('churn', { signature: SIGNATURE });
    expect([v1.version, v2.version, other.version]).toEqual([1, 2, 1]);
    expect(v1).toMatchObject({ name: 'fraud', ref: 'fraud/1', createdBy: 'alice', metrics: { accuracy: 0.91 }, tags: { team: 'risk' }, compression: 'none', description: 'first', approved: false, aliases: ['latest'] }); // newest when registered
    expect(v1.artifacts.map((a) => a.path)).toEqual(['model.mlws']);
    expect(v1.modelSha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await registry.get('fraud@latest')).version).toBe(2);
    expect((await registry.get('fraud/1')).aliases).toEqual([]);
    expect((await registry.get('fraud/2')).aliases).toEqual(['latest']);
    expect((await registry.get('models:/fraud/1')).version).toBe(1);
    await registry.setAlias('fraud', 'challenger', 1, { expectedVersion: null });
    expect((await registry.get('fraud@challenger')).version).toBe(1);
    expect((await registry.get('fraud/1')).aliases).toEqual(['challenger']);
    expect((await registry.listModels()).map((m) => [m.name, m.latestVersion])).toEqual([['churn', 1], ['fraud', 2]]);
    await registry.close();
  });

  it('round-trips the model bit for bit through loadModel, and stores the same bytes once', async () => {
    const artifacts = fixture.newDir();
    const registry = await open({ artifacts });
    const model = smallModel(3);
    const a = await registry.register('m', { model, signature: SIGNATURE, artifacts: { 'config.json': new TextEncoder().encode('{"k":1}') } });
    const b = await registry.register('m', { model, signature: SIGNATURE, artifacts: { 'config.json': new TextEncoder().encode('{"k":1}') } });
    expect(b.modelSha256).toBe(a.modelSha256);
    const files = readdirSync(join(artifacts, 'sha256'), { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    expect(files).toHaveLength(2); // model + config, once each
    const loaded = await registry.loadModel('m/2');
    expect(loaded.snapshot()).toEqual(model.snapshot());
    expect(Buffer.from(loaded.layers[0].weights.buffer).equals(Buffer.from(model.layers[0].weights.buffer))).toBe(true);
    expect(new TextDecoder().decode(await registry.readArtifact('m/1', 'config.json'))).toBe('{"k":1}');
    await registry.close();
  });

  it('detects a tampered or missing artifact when loading (ArtifactIntegrityError)', async () => {
    const artifacts = fixture.newDir();
    const registry = await open({ artifacts });
    const v = await registry.register('m', { model: smallModel(), signature: SIGNATURE });
    const path = join(artifacts, 'sha256', v.modelSha256!.slice(0, 2), v.modelSha256!);
    const bytes = new Uint8Array(readFileSync(path));
    bytes[bytes.length - 1] ^= 1;
    writeFileSync(path, bytes);
    await expect(registry.loadModel('m/1')).rejects.toMatchObject({ name: 'ArtifactIntegrityError', code: 'ERR_MLWATCH_ARTIFACT_INTEGRITY', message: expect.stringMatching(/hash to .* restore it from a backup or register the model again/) });
    rmSync(path);
    await expect(registry.loadModel('m/1')).rejects.toMatchObject({ code: 'ERR_MLWATCH_ARTIFACT_INTEGRITY', message: expect.stringContaining('cannot be read (ENOENT)') });
    // registering the same bytes again puts the file back: m/1 loads again
    await registry.register('m', { model: smallModel(), signature: SIGNATURE });
    expect((await registry.loadModel('m/1')).snapshot()).toEqual(smallModel().snapshot());
    await registry.close();
  });

  it('names every kind of bad input with its own error class and code', async () => {
    const registry = await open();
    await registry.register('m', { model: smallModel(), signature: SIGNATURE, lineage: LINEAGE });
    await expect(registry.register('bad name!', { signature: SIGNATURE })).rejects.toMatchObject({ name: 'InvalidRefError', code: 'ERR_MLWATCH_INVALID_REF' });
    for (const ref of ['m', 'm/0', 'm/x', 'm@', 'm@Champion', '/3', 'm/1@a']) await expect(registry.get(ref)).rejects.toMatchObject({ code: 'ERR_MLWATCH_INVALID_REF' });
    await expect(registry.get('m/9')).rejects.toMatchObject({ name: 'RegistryNotFoundError', code: 'ERR_MLWATCH_NOT_FOUND', message: 'm/9: m has versions 1 to 1: use one of them' });
    await expect(registry.get('nope/1')).rejects.toMatchObject({ code: 'ERR_MLWATCH_NOT_FOUND', message: expect.stringContaining('there is no model named nope') });
    await expect(registry.get('m@champion')).rejects.toMatchObject({ code: 'ERR_MLWATCH_NOT_FOUND', message: expect.stringContaining('m has no alias champion') });
    const narrow = { inputs: SIGNATURE.inputs.slice(0, 2), outputs: SIGNATURE.outputs };
    await expect(registry.register('m', { model: smallModel(), signature: narrow })).rejects.toMatchObject({
      name: 'SignatureMismatchError',
      code: 'ERR_MLWATCH_SIGNATURE_MISMATCH',
      message: expect.stringContaining('the model takes 3 inputs but the signature names 2'),
    });
    await expect(registry.register('m', { signature: SIGNATURE, lineage: { parentVersion: 7 } })).rejects.toMatchObject({ code: 'ERR_MLWATCH_NOT_FOUND' });
    await expect(registry.register('m', { signature: SIGNATURE, metrics: { accuracy: NaN } })).rejects.toMatchObject({ code: 'ERR_MLWATCH_INVALID_ARGUMENT', message: expect.stringMatching(/^Expected a number for input\.metrics\.accuracy/) });
    await expect(registry.setAlias('m', 'latest', 1, { expectedVersion: null })).rejects.toMatchObject({ code: 'ERR_MLWATCH_INVALID_REF', message: expect.stringContaining("'latest' always means the newest version") });
    await expect(registry.setAlias('m', 'x', 1, {} as never)).rejects.toMatchObject({ code: 'ERR_MLWATCH_INVALID_ARGUMENT' });
    await expect(registry.loadModel('m/1')).resolves.toBeDefined();
    // nothing half-done: still one version
    expect((await registry.get('m@latest')).version).toBe(1);
    await registry.close();
  });

  it('searches by tag and metric, orders by time or metric, pages with cursors, and fills in aliases', async () => {
    const registry = await open();
    for (let i = 1; i <= 23; i++) {
      await registry.register(i % 2 ? 'a' : 'b', { signature: SIGNATURE, tags: { parity: i % 2 ? 'odd' : 'even', all: 'yes' }, metrics: { accuracy: 0.5 + (i % 7) / 100, i } });
    }
    await registry.setAlias('a', 'challenger', 3, { expectedVersion: null });
    const seen: ModelVersion[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await registry.search({ tags: { all: 'yes' } }, { limit: 5, cursor });
      seen.push(...page.versions);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen.map((v) => v.metrics.i)).toEqual(Array.from({ length: 23 }, (_, k) => 23 - k)); // newest first, no repeats
    const a3 = seen.find((v) => v.ref === 'a/3')!;
    expect(a3.aliases).toEqual(['challenger']);
    expect(seen.find((v) => v.ref === 'a/12')!.aliases).toEqual(['latest']);
    const even = await registry.search({ tags: { parity: 'even' } }, { limit: 100, orderBy: 'oldest' });
    expect(even.versions.map((v) => v.metrics.i)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22]);
    expect(even.nextCursor).toBeNull();
    const good = await registry.search({ metrics: { accuracy: { min: 0.555 } } }, { limit: 100 });
    expect(good.versions.every((v) => v.metrics.accuracy >= 0.555)).toBe(true);
    expect(good.versions.map((v) => v.metrics.i).sort((x, y) => x - y)).toEqual([6, 13, 20]);
    // by metric, descending, paged 4 at a time: the same as sorting everything
    const byMetric: ModelVersion[] = [];
    cursor = null;
    do {
      const page = await registry.search({}, { limit: 4, cursor, orderBy: { metric: 'accuracy' } });
      byMetric.push(...page.versions);
      cursor = page.nextCursor;
    } while (cursor);
    const expected = [...seen].sort((x, y) => y.metrics.accuracy - x.metrics.accuracy || (y.metrics.i - x.metrics.i));
    expect(byMetric.map((v) => v.ref)).toEqual(expected.map((v) => v.ref));
    const first = await registry.search({}, { limit: 2 });
    await expect(registry.search({}, { limit: 2, cursor: first.nextCursor, orderBy: 'oldest' })).rejects.toMatchObject({ code: 'ERR_MLWATCH_INVALID_ARGUMENT', message: expect.stringContaining('pass the same orderBy') });
    expect((await registry.search({ name: 'b' }, { limit: 100 })).versions).toHaveLength(11);
    await registry.close();
  });

  it('compares versions: metric deltas, signature compatibility, changed artifacts, lineage', async () => {
    const registry = await open();
    await registry.register('m', { model: smallModel(1), signature: SIGNATURE, metrics: { accuracy: 0.9, latency_ms: 20 }, artifacts: { 'a.txt': new Uint8Array([1]), 'b.txt': new Uint8Array([2]) }, lineage: LINEAGE });
    const renamed = { ...SIGNATURE, inputs: [...SIGNATURE.inputs.slice(0, 2), { name: 'merchant_score', type: 'float32' as const }] };
    await registry.register('m', { model: smallModel(2), signature: renamed, metrics: { accuracy: 0.95 }, artifacts: { 'a.txt': new Uint8Array([1]), 'c.txt': new Uint8Array([3]) }, lineage: { ...LINEAGE, parentVersion: 1 } });
    const c = await registry.compare('m/1', 'm@latest');
    expect(c.metrics.accuracy.delta).toBeCloseTo(0.05, 12);
    expect(c.metrics.latency_ms).toEqual({ a: 20, b: null, delta: null });
    expect(c.signature).toEqual({ compatible: false, differences: ['inputs[2]: merchant_risk -> merchant_score'] });
    expect(c.artifacts).toEqual({ added: ['c.txt'], removed: ['b.txt'], changed: ['model.mlws'], unchanged: ['a.txt'] });
    expect(c.lineage).toMatchObject({ sameTrainingData: true, bDescendsFromA: true });
    await registry.close();
  });

  it('refuses approval while the policy is not met, naming every unmet item, and gates protected aliases on approval', async () => {
    const registry = await open({ policy: { approvalsRequired: 2, requiredChecks: ['bias', 'robustness'], lineageRequired: true } });
    await registry.register('m', { model: smallModel(), signature: SIGNATURE });
    const bob = registry.as('bob');
    const refusal = await bob.approve('m/1').catch((e: unknown) => e);
    expect(refusal).toMatchObject({ name: 'PolicyError', code: 'ERR_MLWATCH_POLICY' });
    expect((refusal as { unmet: string[] }).unmet).toEqual([
      "required check 'bias' has not been run on m/1: attach its result with attachCheck()",
      "required check 'robustness' has not been run on m/1: attach its result with attachCheck()",
      'm/1 does not name its training data: register it with lineage.trainingData { name, contentHash }',
    ]);
    await registry.register('m', { model: smallModel(), signature: SIGNATURE, lineage: LINEAGE });
    await bob.attachCheck('m/2', { name: 'bias', passed: true, details: 'demographic parity 0.02' });
    await bob.attachCheck('m/2', { name: 'robustness', passed: false });
    await expect(registry.approve('m/2')).rejects.toMatchObject({
      unmet: ["required check 'robustness' failed on m/2: fix the model and register a new version, or attach a passing result", 'alice registered m/2 and may not approve it: ask someone else to approve'],
    });
    await bob.attachCheck('m/2', { name: 'robustness', passed: true });
    // an approved-for-nothing version cannot become champion
    await expect(registry.setAlias('m', 'champion', 2, { expectedVersion: null })).rejects.toMatchObject({
      code: 'ERR_MLWATCH_POLICY',
      unmet: ['m/2 has 0 of the 2 approvals required (from people other than its registrant alice): approve it with approve()'],
    });
    expect(await bob.approve('m/2', 'looks good')).toEqual({ ref: 'm/2', approvals: 1, required: 2, approved: false });
    await expect(bob.approve('m/2')).rejects.toMatchObject({ unmet: ['bob has already approved m/2: approvals must come from different people'] });
    await expect(registry.setAlias('m', 'champion', 2, { expectedVersion: null })).rejects.toMatchObject({ code: 'ERR_MLWATCH_POLICY' });
    expect(await registry.as('carol').approve('m/2')).toEqual({ ref: 'm/2', approvals: 2, required: 2, approved: true });
    expect((await registry.get('m/2')).approved).toBe(true);
    expect((await registry.search({ approved: true })).versions.map((v) => v.ref)).toEqual(['m/2']);
    expect(await registry.setAlias('m', 'champion', 2, { expectedVersion: null })).toEqual({ name: 'm', alias: 'champion', version: 2, previous: null });
    expect((await registry.get('m@champion')).approvals.map((a) => [a.approver, a.note])).toEqual([['bob', 'looks good'], ['carol', null]]);
    await registry.close();
  });

  it('moves aliases by compare-and-set: a stale expectedVersion gets AliasConflictError and changes nothing', async () => {
    const registry = await open();
    for (let i = 0; i < 3; i++) await registry.register('m', { signature: SIGNATURE });
    await registry.setAlias('m', 'staging', 1, { expectedVersion: null });
    await expect(registry.setAlias('m', 'staging', 2, { expectedVersion: null })).rejects.toMatchObject({ name: 'AliasConflictError', code: 'ERR_MLWATCH_ALIAS_CONFLICT', expected: null, actual: 1 });
    expect(await registry.setAlias('m', 'staging', 2, { expectedVersion: 1 })).toMatchObject({ previous: 1, version: 2 });
    // ten concurrent moves from version 2: exactly one wins
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => registry.as(`u${i}`).setAlias('m', 'staging', 3, { expectedVersion: 2 })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) expect((r as PromiseRejectedResult).reason.code).toBe('ERR_MLWATCH_ALIAS_CONFLICT');
    expect((await registry.get('m@staging')).version).toBe(3);
    await registry.close();
  });

  it('reads artifacts given as file paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlwatch-art-'));
    writeFileSync(join(dir, 'report.html'), '<p>ok</p>');
    const registry = await open({ access: new AccessControl({ actors: { alice: ['admin'] } }) });
    await registry.register('m', { signature: SIGNATURE, artifacts: { 'reports/benchmark.html': join(dir, 'report.html') } });
    expect(new TextDecoder().decode(await registry.readArtifact('m/1', 'reports/benchmark.html'))).toBe('<p>ok</p>');
    await expect(registry.register('m', { signature: SIGNATURE, artifacts: { '../x': new Uint8Array(1) } })).rejects.toMatchObject({ code: 'ERR_MLWATCH_INVALID_ARGUMENT' });
    await registry.close();
  });
});
