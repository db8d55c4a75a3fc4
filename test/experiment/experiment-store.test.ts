/**
 * ExperimentStore on SQLite and PostgreSQL: an experiment outlives its process and adds up the
 * outcomes of several (two registries on one database stand for two server processes): the
 * merged analysis equals one process seeing every outcome; a failed sync loses nothing; the
 * always-valid p-value's running minimum survives a reopen; create and end are audited; bad
 * requests are named errors. OutcomeStats.merge is checked against two-pass sums over the
 * concatenated streams.
 */
import { describe, expect, it } from 'vitest';
import { AccessControl, Experiment, ExperimentStore, ModelRegistry, OutcomeStats, type ExperimentConfig } from '../../src/index.js';
import { SeededRandom } from '../../src/demo/random.js';
import { describeEachStore } from '../helpers/stores.js';
import { LINEAGE, SIGNATURE, smallModel } from '../helpers/registry-fixtures.js';

const meanConfig = (name: string): ExperimentConfig => ({
  name,
  variants: [
    { name: 'control', weight: 60, model: 'ranker/1' },
    { name: 'treatment', weight: 40, model: 'ranker/2' },
  ],
  metric: { name: 'revenue', kind: 'mean' },
  guardrails: [{ name: 'latency_ms', worse: 'higher' }],
  design: { mde: 0.5, baseline: 10, sd: 3, sequential: true },
});

/** Outcomes for units u{from}..u{to-1}: value ~ N(10 + 0.4 [treatment], 3) with a correlated covariate. */
function logUnits(experiment: Experiment, from: number, to: number, seed: number): void {
  const rng = new SeededRandom(seed);
  for (let i = from; i < to; i++) {
    const unit = `u${i}`;
    const variant = experiment.assign(unit)!;
    const covariate = 10 + 3 * rng.normal();
    const value = 0.7 * covariate + 3 + (variant === 'treatment' ? 0.4 : 0) + 2 * rng.normal();
    experiment.logOutcome(unit, variant, { value, covariate, guardrails: { latency_ms: 20 + rng.normal() } });
  }
}

async function openRegistry(db: string, artifacts: string, actor = 'ana', access?: AccessControl): Promise<ModelRegistry> {
  return ModelRegistry.open({ db, artifacts, actor, access });
}

async function seedModels(registry: ModelRegistry): Promise<void> {
  await registry.register('ranker', { model: smallModel(1), signature: SIGNATURE, lineage: LINEAGE });
  await registry.register('ranker', { model: smallModel(2), signature: SIGNATURE, lineage: LINEAGE });
}

describe('OutcomeStats.merge', () => {
  it('equals two-pass sums over both streams, and round-trips through JSON exactly', () => {
    const rng = new SeededRandom(3);
    const ys = Array.from({ length: 1000 }, () => 1e6 + rng.normal());
    const xs = ys.map((y) => 0.5 * y + rng.normal());
    const parts = [new OutcomeStats(1), new OutcomeStats(1), new OutcomeStats(1)];
    const cuts = [0, 137, 138, 1000];
    for (let p = 0; p < 3; p++) {
      for (let i = cuts[p]; i < cuts[p + 1]; i++) {
        parts[p].units++;
        parts[p].addValue(ys[i]);
        if (i % 2 === 0) parts[p].addPair(ys[i], xs[i]);
        parts[p].addGuardrail(0, xs[i]);
      }
    }
    const merged = new OutcomeStats(1);
    for (const part of parts) merged.merge(OutcomeStats.fromJSON(JSON.parse(JSON.stringify(part)), 1));
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const m2 = (v: number[]) => v.reduce((s, x) => s + (x - mean(v)) ** 2, 0);
    const even = ys.map((_, i) => i).filter((i) => i % 2 === 0);
    const py = even.map((i) => ys[i]);
    const px = even.map((i) => xs[i]);
    const cxy = even.reduce((s, i) => s + (ys[i] - mean(py)) * (xs[i] - mean(px)), 0);
    expect(merged.units).toBe(1000);
    expect(merged.n).toBe(1000);
    expect(merged.meanY).toBeCloseTo(mean(ys), 8);
    expect(merged.m2Y / m2(ys)).toBeCloseTo(1, 9);
    expect(merged.paired).toBe(500);
    expect(merged.m2PairedY / m2(py)).toBeCloseTo(1, 9);
    expect(merged.m2X / m2(px)).toBeCloseTo(1, 9);
    expect(merged.cXY / cxy).toBeCloseTo(1, 9);
    expect(merged.guardrailSample(0).mean).toBeCloseTo(mean(xs), 9);
    expect(merged.guardrailSample(0).variance / (m2(xs) / 999)).toBeCloseTo(1, 9);
    expect(OutcomeStats.fromJSON(JSON.parse(JSON.stringify(merged)), 1)).toEqual(merged);
    expect(() => OutcomeStats.fromJSON({ ...merged.toJSON(), n: 'x' }, 1)).toThrow(/expected a finite number in n/);
    expect(() => OutcomeStats.fromJSON(merged.toJSON(), 2)).toThrow(/expected 6 finite guardrail numbers/);
  });
});

