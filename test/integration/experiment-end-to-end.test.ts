/**
 * The whole experiment loop on real components: two registry versions (SQLite) behind the real
 * server on loopback, the experiment kept in the registry's database, traffic split by unit,
 * outcomes logged through the outcomes route and synced to the database by the server, read
 * back by an analyst's process, the better version promoted to champion through the registry
 * (compare-and-set, policy checked), the experiment ended, the server switched to the winner,
 * and the audit trail showing each step with the analysis attached.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { DenseModel } from '../../src/inference/dense-model.js';
import { Experiment } from '../../src/experiment/experiment.js';
import { ExperimentStore } from '../../src/experiment/experiment-store.js';
import { ModelRegistry } from '../../src/registry/model-registry.js';
import { ModelServer } from '../../src/serving/model-server.js';
import { registrySource } from '../../src/serving/registry-source.js';
import { SeededRandom } from '../../src/demo/random.js';
import type { ModelSignature } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mlwatch-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 2 -> 2 softmax model whose class-1 probability at (0, 0) grows with bias. */
const model = (bias: number) => new DenseModel([{ inputSize: 2, outputSize: 2, weights: Float32Array.of(1, 0, 0, 1), bias: Float32Array.of(0, bias), activation: 'softmax' }]);
const SIGNATURE: ModelSignature = { inputs: [{ name: 'a', type: 'float32' }, { name: 'b', type: 'float32' }], outputs: [{ name: 'no', type: 'float32' }, { name: 'yes', type: 'float32' }] };

