/**
 * The built-in stages on SQLite and PostgreSQL: data validation rejects a missing column, values
 * out of range and too many missing values, with the drift report attached; evaluation rejects a
 * candidate worse than the champion, naming the criterion; registration records the lineage
 * (data hash, parent, retraining decision, drift report, correlation id) and promotion moves the
 * alias with the run's correlation id in the move's audit event.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CORRELATION_TAG, evaluateModelStage, Pipeline, validateDataStage, type ValidationOutput } from '../../src/index.js';
import { smallModel } from '../helpers/registry-fixtures.js';
import { describeEachStore } from '../helpers/stores.js';
import { fullPipeline, MODEL, NAMES, openRegistry, PROFILE, rows, seedChampion } from './pipeline-fixtures.js';

describeEachStore('built-in pipeline stages (%s)', (fixture) => {
  const open = async () => openRegistry(await fixture.newDatabase(), fixture.newDir());

  it('validate data: schema, missing values and ranges, with the drift report attached', async () => {
    const registry = await open();
    const validate = (name: string, data: () => unknown) => new Pipeline({ registry, model: MODEL, name, stages: [validateDataStage({ profile: PROFILE, data: data as never })] }).start({ key: name });
    const good = await validate('good', () => ({ data: rows(200), rows: 200, cols: 3, names: NAMES }));
    expect(good.status).toBe('succeeded');
    const out = good.stages[0].output as ValidationOutput;
    expect(out).toMatchObject({ rows: 200, problems: [], passed: true, drift: { datasetDrift: false } });
    expect(Object.keys(out.columns)).toEqual(NAMES);
    const missingColumn = await validate('missing-column', () => ({ amount: [0.1, 0.2], account_age: [0.3, 0.4] }));
    expect(missingColumn).toMatchObject({ status: 'rejected', error: expect.stringMatching(/columns missing from the data: merchant_risk/) });
    const shifted = await validate('shifted', () => ({ data: rows(200, 5), rows: 200, cols: 3, names: NAMES }));
    expect(shifted.error).toMatch(/amount: values in \[5, .*\] outside the reference's/);
    expect((shifted.stages[0].output as ValidationOutput).drift?.datasetDrift).toBe(true);
    const holes = await validate('holes', () => ({ amount: Array.from({ length: 100 }, (_, i) => (i % 4 === 0 ? null : i / 100)), account_age: Array.from({ length: 100 }, (_, i) => i / 100), merchant_risk: Array.from({ length: 100 }, (_, i) => i / 100) }));
    expect(holes.error).toMatch(/amount: 25.0 % missing values, more than the reference's 0.0 %/);
    await registry.close();
  });

  it('evaluate: rejects a candidate less accurate than the champion, naming the criterion', async () => {
    const registry = await open();
    await seedChampion(registry);
    const X = { data: Float32Array.from(rows(50)), rows: 50, cols: 3 };
    const champion = smallModel(1);
    const y = champion.classify(X).labels; // the champion is right on every row
    const candidate = smallModel(-1); // the opposite bias: it disagrees with the champion
    const expected = candidate.evaluate(X, y).accuracy;
    expect(expected).toBeLessThan(0.99); // the fixture's two models disagree on some rows
    const run = await new Pipeline({ registry, model: MODEL, name: 'eval', stages: [evaluateModelStage({ candidate: () => candidate, holdout: () => ({ X, y }), maxP99LatencyMs: 60_000 })] }).start({ key: 'e' });
    expect(run.status).toBe('rejected');
    expect(run.error).toMatch(/does not meet: accuracy .* vs champion 1.0000 \(needs >= 0.9900\)/);
    expect(run.stages[0].output).toMatchObject({ candidate: { accuracy: expected, rows: 50 }, champion: { ref: `${MODEL}/1`, accuracy: 1 }, passed: false });
    expect((run.stages[0].output as { criteria: { name: string }[] }).criteria.map((c) => c.name)).toEqual(['accuracy', 'p99Latency']);
    await registry.close();
  });

  it('register and promote: lineage, tags and audit events under the run’s correlation id', async () => {
    const registry = await open();
    await seedChampion(registry);
    const decision = { timestamp: 1, shouldRetrain: true, severityScore: 1, triggerReasons: ['Accuracy dropped by 0.100'], constraints: { accuracyTrigger: true, driftTrigger: false, timeTrigger: false, minTimeSatisfied: true }, timeSinceLastRetrainMs: null, nextAllowedRetrain: null };
    const run = await fullPipeline(registry, mkdtempSync(join(tmpdir(), 'mlwatch-models-'))).start({ key: 'lineage', trigger: { source: 'trigger', decision } });
    expect(run.status).toBe('succeeded');
    const v = await registry.get(`${MODEL}@champion`);
    expect(v.version).toBe(2);
    expect(v.tags[CORRELATION_TAG]).toBe(run.correlationId);
    expect(v.metrics.accuracy).toBe(1);
    expect(v.lineage).toMatchObject({ trainingData: { name: 'transactions', contentHash: 'b'.repeat(64) }, parentVersion: 1, retrainingDecision: decision, run: run.correlationId, driftReport: { datasetDrift: false } });
    const move = (await registry.auditEvents({ resource: `${MODEL}@champion` })).at(-1)!;
    expect(move.details).toMatchObject({ version: 2, previous: 1, reason: { correlationId: run.correlationId } });
    const events = (await registry.auditEvents({ action: 'pipeline.run' })).filter((e) => e.details.event === 'stage.done');
    expect(events.find((e) => e.details.stage === 'register')!.details).toMatchObject({ registered: `${MODEL}/2`, reused: false, correlationId: run.correlationId });
    expect(events.find((e) => e.details.stage === 'promote')!.details).toMatchObject({ promoted: 'champion -> 2', previous: 1, correlationId: run.correlationId });
    await registry.close();
  });
});