describeEachStore('ExperimentStore on %s', (fixture) => {
  it('adds up the outcomes of two processes: the analysis equals one process that saw them all', async () => {
    const db = await fixture.newDatabase();
    const artifacts = fixture.newDir();
    const a = await openRegistry(db, artifacts, 'server-a');
    const b = await openRegistry(db, artifacts, 'server-b');
    try {
      await seedModels(a);
      const inA = await new ExperimentStore(a).create(meanConfig('ranking'));
      const inB = await new ExperimentStore(b).open('ranking');
      logUnits(inA, 0, 3000, 1);
      logUnits(inB, 3000, 5000, 2);
      await new ExperimentStore(a).sync(inA);
      await new ExperimentStore(b).sync(inB);
      await new ExperimentStore(a).sync(inA); // picks up b's outcomes
      const alone = new Experiment(meanConfig('ranking'));
      logUnits(alone, 0, 3000, 1);
      logUnits(alone, 3000, 5000, 2);
      const expected = alone.analyze();
      for (const e of [inA, inB, await new ExperimentStore(a).open('ranking')]) {
        const got = e.analyze();
        expect(got.decision).toBe(expected.decision);
        expect(got.srm.pValue).toBe(expected.srm.pValue); // unit counts are exact
        got.variants.forEach((v, k) => {
          expect(v.units).toBe(expected.variants[k].units);
          expect(v.estimate).toBeCloseTo(expected.variants[k].estimate, 10);
          if (k > 0) {
            expect(v.effect!.pValue / expected.variants[k].effect!.pValue).toBeCloseTo(1, 8);
            expect(v.guardrails[0].difference).toBeCloseTo(expected.variants[k].guardrails[0].difference, 10);
          }
        });
      }
      expect(inB.analyze().variants.reduce((s, v) => s + v.units, 0)).toBe(5000);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('keeps the outcomes of a sync that failed for the next one', async () => {
    const db = await fixture.newDatabase();
    const artifacts = fixture.newDir();
    const access = new AccessControl({ actors: { admin: ['admin'], viewer: ['viewer'] } });
    const admin = await openRegistry(db, artifacts, 'admin', access);
    try {
      await seedModels(admin);
      const experiment = await new ExperimentStore(admin).create(meanConfig('kept'));
      logUnits(experiment, 0, 400, 5);
      await expect(new ExperimentStore(admin.as('viewer')).sync(experiment)).rejects.toMatchObject({ name: 'ForbiddenError' });
      logUnits(experiment, 400, 500, 6);
      await new ExperimentStore(admin).sync(experiment);
      const reopened = await new ExperimentStore(admin).open('kept');
      expect(reopened.analyze().variants.reduce((s, v) => s + v.units, 0)).toBe(500);
      expect(experiment.analyze().variants.map((v) => v.units)).toEqual(reopened.analyze().variants.map((v) => v.units));
    } finally {
      await admin.close();
    }
  });

  it('keeps the running minimum of the always-valid p-value across reopening', async () => {
    const db = await fixture.newDatabase();
    const registry = await openRegistry(db, fixture.newDir());
    try {
      await seedModels(registry);
      const store = new ExperimentStore(registry);
      const experiment = await store.create(meanConfig('looks'));
      logUnits(experiment, 0, 2000, 7);
      const look = experiment.analyze().variants[1].effect!.alwaysValidPValue!;
      expect(look).toBeLessThan(1);
      await store.sync(experiment);
      const reopened = await store.open('looks');
      expect(reopened.alwaysValidMinima()[1]).toBe(look);
      expect(reopened.analyze().variants[1].effect!.alwaysValidPValue).toBe(look); // same data: the same look
    } finally {
      await registry.close();
    }
  });

  it('records create and end in the audit trail, and takes no outcomes after the end', async () => {
    const db = await fixture.newDatabase();
    const registry = await openRegistry(db, fixture.newDir());
    try {
      await seedModels(registry);
      const store = new ExperimentStore(registry);
      const experiment = await store.create(meanConfig('audited'));
      expect(await store.get('audited')).toMatchObject({ name: 'audited', status: 'running', createdBy: 'ana', endedAt: null, analysis: null });
      logUnits(experiment, 0, 3000, 8);
      const ended = await store.end(experiment);
      expect(ended).toMatchObject({ status: 'ended', endedBy: 'ana', analysis: { decision: expect.stringMatching(/^(ship|no_ship|keep_running)$/) } });
      expect(ended.analysis!.variants.reduce((s, v) => s + v.units, 0)).toBe(3000);
      const events = await registry.auditEvents({ resource: 'experiment:audited' });
      expect(events.map((e) => [e.action, e.outcome, (e.details as { operation: string }).operation])).toEqual([
        ['experiment.manage', 'ok', 'create'],
        ['experiment.manage', 'ok', 'end'],
      ]);
      expect(events[0].details).toMatchObject({ config: meanConfig('audited') });
      expect(events[1].details).toMatchObject({ decision: ended.analysis!.decision, units: [{ variant: 'control' }, { variant: 'treatment' }] });
      logUnits(experiment, 3000, 3010, 9);
      await expect(store.sync(experiment)).rejects.toMatchObject({ name: 'ExperimentStateError', message: expect.stringMatching(/"audited" ended at .*: it takes no more outcomes/) });
      await expect(store.end(experiment)).rejects.toMatchObject({ name: 'ExperimentStateError' });
      expect((await store.list()).map((r) => [r.name, r.status])).toEqual([['audited', 'ended']]);
      expect(await registry.verifyAudit()).toMatchObject({ ok: true });
    } finally {
      await registry.close();
    }
  });

  it('names what is wrong: a taken name, an unknown experiment or model, another definition', async () => {
    const db = await fixture.newDatabase();
    const registry = await openRegistry(db, fixture.newDir());
    try {
      await seedModels(registry);
      const store = new ExperimentStore(registry);
      await store.create(meanConfig('taken'));
      await expect(store.create(meanConfig('taken'))).rejects.toMatchObject({ name: 'ExperimentStateError', code: 'ERR_MLWATCH_EXPERIMENT_STATE', message: expect.stringMatching(/"taken" exists already/) });
      await expect(store.open('nosuch')).rejects.toMatchObject({ name: 'RegistryNotFoundError', message: 'experiment:nosuch: no experiment of that name' });
      const unknownModel = { ...meanConfig('bad-model'), variants: [{ name: 'control', weight: 1, model: 'ranker/1' }, { name: 'treatment', weight: 1, model: 'ranker/9' }] };
      await expect(store.create(unknownModel)).rejects.toMatchObject({ name: 'RegistryNotFoundError' });
      await expect(store.open('bad-model')).rejects.toMatchObject({ name: 'RegistryNotFoundError' }); // nothing half-created
      const impostor = new Experiment({ ...meanConfig('taken'), coverage: 0.5 });
      await expect(store.sync(impostor)).rejects.toMatchObject({ name: 'ExperimentStateError', message: expect.stringMatching(/another definition/) });
      await expect(store.sync({} as Experiment)).rejects.toThrow(/Expected an Experiment/);
      expect(() => new ExperimentStore({} as ModelRegistry)).toThrow(/Expected a ModelRegistry/);
    } finally {
      await registry.close();
    }
  });
});
