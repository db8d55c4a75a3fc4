/**
 * Resume after a crash, on SQLite and PostgreSQL: a child process runs the full pipeline and is
 * SIGKILLed in the middle of a stage (after the stage's work, before its 'done' mark: the worst
 * moment for registration and promotion). The parent then resumes the run; its end state must
 * equal that of an uninterrupted run: the same versions (nothing registered twice), champion on
 * the new version, the run succeeded with the same stage outputs, and an intact audit chain.
 * Every child is killed by its PID if still alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { CORRELATION_TAG, type ModelRegistry, type PipelineRun } from '../../src/index.js';
import { ROOT } from '../helpers/cli.js';
import { describeEachStore } from '../helpers/stores.js';
import { fullPipeline, MODEL, openRegistry, seedChampion } from './pipeline-fixtures.js';

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
  children.clear();
});

/** What must be the same after an interrupted-and-resumed run and an uninterrupted one. */
async function endState(registry: ModelRegistry, run: PipelineRun) {
  const versions = (await registry.search({ name: MODEL }, { orderBy: 'oldest' })).versions;
  const outputs = Object.fromEntries(run.stages.map((s) => [s.name, s.output]));
  // reused says whether the effect was found rather than made: the one field allowed to differ
  for (const name of ['register', 'promote']) delete (outputs[name] as { reused?: boolean }).reused;
  // measured times
  delete (outputs.evaluate as { candidate: { p99LatencyMs?: number } }).candidate.p99LatencyMs;
  delete (outputs.validate as { drift: { timestamp?: number } }).drift.timestamp;
  return {
    versions: versions.map((v) => ({ version: v.version, fromRun: v.tags[CORRELATION_TAG] === run.correlationId, parent: v.lineage.parentVersion ?? null, model: v.modelSha256 })),
    champion: (await registry.get(`${MODEL}@champion`)).version,
    status: run.status,
    stages: run.stages.map((s) => [s.name, s.status]),
    outputs,
  };
}

async function uninterrupted(db: string, artifacts: string, models: string) {
  const registry = await openRegistry(db, artifacts);
  await seedChampion(registry);
  const run = await fullPipeline(registry, models).start({ key: 'crash', trigger: { source: 'test' } });
  const state = await endState(registry, run);
  await registry.close();
  return state;
}

async function waitFor(path: string, child: ChildProcess, stderr: () => string): Promise<void> {
  while (!existsSync(path)) {
    if (child.exitCode !== null) throw new Error(`the worker exited (${child.exitCode}) before pausing: ${stderr()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describeEachStore('a pipeline run resumed after SIGKILL (%s)', (fixture) => {
  let baseline: Awaited<ReturnType<typeof uninterrupted>> | undefined;

  it('runs uninterrupted to the expected end state (the baseline)', async () => {
    baseline = await uninterrupted(await fixture.newDatabase(), fixture.newDir(), fixture.newDir());
    expect(baseline.status).toBe('succeeded');
    expect(baseline.versions).toMatchObject([{ version: 1, fromRun: false }, { version: 2, fromRun: true, parent: 1 }]);
    expect(baseline.champion).toBe(2);
    expect(baseline.outputs.promote).toEqual({ alias: 'champion', version: 2, previous: 1 });
  }, 60_000);

  for (const stage of ['validate', 'train', 'register', 'promote']) {
    it(`resumes a run killed in the middle of stage ${stage} to the same end state, nothing done twice`, async () => {
      const db = await fixture.newDatabase();
      const artifacts = fixture.newDir();
      const models = fixture.newDir();
      const marker = join(mkdtempSync(join(tmpdir(), 'mlwatch-marker-')), 'paused');
      const setup = await openRegistry(db, artifacts);
      await seedChampion(setup);

      const child = spawn(process.execPath, ['--import', 'tsx', 'test/pipeline/pipeline-worker.ts', db, artifacts, models, stage, marker], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      const exited = new Promise<string | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      await waitFor(marker, child, () => stderr);
      process.kill(child.pid!, 'SIGKILL');
      expect(await exited).toBe('SIGKILL');

      const pipeline = fullPipeline(setup, models);
      const [interrupted] = await pipeline.runs();
      expect(interrupted.status).toBe('running');
      expect(interrupted.stages.at(-1)).toMatchObject({ name: stage, status: 'running' });
      const resumed = await pipeline.resumeInterrupted();
      expect(resumed).not.toBeNull();
      expect(resumed!.id).toBe(interrupted.id);
      expect(resumed!.stages.find((s) => s.name === stage)!.attempts).toBe(2);
      if (stage === 'register' || stage === 'promote') expect((resumed!.stages.find((s) => s.name === stage)!.output as { reused: boolean }).reused).toBe(true);

      expect(await endState(setup, resumed!)).toEqual(baseline);
      const registrations = (await setup.auditEvents({ action: 'model.register' })).filter((e) => e.outcome === 'ok');
      expect(registrations).toHaveLength(2); // the seed's and the run's, once
      const moves = (await setup.auditEvents({ resource: `${MODEL}@champion` })).filter((e) => e.outcome === 'ok');
      expect(moves).toHaveLength(2); // the seed's and the run's, once
      const runEvents = await setup.auditEvents({ action: 'pipeline.run' });
      expect(runEvents.map((e) => e.details.event)).toContain('run.resumed');
      expect(new Set(runEvents.map((e) => e.details.correlationId))).toEqual(new Set([interrupted.correlationId]));
      expect(await setup.verifyAudit()).toMatchObject({ ok: true });
      await setup.close();
    }, 90_000);
  }
});
