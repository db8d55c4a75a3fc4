/**
 * The experiment stages on SQLite and PostgreSQL: a run registers a candidate, starts an A/B
 * experiment of it against the champion (kept in the registry's database), waits for the
 * decision, ends the experiment and promotes the winner with the run's correlation id on the
 * move; an experiment that does not ship ends the run as rejected and moves nothing; a run
 * interrupted after starting the experiment, or after promoting, resumes without a second
 * experiment or a second move.
 */
import { expect, it } from 'vitest';
import { ExperimentStore, Pipeline, promoteWhenShippedStage, registerModelStage, startExperimentStage, type Experiment, type StageContext, type StageDefinition } from '../../src/index.js';
import { SeededRandom } from '../../src/demo/random.js';
import { SIGNATURE, smallModel } from '../helpers/registry-fixtures.js';
import { describeEachStore } from '../helpers/stores.js';
import { MODEL, openRegistry, seedChampion } from './pipeline-fixtures.js';

/** Logs one outcome per unit: success with probability 0.5 for the control and `treatment` for the treatment. */
function logOutcomes(experiment: Experiment, units: number, treatment: number, seed: number): void {
  const rng = new SeededRandom(seed);
  for (let i = 0; i < units; i++) {
    const unit = `unit-${seed}-${i}`;
    const variant = experiment.assign(unit)!;
    experiment.logOutcome(unit, variant, { success: rng.uniform() < (variant === 'treatment' ? treatment : 0.5) });
  }
}

function stages(store: ExperimentStore, treatment: number, hooks: { onStarted?: (e: Experiment) => void; onPromoted?: () => void; onNotShipped?: () => void } = {}): StageDefinition[] {
  let served: Experiment | undefined;
  return [
    registerModelStage({ model: () => smallModel(2), signature: SIGNATURE, trainingData: () => ({ name: 'transactions', contentHash: 'c'.repeat(64) }) }),
    startExperimentStage({
      store,
      config: (ctx: StageContext) => ({
        name: `${MODEL}-run-${ctx.run.id}`,
        variants: [
          { name: 'control', weight: 1, model: `${MODEL}/1` },
          { name: 'treatment', weight: 1, model: (ctx.outputs.register as { ref: string }).ref },
        ],
        metric: { name: 'caught', kind: 'proportion' },
        design: { baseline: 0.5, mde: 0.1, sequential: true },
      }),
      onStarted: (experiment) => {
        served = experiment; // where a server would start serving it
        hooks.onStarted?.(experiment);
      },
    }),
    promoteWhenShippedStage({
      store,
      // the looks a daily job would take: outcomes arrive, the experiment syncs, and is analysed
      decided: async () => {
        for (let day = 0; ; day++) {
          logOutcomes(served!, 200, treatment, day);
          await store.sync(served!);
          const analysis = served!.analyze();
          if (analysis.decision !== 'keep_running' || day === 30) return analysis.decision === 'keep_running' ? { ...analysis, decision: 'no_ship' as const, reason: 'out of time' } : analysis;
        }
      },
      onPromoted: () => hooks.onPromoted?.(),
      onNotShipped: () => hooks.onNotShipped?.(),
    }),
  ];
}

