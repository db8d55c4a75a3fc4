/**
 * Pipeline on SQLite and PostgreSQL: stages run in order and see earlier outputs; gates reject with
 * their reason; a throwing stage fails the run and nothing after it runs; a failed run resumes at
 * the failed stage; a key makes one run however many starts; one run at a time per model; every
 * event carries the run's correlation id; bad configurations are named errors.
 */
import { expect, it } from 'vitest';
import { errorCode, Pipeline, PipelineBusyError, PipelineConfigError, PipelineStateError, type ModelRegistry, type StageDefinition } from '../../src/index.js';
import { describeEachStore } from '../helpers/stores.js';
import { MODEL, openRegistry } from './pipeline-fixtures.js';

describeEachStore('Pipeline (%s)', (fixture) => {
  const open = async () => openRegistry(await fixture.newDatabase(), fixture.newDir());
  const pipeline = (registry: ModelRegistry, stages: StageDefinition[]) => new Pipeline({ registry, model: MODEL, name: 'p', stages });

  it('runs stages in order, each seeing the outputs of the ones before, and audits each step under one correlation id', async () => {
    const registry = await open();
    const seen: [string, Record<string, unknown>][] = [];
    const stage = (name: string, output: unknown): StageDefinition => ({ name, run: (ctx) => (seen.push([name, { ...ctx.outputs }]), output) });
    const run = await pipeline(registry, [stage('a', { n: 1 }), stage('b', [2, 3]), stage('c', 'x')]).start({ key: 'k1', trigger: { why: 'test' } });
    expect(seen).toEqual([['a', {}], ['b', { a: { n: 1 } }], ['c', { a: { n: 1 }, b: [2, 3] }]]);
    expect(run).toMatchObject({ status: 'succeeded', key: 'k1', trigger: { why: 'test' }, error: null, model: MODEL });
    expect(run.stages.map((s) => [s.name, s.status, s.output, s.attempts])).toEqual([['a', 'done', { n: 1 }, 1], ['b', 'done', [2, 3], 1], ['c', 'done', 'x', 1]]);
    const events = await registry.auditEvents({ resource: MODEL });
    expect(events.map((e) => [e.action, e.details.event, e.details.stage ?? null])).toEqual([
      ['pipeline.run', 'run.started', null],
      ...['a', 'b', 'c'].flatMap((s) => [['pipeline.run', 'stage.started', s], ['pipeline.run', 'stage.done', s]]),
      ['pipeline.run', 'run.succeeded', null],
    ]);
    expect(new Set(events.map((e) => e.details.correlationId))).toEqual(new Set([run.correlationId]));
    expect(events.every((e) => e.resource === `${MODEL}/run/${run.id}`)).toBe(true);
    expect(await registry.verifyAudit()).toMatchObject({ ok: true });
    await registry.close();
  });

  it("ends a run as rejected with the gate's reason, running nothing after the gate", async () => {
    const registry = await open();
    let after = 0;
    const stages: StageDefinition[] = [
      { name: 'score', run: () => ({ accuracy: 0.7 }), gate: (ctx) => ({ passed: (ctx.outputs.score as { accuracy: number }).accuracy >= 0.9, reason: 'accuracy 0.7 < 0.9' }) },
      { name: 'after', run: () => ++after },
    ];
    const run = await pipeline(registry, stages).start({ key: 'g' });
    expect(run.status).toBe('rejected');
    expect(run.error).toMatch(/stage "score" was rejected by its gate: accuracy 0.7 < 0.9/);
    expect(run.stages).toMatchObject([{ name: 'score', status: 'rejected', output: { accuracy: 0.7 }, gate: { passed: false, reason: 'accuracy 0.7 < 0.9' } }]);
    expect(after).toBe(0);
    const bare = await pipeline(registry, [{ name: 's', run: () => 1, gate: () => false }, { name: 't', run: () => ++after }]).start({ key: 'g2' });
    expect(bare.error).toMatch(/the gate of stage "s" did not pass/);
    const passing = await pipeline(registry, [{ name: 's', run: () => 1, gate: () => true }, { name: 't', run: () => ++after }]).start({ key: 'g3' });
    expect(passing.status).toBe('succeeded');
    expect(after).toBe(1);
    await registry.close();
  });

  it('fails a run whose stage throws, runs nothing after it, and resumes a failed run at that stage', async () => {
    const registry = await open();
    const calls: string[] = [];
    let broken = true;
    const p = pipeline(registry, [
      { name: 'a', run: () => (calls.push('a'), 'A') },
      { name: 'b', run: () => { calls.push('b'); if (broken) throw new Error('disk full'); return 'B'; } },
      { name: 'c', run: (ctx) => (calls.push('c'), `${ctx.outputs.a}${ctx.outputs.b}`) },
    ]);
    const failed = await p.start({ key: 'f' });
    expect(failed).toMatchObject({ status: 'failed', error: 'stage "b" failed: disk full' });
    expect(failed.stages.map((s) => s.status)).toEqual(['done', 'failed']);
    expect(calls).toEqual(['a', 'b']);
    broken = false;
    const resumed = await p.resume(failed.id);
    expect(resumed).toMatchObject({ status: 'succeeded', error: null });
    expect(calls).toEqual(['a', 'b', 'b', 'c']); // 'a' is not run again: its output comes from the database
    expect(resumed.stages.map((s) => [s.name, s.attempts, s.output])).toEqual([['a', 1, 'A'], ['b', 2, 'B'], ['c', 1, 'AB']]);
    const error = await p.resume(failed.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineStateError);
    expect(errorCode(error)).toBe('ERR_MLWATCH_PIPELINE_STATE');
    await expect(p.resume(9999)).rejects.toThrow(/no run of model "fraud"/);
    const notJson = await pipeline(registry, [{ name: 'big', run: () => 10n }]).start({ key: 'j' });
    expect(notJson).toMatchObject({ status: 'failed', error: expect.stringMatching(/not JSON/) });
    await registry.close();
  });

  it('makes one run of a key however many starts, and keeps one run at a time per model', async () => {
    const registry = await open();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    let runs = 0;
    const p = pipeline(registry, [{ name: 'slow', run: async () => (runs++, started(), await gate, 'ok') }]);
    const starts = Array.from({ length: 10 }, () => p.start({ key: 'same' }));
    await running;
    const other = pipeline(registry, [{ name: 'x', run: () => 1 }]);
    const busy = await other.start({ key: 'another' }).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(PipelineBusyError);
    expect((busy as PipelineBusyError).model).toBe(MODEL);
    release();
    const done = await Promise.all(starts);
    expect(new Set(done.map((r) => r.id)).size).toBe(1);
    expect(done.every((r) => r.status === 'succeeded')).toBe(true);
    expect(runs).toBe(1);
    expect(await p.runs()).toHaveLength(1);
    // another process (here: another Pipeline object) starting the same key finds the same run
    expect((await other.start({ key: 'same' })).id).toBe(done[0].id);
    expect((await other.start({ key: 'another' })).status).toBe('succeeded');
    expect(await p.runs()).toHaveLength(2);
    await registry.close();
  });

  it('refuses bad configurations with named errors', async () => {
    const registry = await open();
    const bad = (stages: unknown) => {
      try {
        pipeline(registry, stages as StageDefinition[]);
      } catch (error) {
        expect(error).toBeInstanceOf(PipelineConfigError);
        expect(errorCode(error)).toBe('ERR_MLWATCH_PIPELINE_CONFIG');
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad([])).toMatch(/stages: expected a non-empty array/);
    expect(bad([{ name: 'a', run: () => 1 }, { name: 'a', run: () => 2 }])).toMatch(/stages\[1\]\.name: the stage name "a" is used twice/);
    expect(bad([{ name: 'a', run: 'train' }])).toMatch(/stages\[0\]\.run: expected a function .* received string/);
    expect(bad([{ name: 'a', run: () => 1, gate: true }])).toMatch(/stages\[0\]\.gate: expected a function/);
    expect(bad([{ name: 'a', run: () => 1, needs: ['train'] }])).toMatch(/reads the output of "train", which is not a stage before it/);
    expect(bad([{ name: 'b', run: () => 1, needs: ['b'] }])).toMatch(/not a stage before it/);
    expect(bad([{ name: 'has space', run: () => 1 }])).toMatch(/stages\[0\]\.name: expected 1 to 64 letters/);
    expect(() => new Pipeline({ registry: {} as ModelRegistry, model: MODEL, name: 'p', stages: [{ name: 'a', run: () => 1 }] })).toThrow(/options.registry: expected a ModelRegistry/);
    expect(() => new Pipeline({ registry, model: MODEL, name: '', stages: [{ name: 'a', run: () => 1 }] })).toThrow(PipelineConfigError);
    await registry.close();
  });
});