describe('experiment end to end: registry, server, outcomes, promotion, audit', () => {
  it('promotes the better version to champion and the server serves it', async () => {
    const db = `sqlite:${join(dir, 'registry.db')}`;
    const artifacts = join(dir, 'artifacts');
    const alice = await ModelRegistry.open({ db, artifacts, actor: 'alice' });
    const bob = alice.as('bob');
    const lineage = { trainingData: { name: 'events-2026-11', contentHash: 'b'.repeat(64) } };
    await alice.register('scorer', { model: model(0), signature: SIGNATURE, lineage });
    await alice.register('scorer', { model: model(1.5), signature: SIGNATURE, lineage: { ...lineage, parentVersion: 1 } });
    await bob.approve('scorer/1', 'baseline');
    await alice.setAlias('scorer', 'champion', 1, { expectedVersion: null });

    const experiment = await new ExperimentStore(alice).create({
      name: 'scorer-v2-vs-v1',
      variants: [
        { name: 'control', weight: 50, model: 'scorer/1' },
        { name: 'treatment', weight: 50, model: 'scorer/2' },
      ],
      metric: { name: 'converted', kind: 'proportion' },
      design: { baseline: 0.5, mde: 0.1, sequential: true },
    });
    const server = new ModelServer({ port: 0, maxQueueDelayMs: 1 }, registrySource(alice));
    server.serveExperiment('scorer', experiment, { control: await alice.loadModel('scorer/1'), treatment: await alice.loadModel('scorer/2') }, { sync: { store: new ExperimentStore(alice), everyMs: 20 } });
    // the analyst reads the experiment from the database, in a connection of its own
    const carol = await ModelRegistry.open({ db, actor: 'carol' });
    const analyst = new ExperimentStore(carol);
    const { url } = await server.listen();
    try {
      const rng = new SeededRandom(4);
      const outcomes: { unit: string; success: boolean }[] = [];
      for (let i = 0; i < 400; i++) {
        const unit = `u${i}`;
        const r = await request(`${url}/v2/models/scorer/infer`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-mlwatch-unit': unit }, body: JSON.stringify({ inputs: [{ name: 'input', shape: [1, 2], datatype: 'FP32', data: [0, 0] }] }) });
        const yes = ((await r.body.json()) as { outputs: { data: number[] }[] }).outputs[0].data[1];
        outcomes.push({ unit, success: rng.uniform() < yes });
      }
      const logged = await request(`${url}/v2/models/scorer/outcomes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outcomes }) });
      expect(await logged.body.json()).toMatchObject({ logged: 400 });

      const early = new Experiment({ ...experiment.config, name: 'no-data' });
      await expect(early.promoteWinner(alice, early.analyze())).rejects.toMatchObject({ name: 'ExperimentDecisionError', code: 'ERR_MLWATCH_NOT_DECIDED' });

      // the server syncs its outcomes within everyMs; until then the analyst sees fewer
      let seen = await analyst.open('scorer-v2-vs-v1');
      for (let tries = 0; tries < 200 && seen.analyze().variants.reduce((n, v) => n + v.units, 0) < 400; tries++) {
        await new Promise((r) => setTimeout(r, 25));
        seen = await analyst.open('scorer-v2-vs-v1');
      }
      expect(server.experimentSync('scorer')).toMatchObject({ lastSyncAt: expect.any(Number), lastError: null });
      const analysis = seen.analyze();
      expect(analysis.variants.map((v) => v.units)).toEqual(experiment.analyze().variants.map((v) => v.units));
      expect(analysis).toMatchObject({ decision: 'ship', winner: 'treatment' });
      // the winner is not approved yet: the policy refuses champion, naming what is missing
      await expect(experiment.promoteWinner(alice, analysis)).rejects.toMatchObject({ name: 'PolicyError', message: expect.stringMatching(/scorer\/2 has 0 of the 1 approval/) });
      await bob.approve('scorer/2', 'won scorer-v2-vs-v1');
      const moved = await experiment.promoteWinner(alice, analysis);
      expect(moved).toMatchObject({ name: 'scorer', alias: 'champion', version: 2, previous: 1, winner: 'treatment', ref: 'scorer/2' });
      expect((await alice.get('scorer@champion')).version).toBe(2);
      expect(await analyst.end(seen, analysis)).toMatchObject({ status: 'ended', endedBy: 'carol', analysis: { decision: 'ship', winner: 'treatment' } });

      await server.endExperiment('scorer', await alice.loadModel('scorer@champion'), { version: '2' });
      server.follow('scorer', 'scorer@champion', 100);
      const after = await request(`${url}/v2/models/scorer/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: [{ name: 'input', shape: [1, 2], datatype: 'FP32', data: [0, 0] }] }) });
      expect(((await after.body.json()) as { model_version: string }).model_version).toBe('2');

      const trail = await alice.auditEvents({ resource: 'scorer@champion' });
      const move = trail.find((e) => e.outcome === 'ok' && (e.details as { version?: number }).version === 2)!;
      expect(move).toMatchObject({ actor: 'alice', action: 'alias.set.protected', details: { previous: 1, reason: { experiment: 'scorer-v2-vs-v1', decision: 'ship', winner: 'treatment' } } });
      expect(trail.some((e) => e.outcome === 'refused')).toBe(true); // the refused attempt is on the record too
      const actions = (await alice.auditEvents({})).map((e) => `${e.actor} ${e.action} ${e.resource} ${e.outcome}`);
      expect(actions).toEqual(expect.arrayContaining(['alice model.register scorer/2 ok', 'alice experiment.manage experiment:scorer-v2-vs-v1 ok', 'bob version.approve scorer/2 ok', 'alice alias.set.protected scorer@champion ok', 'carol experiment.manage experiment:scorer-v2-vs-v1 ok']));
      // in this order: created, promoted, ended
      const steps = ['alice experiment.manage experiment:scorer-v2-vs-v1 ok', 'alice alias.set.protected scorer@champion ok', 'carol experiment.manage experiment:scorer-v2-vs-v1 ok'].map((a) => actions.lastIndexOf(a));
      expect([...steps].sort((x, y) => x - y)).toEqual(steps);
      expect(await alice.verifyAudit()).toMatchObject({ ok: true, firstBroken: null });
    } finally {
      await server.close();
      await carol.close();
      await alice.close();
    }
  }, 60_000);
});
