/**
 * ContinuousLearner on SQLite and PostgreSQL, driven by an injected clock and tick() (no sleeping):
 * ten retrain events in one second make one run; a failing run backs off exponentially up to the
 * cap and a success resets it; the interval and cron schedules and data freshness start runs;
 * a bad cron expression is a named error; stop() clears the timer and the subscription.
 */
import { expect, it } from 'vitest';
import { backoffMs, ContinuousLearner, Pipeline, PipelineConfigError, RetrainingTrigger, type AlertReport, type LearnerTimers, type ModelRegistry, type StageDefinition } from '../../src/index.js';
import { describeEachStore } from '../helpers/stores.js';
import { MODEL, openRegistry } from './pipeline-fixtures.js';

const START = Date.UTC(2026, 0, 1); // a whole minute: the first events share one coalescing window
const ALERT = { modelName: MODEL, status: 'alert', alerts: [{ type: 'accuracy_degradation', current: 0.8, threshold: 0.9, severity: 'high' }], recentAccuracy: 0.8, recentLatency: 1 } as unknown as AlertReport;
const NO_DRIFT = { driftDetected: false, driftSeverity: 'low' as const, maxDriftScore: 0 };

describeEachStore('ContinuousLearner (%s)', (fixture) => {
  let t = START;
  const now = () => t;
  const open = async () => openRegistry(await fixture.newDatabase(), fixture.newDir());
  const pipeline = (registry: ModelRegistry, stages: StageDefinition[]) => new Pipeline({ registry, model: MODEL, name: 'learn', stages });

  it('makes one run of ten retrain events in one second', async () => {
    t = START;
    const registry = await open();
    let runs = 0;
    const trigger = new RetrainingTrigger(MODEL, { minTimeBetweenRetrainsMs: 0 }, { now, lastRetrainAt: null });
    const learner = new ContinuousLearner({ pipeline: pipeline(registry, [{ name: 'train', run: () => ++runs }]), trigger, now }).start();
    const outcomes: unknown[] = [];
    learner.on('run', (o) => outcomes.push(o)).on('skipped', (o) => outcomes.push(o));
    const decisions = Array.from({ length: 10 }, () => ((t += 100), trigger.shouldRetrain(ALERT, NO_DRIFT)));
    expect(decisions.every((d) => d.shouldRetrain)).toBe(true);
    await learner.stop();
    expect(runs).toBe(1);
    expect(outcomes.filter((o) => 'run' in (o as object))).toHaveLength(1);
    expect(outcomes.filter((o) => (o as { skipped?: string }).skipped === 'busy')).toHaveLength(9);
    // the same cause arriving later (another process, a replayed event) finds the run by its key
    const again = new ContinuousLearner({ pipeline: pipeline(registry, [{ name: 'train', run: () => ++runs }]), now });
    const outcome = await again.acceptDecision(decisions[9]);
    expect(outcome).toMatchObject({ source: 'trigger', key: `retrain:${START}`, run: { status: 'succeeded', key: `retrain:${START}` } });
    expect(runs).toBe(1);
    const [run] = await pipeline(registry, [{ name: 'train', run: () => 0 }]).runs();
    expect(run.trigger).toMatchObject({ source: 'trigger', decision: { shouldRetrain: true } });
    expect(await again.acceptDecision({ ...decisions[0], shouldRetrain: false })).toBeNull();
    await registry.close();
  });

  it('backs off exponentially after failed runs, up to the cap, and resets after a success', async () => {
    t = START;
    const registry = await open();
    let fail = true;
    let calls = 0;
    const p = pipeline(registry, [{ name: 'train', run: () => { calls++; if (fail) throw new Error('no GPU'); return 'ok'; } }, { name: 'after', run: () => 'never after a failure' }]);
    const learner = new ContinuousLearner({ pipeline: p, now, coalesceMs: 1000, backoff: { initialMs: 60_000, maxMs: 150_000 } });
    const decide = () => learner.acceptDecision({ timestamp: t, shouldRetrain: true, severityScore: 1, triggerReasons: ['test'], constraints: { accuracyTrigger: true, driftTrigger: false, timeTrigger: false, minTimeSatisfied: true }, timeSinceLastRetrainMs: null, nextAllowedRetrain: null });

    const first = await decide();
    expect(first).toMatchObject({ run: { status: 'failed', error: 'stage "train" failed: no GPU' } });
    expect((first as { run: { stages: unknown[] } }).run.stages).toHaveLength(1); // 'after' never ran
    expect(learner.consecutiveFailures).toBe(1);
    expect(learner.backingOffUntil).toBe(t + 60_000);
    t += 59_999;
    expect(await decide()).toMatchObject({ skipped: 'backoff' });
    expect(calls).toBe(1);
    t += 1;
    expect(await decide()).toMatchObject({ run: { status: 'failed' } });
    expect(learner.backingOffUntil).toBe(t + 120_000);
    t += 120_000;
    expect(await decide()).toMatchObject({ run: { status: 'failed' } });
    expect(learner.backingOffUntil).toBe(t + 150_000); // 240 000 capped at maxMs
    expect(calls).toBe(3);
    fail = false;
    t += 150_000;
    expect(await decide()).toMatchObject({ run: { status: 'succeeded' } });
    expect([learner.consecutiveFailures, learner.backingOffUntil]).toEqual([0, 0]);
    expect([1, 2, 3, 4, 60].map((n) => backoffMs(n, { initialMs: 10, maxMs: 50 }))).toEqual([10, 20, 40, 50, 50]);
    await registry.close();
  });

  it('starts runs on an interval schedule, on a cron schedule, and when the training data is stale', async () => {
    t = START;
    const registry = await open();
    const stages: StageDefinition[] = [{ name: 'train', run: (ctx) => ctx.run.trigger }];
    const every = new ContinuousLearner({ pipeline: pipeline(registry, stages), now, schedule: { everyMs: 3_600_000 } });
    expect(every.nextScheduledAt).toBe(START + 3_600_000);
    expect(await every.tick()).toEqual([]);
    t = START + 3_600_000 * 3 + 5; // three periods missed: one run, not three
    const [scheduled] = await every.tick();
    expect(scheduled).toMatchObject({ source: 'schedule', key: `schedule:${START + 3_600_000}`, run: { status: 'succeeded', trigger: { source: 'schedule' } } });
    expect(every.nextScheduledAt).toBe(t + 3_600_000);

    t = START;
    const cron = new ContinuousLearner({ pipeline: pipeline(registry, stages), now, schedule: { cron: '0 3 * * *', timezone: 'UTC' } });
    expect(cron.nextScheduledAt).toBe(Date.UTC(2026, 0, 1, 3));
    t = Date.UTC(2026, 0, 1, 3, 0, 1);
    expect(await cron.tick()).toMatchObject([{ source: 'schedule', run: { status: 'succeeded' } }]);
    expect(cron.nextScheduledAt).toBe(Date.UTC(2026, 0, 2, 3));
    for (const expression of ['61 * * * *', 'every day', '']) {
      expect(() => new ContinuousLearner({ pipeline: pipeline(registry, stages), schedule: { cron: expression } })).toThrow(PipelineConfigError);
    }

    let newest = new Date(t - 3 * 86_400_000);
    const fresh = new ContinuousLearner({ pipeline: pipeline(registry, stages), now, freshness: { newestData: () => newest, maxAgeDays: 7 } });
    expect(await fresh.tick()).toEqual([]);
    newest = new Date(t - 8 * 86_400_000);
    const [stale] = await fresh.tick();
    expect(stale).toMatchObject({ source: 'freshness', key: `freshness:${newest.getTime()}`, run: { status: 'succeeded', trigger: { source: 'freshness', maxAgeDays: 7 } } });
    const [same] = await fresh.tick(); // the same stale data: its run is found, not repeated
    expect((same as { run: { id: number } }).run.id).toBe((stale as { run: { id: number } }).run.id);
    expect(await pipeline(registry, stages).runs()).toHaveLength(3);
    await registry.close();
  });

  it('arms a timer on start and clears it and the subscription on stop', async () => {
    t = START;
    const registry = await open();
    const pending = new Map<number, () => void>();
    let next = 0;
    const timers: LearnerTimers = { set: (fn) => (pending.set(++next, fn), next), clear: (h) => pending.delete(h as number) };
    const trigger = new RetrainingTrigger(MODEL, {}, { now });
    const learner = new ContinuousLearner({ pipeline: pipeline(registry, [{ name: 'train', run: () => 1 }]), trigger, now, timers, schedule: { everyMs: 1000 } }).start();
    expect(pending.size).toBe(1);
    expect(trigger.listenerCount('retrain')).toBe(1);
    await learner.stop();
    expect(pending.size).toBe(0);
    expect(trigger.listenerCount('retrain')).toBe(0);
    expect(() => learner.start()).toThrow(PipelineConfigError);
    expect(() => new ContinuousLearner({ pipeline: pipeline(registry, [{ name: 'train', run: () => 1 }]), trigger: new RetrainingTrigger('other') })).toThrow(/the trigger watches model "other"/);
    await registry.close();
  });
});
