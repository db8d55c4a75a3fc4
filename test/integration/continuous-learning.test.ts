/**
 * The demo's continuous-learning loop (`npm run demo`), asserted: on every backend, the same seed
 * gives drift and an accuracy drop on the shift day and only then, one pipeline run that
 * validates, trains, evaluates, registers, has the candidate approved and starts an experiment,
 * the sequential test deciding ship the next evening, the candidate promoted and hot-reloaded,
 * accuracy back after it, and the audit trail in order with its hash chain intact.
 */
import { afterAll, expect, it } from 'vitest';
import { getBackend, useBackend } from '../../src/index.js';
import { runContinuousLearning } from '../../src/demo/continuous-learning.js';
import { timelineHtml } from '../../src/demo/timeline-html.js';
import { describeEachBackend } from '../helpers/backends.js';

const initial = getBackend().name;
afterAll(() => void useBackend(initial));

describeEachBackend('the continuous-learning loop on the %s backend', (backend) => {
  it('detects the shift on day 4, retrains, runs the experiment, promotes the winner, and audits every step', async () => {
    useBackend(backend);
    const lines: string[] = [];
    const report = await runContinuousLearning({ log: (line) => lines.push(line) });
    const days = report.days;
    expect(days.map((d) => d.day)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // days 1-3: the first model, no drift, no alert, no retrain
    for (const d of days.slice(0, 3)) expect(d).toMatchObject({ served: 'fraud/1', driftDetected: false, alerts: [], retrain: false, champion: 1 });
    for (const d of days.slice(0, 3)) expect(d.accuracy).toBeGreaterThan(0.8);
    // day 4: the shift: drift in the inputs, the accuracy alert, both reasons to retrain
    expect(days[3]).toMatchObject({ served: 'fraud/1', driftDetected: true, alerts: ['accuracy_degradation'], retrain: true, champion: 1 });
    expect(days[3].accuracy).toBeLessThan(0.6);
    expect(days[3].reasons).toEqual([expect.stringMatching(/^Accuracy dropped by 0\.\d{3}$/), expect.stringMatching(/^Drift detected \(score: \d\.\d\d\)$/)]);
    // day 5: the experiment serves both, and its evening look decides
    expect(days[4]).toMatchObject({ served: 'A/B fraud/1 vs fraud/2', look: { decision: 'ship' }, champion: 2 });
    expect(days[4].look!.units[0] + days[4].look!.units[1]).toBe(40);
    expect(days[4].look!.lift!).toBeGreaterThan(0.2);
    expect(days[4].look!.alwaysValidPValue!).toBeLessThan(0.05);
    // days 6-8: the new champion, accuracy back, no drift against its own training data
    for (const d of days.slice(5)) {
      expect(d).toMatchObject({ served: 'fraud/2', driftDetected: false, retrain: false, champion: 2 });
      expect(d.accuracy).toBeGreaterThan(0.8);
    }

    const run = report.run!;
    expect(run.status).toBe('succeeded');
    expect(run.stages.map((s) => [s.name, s.status])).toEqual(['validate', 'train', 'evaluate', 'register', 'review', 'experiment', 'ship'].map((n) => [n, 'done']));
    expect(run.trigger).toMatchObject({ source: 'trigger', decision: { shouldRetrain: true } });
    expect(run.stages[3].output).toMatchObject({ ref: 'fraud/2', parentVersion: 1, reused: false });
    expect(run.stages[0].output).toMatchObject({ passed: true, drift: { driftedColumns: ['amount'] } });
    expect(report.experiment).toEqual({ name: `fraud-retrain-${run.id}`, decision: 'ship', winner: 'candidate' });

    // the audit trail: every step, in order, the run's under its correlation id
    expect(report.auditVerified).toBe(true);
    const steps = report.audit.map((e) => {
      const d = e.details as { event?: string; stage?: string; operation?: string };
      return [e.actor, e.action, e.resource, d.event ?? d.operation ?? '', d.stage ?? ''].join(' ').trim();
    });
    const stage = (name: string) => [`learner pipeline.run fraud/run/${run.id} stage.started ${name}`, `learner pipeline.run fraud/run/${run.id} stage.done ${name}`];
    expect(steps).toEqual([
      'learner model.register fraud/1',
      'reviewer version.approve fraud/1',
      'learner alias.set.protected fraud@champion',
      `learner pipeline.run fraud/run/${run.id} run.started`,
      ...stage('validate'),
      ...stage('train'),
      ...stage('evaluate'),
      stage('register')[0],
      'learner model.register fraud/2',
      stage('register')[1],
      stage('review')[0],
      'reviewer version.approve fraud/2',
      stage('review')[1],
      stage('experiment')[0],
      `learner experiment.manage experiment:fraud-retrain-${run.id} create`,
      stage('experiment')[1],
      stage('ship')[0],
      `learner experiment.manage experiment:fraud-retrain-${run.id} end`,
      'learner alias.set.protected fraud@champion',
      stage('ship')[1],
      `learner pipeline.run fraud/run/${run.id} run.succeeded`,
    ]);
    for (const e of report.audit.filter((x) => x.action === 'pipeline.run')) expect(e.details.correlationId).toBe(run.correlationId);
    expect(report.audit.at(-3)!.details).toMatchObject({ version: 2, previous: 1, reason: { correlationId: run.correlationId, decision: 'ship', winner: 'candidate' } });
    expect(lines.some((l) => /day 5 {2}run \d+ succeeded: ship ✓/.test(l))).toBe(true);
    // the HTML timeline: every day, every stage, every audit event, nothing unescaped
    const html = timelineHtml(report);
    expect(html.match(/<tr><td>\d+<\/td><td>(fraud\/\d|A\/B)/g)).toHaveLength(8);
    for (const s of run.stages) expect(html).toContain(`<tr><td>${s.name}</td><td>done</td>`);
    expect(html.match(/<tr><td>\d+<\/td><td>day \d+<\/td>/g)).toHaveLength(report.audit.length);
    expect(html).toContain('hash chain verified');
    expect(html).not.toMatch(/<script/);
  }, 120_000);
});