describeEachStore('experiment stages (%s)', (fixture) => {
  const open = async () => openRegistry(await fixture.newDatabase(), fixture.newDir());

  it('starts the experiment, waits for ship, ends it and promotes the winner under the run’s correlation id', async () => {
    const registry = await open();
    await seedChampion(registry);
    const store = new ExperimentStore(registry);
    let promoted = 0;
    const run = await new Pipeline({ registry, model: MODEL, name: 'ab', stages: stages(store, 0.7, { onPromoted: () => promoted++ }) }).start({ key: 'ship' });
    expect(run.status).toBe('succeeded');
    expect(run.stages.map((s) => s.name)).toEqual(['register', 'experiment', 'ship']);
    const name = `${MODEL}-run-${run.id}`;
    expect(run.stages[1].output).toEqual({ experiment: name, variants: [{ name: 'control', weight: 1, model: `${MODEL}/1` }, { name: 'treatment', weight: 1, model: `${MODEL}/2` }], reused: false });
    expect(run.stages[2].output).toMatchObject({ experiment: name, decision: 'ship', winner: 'treatment', promoted: { alias: 'champion', version: 2, previous: 1, ref: `${MODEL}/2`, reused: false } });
    expect(promoted).toBe(1);
    expect((await registry.get(`${MODEL}@champion`)).version).toBe(2);
    expect(await store.get(name)).toMatchObject({ status: 'ended', analysis: { decision: 'ship', winner: 'treatment' } });
    const move = (await registry.auditEvents({ resource: `${MODEL}@champion` })).at(-1)!;
    expect(move.details).toMatchObject({ version: 2, previous: 1, reason: { correlationId: run.correlationId, experiment: name, decision: 'ship', winner: 'treatment' } });
    expect((await registry.auditEvents({ resource: `experiment:${name}` })).map((e) => e.details.operation)).toEqual(['create', 'end']);
    expect(await registry.verifyAudit()).toMatchObject({ ok: true });
    await registry.close();
  });

  it('ends the run as rejected when the experiment does not ship, and moves nothing', async () => {
    const registry = await open();
    await seedChampion(registry);
    const store = new ExperimentStore(registry);
    let notShipped = 0;
    const run = await new Pipeline({ registry, model: MODEL, name: 'ab', stages: stages(store, 0.3, { onNotShipped: () => notShipped++ }) }).start({ key: 'worse' });
    expect(run.status).toBe('rejected');
    expect(run.error).toMatch(new RegExp(`experiment ${MODEL}-run-${run.id} did not ship: no_ship \\(every treatment is significantly lower`));
    expect(notShipped).toBe(1);
    expect((await registry.get(`${MODEL}@champion`)).version).toBe(1);
    expect(await store.get(`${MODEL}-run-${run.id}`)).toMatchObject({ status: 'ended', analysis: { decision: 'no_ship' } });
    await registry.close();
  });

  it('resumes without a second experiment or a second move', async () => {
    const registry = await open();
    await seedChampion(registry);
    const store = new ExperimentStore(registry);
    // first attempt: serving the new experiment fails (as a crash would stop it) after it was created
    let starts = 0;
    const failingStart = stages(store, 0.7, { onStarted: () => { if (++starts === 1) throw new Error('the server went away'); } });
    const pipeline = new Pipeline({ registry, model: MODEL, name: 'ab', stages: failingStart });
    const failed = await pipeline.start({ key: 'resume' });
    expect(failed).toMatchObject({ status: 'failed', error: 'stage "experiment" failed: the server went away' });
    // second attempt: the experiment is found, not created again; then promoting is interrupted after the move
    let promotions = 0;
    const again = stages(store, 0.7, { onPromoted: () => { if (++promotions === 1) throw new Error('the reload was interrupted'); } });
    const second = new Pipeline({ registry, model: MODEL, name: 'ab', stages: again });
    const interrupted = await second.resume(failed.id);
    expect(interrupted).toMatchObject({ status: 'failed', error: 'stage "ship" failed: the reload was interrupted' });
    expect(interrupted.stages[1].output).toMatchObject({ reused: true });
    expect((await registry.get(`${MODEL}@champion`)).version).toBe(2);
    const done = await second.resume(failed.id);
    expect(done.status).toBe('succeeded');
    expect(done.stages[2].output).toMatchObject({ decision: 'ship', promoted: { version: 2, previous: 1, reused: true } });
    expect(promotions).toBe(2);
    expect((await store.list()).map((r) => r.name)).toEqual([`${MODEL}-run-${failed.id}`]);
    const moves = (await registry.auditEvents({ resource: `${MODEL}@champion` })).filter((e) => e.outcome === 'ok' && (e.details as { version: number }).version === 2);
    expect(moves).toHaveLength(1);
    await registry.close();
  });

  it('names bad options at construction', () => {
    expect(() => startExperimentStage({ store: {} as ExperimentStore, config: () => ({}) as never })).toThrow(/startExperimentStage options.store: expected an ExperimentStore/);
    expect(() => promoteWhenShippedStage({ store: { create: () => undefined } as unknown as ExperimentStore, decided: 'soon' as never })).toThrow(/promoteWhenShippedStage options.decided: expected a function but received string/);
  });
});
