/**
 * The continuous-learning loop, end to end on real components and a simulated clock: a fraud
 * model (trained here on generated transactions) is registered, approved and served by the real
 * HTTP server on loopback; each simulated day, batches of transactions go through the server,
 * their labels come back through the outcomes route, the server's drift sampling checks the
 * inputs against the model's training data, and the retraining trigger reads the monitor. On the
 * day of the shift the trigger fires; the continuous learner starts a pipeline run: validate the
 * day's labelled data, train a candidate on it, evaluate it against the champion on a holdout,
 * register it with its lineage, have a reviewer approve it, and start an A/B experiment of it
 * against the champion on the live server. The next days' traffic is split by batch; each
 * evening the sequential test looks at the outcomes synced to the database; when it decides, the
 * run promotes the winner to champion and the server hot-reloads it. Everything the loop did is
 * in the registry's hash-chained audit trail.
 *
 * Returns the timeline, the run, the experiment and the audit trail; the demo
 * (continuous-learning-demo.ts) prints them and the integration test checks them.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { DriftDetector } from '../drift/drift-detector.js';
import { ReferenceProfile } from '../drift/reference-profile.js';
import { ExperimentStore } from '../experiment/experiment-store.js';
import type { Experiment, ExperimentAnalysis } from '../experiment/experiment.js';
import { DenseModel } from '../inference/dense-model.js';
import { ContinuousLearner } from '../pipeline/continuous-learner.js';
import { Pipeline } from '../pipeline/pipeline.js';
import type { PipelineRun } from '../pipeline/pipeline-run.js';
import type { StageContext } from '../pipeline/stage.js';
import { evaluateModelStage } from '../pipeline/stages/evaluate-model.js';
import { promoteWhenShippedStage, startExperimentStage } from '../pipeline/stages/experiment-stage.js';
import { registerModelStage, type RegistrationOutput } from '../pipeline/stages/register-model.js';
import { validateDataStage } from '../pipeline/stages/validate-data.js';
import { ArtifactStore } from '../registry/artifact-store.js';
import { ModelRegistry } from '../registry/model-registry.js';
import type { ModelSignature } from '../registry/signature.js';
import type { AuditEvent } from '../governance/audit-log.js';
import { ModelServer } from '../serving/model-server.js';
import { registrySource } from '../serving/registry-source.js';
import type { DriftSampling } from '../serving/drift-sampler.js';
import { RetrainingTrigger } from '../trigger/retraining-trigger.js';
import { FRAUD_FEATURES, transactions, type LabelledRows, type Regime } from './fraud-data.js';
import { SeededRandom } from './random.js';
import { trainClassifier } from './train-classifier.js';

const DAY_MS = 86_400_000;
const MODEL = 'fraud';
/** Day 0 of the simulated clock. */
export const LOOP_START = Date.UTC(2026, 0, 1);
const SIGNATURE: ModelSignature = {
  inputs: FRAUD_FEATURES.map((name) => ({ name, type: 'float32' as const })),
  outputs: [
    { name: 'legit', type: 'float32' },
    { name: 'fraud', type: 'float32' },
  ],
};

export interface LoopOptions {
  seed?: number;
  /** Simulated days after day 0 (training). Default 8. */
  days?: number;
  /** The day the world shifts. Default 4. */
  shiftDay?: number;
  /** Requests a day, each a batch of rowsPerRequest transactions. Defaults 40 and 100. */
  requestsPerDay?: number;
  rowsPerRequest?: number;
  /** Called with each line of the timeline as it happens. */
  log?: (line: string) => void;
}

export interface LoopDay {
  day: number;
  /** What answered the day's traffic: 'fraud/1', or 'A/B fraud/1 vs fraud/2'. */
  served: string;
  /** Mean accuracy of the day's requests, from the labels posted back. */
  accuracy: number;
  /** The server's drift score of the day's sampled inputs (null without a check). */
  driftScore: number | null;
  driftDetected: boolean;
  alerts: string[];
  retrain: boolean;
  reasons: string[];
  /** What the experiment's evening look decided (null without an experiment). */
  look: { decision: string; units: number[]; lift: number | null; alwaysValidPValue: number | null } | null;
  /** The champion's version at the end of the day. */
  champion: number;
}

export interface LoopReport {
  days: LoopDay[];
  /** The pipeline run the trigger started (null when it never fired). */
  run: PipelineRun | null;
  experiment: { name: string; decision: string; winner: string | null } | null;
  audit: AuditEvent[];
  auditVerified: boolean;
}

/** Runs the loop (see the file comment) in a temporary directory it removes afterwards. */
export async function runContinuousLearning(options: LoopOptions = {}): Promise<LoopReport> {
  const { seed = 7, days = 8, shiftDay = 4, requestsPerDay = 40, rowsPerRequest = 100, log = () => {} } = options;
  const dir = mkdtempSync(join(tmpdir(), 'mlwatch-loop-'));
  let now = LOOP_START;
  const clock = () => now;
  const rng = new SeededRandom(seed);
  const registry = await ModelRegistry.open({ db: `sqlite:${join(dir, 'registry.db')}`, artifacts: join(dir, 'artifacts'), actor: 'learner', now: clock });
  const reviewer = registry.as('reviewer');
  const store = new ExperimentStore(registry);
  const candidates = new ArtifactStore(join(dir, 'candidates'));

  // day 0: the first model, trained on generated transactions, scored on a holdout
  const first = transactions(rng, 5_000, 'steady');
  const v1 = trainClassifier(first);
  const holdout = transactions(rng, 2_000, 'steady');
  const baseline = v1.evaluate(matrixOf(holdout), holdout.labels).accuracy;
  // the monitor alerts below 0.9 x the holdout accuracy; its window is one day of requests
  const server = new ModelServer({ port: 0, maxQueueDelayMs: 1, monitor: { now: clock, capacity: requestsPerDay, baselineAccuracy: baseline } }, registrySource(registry));
  const learnerStopped: { stop?: () => Promise<void>; abandon?: () => void } = {};
  try {
    await registry.register(MODEL, { model: v1, signature: SIGNATURE, lineage: { trainingData: { name: 'transactions of day 0', contentHash: sha256(first.data) } }, description: 'logistic regression, day 0' });
    await reviewer.approve(`${MODEL}/1`, 'initial model');
    await registry.setAlias(MODEL, 'champion', 1, { expectedVersion: null });
    const sampling = (train: LabelledRows): DriftSampling => ({
      detector: new DriftDetector(matrixOf(train), { featureNames: [...FRAUD_FEATURES] }),
      share: 0.25,
      windowRows: (requestsPerDay * rowsPerRequest) / 4, // one day's sample
      intervalMs: DAY_MS, // checked each evening by the loop instead
      minRows: 100,
    });
    await server.serveRef(MODEL, `${MODEL}@champion`, { drift: sampling(first) });
    const { url } = await server.listen();
    const monitor = server.monitor(MODEL)!;
    const trigger = new RetrainingTrigger(MODEL, {}, { now: clock, lastRetrainAt: now });
    log(`day 0  ${MODEL}/1 trained on ${first.rows} transactions (holdout accuracy ${baseline.toFixed(3)}), approved by reviewer, champion; served at ${url}`);

    // what the days hand the run: the labelled traffic of the day the trigger fired
    const dataOfRun = new Map<number, LabelledRows>();
    let today: LabelledRows | null = null;
    const split = (ctx: StageContext) => {
      if (!dataOfRun.has(ctx.run.id)) dataOfRun.set(ctx.run.id, today!);
      const data = dataOfRun.get(ctx.run.id)!;
      const cut = Math.floor(data.rows * 0.8);
      return { train: slice(data, 0, cut), holdout: slice(data, cut, data.rows) };
    };
    const candidate = (ctx: StageContext) => DenseModel.restore(candidates.get((ctx.outputs.train as { modelSha256: string }).modelSha256));
    // and what the run hands the days
    let serving: Experiment | null = null;
    let started = deferred<number>(); // the run's experiment is live (its run id)
    let decided = deferred<ExperimentAnalysis>(); // the evening look that decided
    let ended = deferred<PipelineRun>(); // the run finished

    const pipeline = new Pipeline({
      registry,
      model: MODEL,
      name: 'retrain',
      stages: [
        // the new data may lie outside the old ranges (that is the drift): ranges widen by their width
        validateDataStage({ profile: ReferenceProfile.fromMatrix(matrixOf(first), [...FRAUD_FEATURES], undefined), data: (ctx) => ({ ...matrixOf(split(ctx).train), names: [...FRAUD_FEATURES] }), rangeTolerance: 1 }),
        {
          name: 'train',
          needs: ['validate'],
          run: (ctx) => {
            const { train } = split(ctx);
            return { modelSha256: candidates.put(trainClassifier(train).snapshot()).sha256, dataHash: sha256(train.data), rows: train.rows };
          },
        },
        evaluateModelStage({ needs: ['train'], candidate, holdout: (ctx) => ({ X: matrixOf(split(ctx).holdout), y: split(ctx).holdout.labels }), minAccuracyDelta: 0, maxP99LatencyMs: 5 }),
        registerModelStage({
          model: candidate,
          signature: SIGNATURE,
          trainingData: (ctx) => ({ name: `transactions of the trigger's day (${(ctx.outputs.train as { rows: number }).rows} rows)`, contentHash: (ctx.outputs.train as { dataHash: string }).dataHash }),
          validationStage: 'validate',
          evaluationStage: 'evaluate',
          description: 'logistic regression, retrained by the continuous learner',
        }),
        {
          // a person signs the evaluated candidate off before it meets traffic (the policy asks one approval)
          name: 'review',
          needs: ['register', 'evaluate'],
          run: async (ctx) => {
            const ref = (ctx.outputs.register as RegistrationOutput).ref;
            const accuracy = (ctx.outputs.evaluate as { candidate: { accuracy: number } }).candidate.accuracy;
            const approval = await reviewer.approve(ref, `holdout accuracy ${accuracy.toFixed(3)}`);
            return { ref, approvedBy: 'reviewer', approved: approval.approved };
          },
        },
        startExperimentStage({
          store,
          config: (ctx) => ({
            name: `${MODEL}-retrain-${ctx.run.id}`,
            variants: [
              { name: 'champion', weight: 1, model: `${MODEL}/${(ctx.outputs.register as RegistrationOutput).parentVersion}` },
              { name: 'candidate', weight: 1, model: (ctx.outputs.register as RegistrationOutput).ref },
            ],
            // each request's accuracy (a batch of transactions) is a unit's outcome
            metric: { name: 'accuracy', kind: 'mean', better: 'higher' },
            design: { baseline, mde: 0.02, sd: 0.05, sequential: true },
          }),
          onStarted: async (experiment, ctx) => {
            const models = Object.fromEntries(await Promise.all(experiment.config.variants.map(async (v) => [v.name, await registry.loadModel(v.model!)] as const)));
            await server.startExperiment(MODEL, experiment, models, { sync: { store, everyMs: 50 } });
            serving = experiment;
            started.resolve(ctx.run.id);
          },
        }),
        promoteWhenShippedStage({
          store,
          decided: () => decided.promise,
          onPromoted: async (change, ctx) => {
            // hot reload: the winner takes the name, with its own training data as the drift reference
            await server.endExperiment(MODEL, await registry.loadModel(change.ref), { version: String(change.version), drift: sampling(split(ctx).train) });
            serving = null;
          },
          onNotShipped: async () => {
            const champion = await registry.get(`${MODEL}@champion`);
            await server.endExperiment(MODEL, await registry.loadModel(champion.ref), { version: String(champion.version), drift: sampling(first) });
            serving = null;
          },
        }),
      ],
    });
    const learner = new ContinuousLearner({ pipeline, trigger, now: clock });
    learner.on('run', (outcome) => ended.resolve(outcome.run));
    learner.on('failure', (outcome) => ended.reject(outcome.error));
    learnerStopped.stop = () => learner.stop();
    learnerStopped.abandon = () => decided?.reject(new Error('the loop stopped before the experiment decided'));
    learner.start();

    const timeline: LoopDay[] = [];
    let lastRun: PipelineRun | null = null;
    for (let day = 1; day <= days; day++) {
      now += DAY_MS;
      const traffic = transactions(rng, requestsPerDay * rowsPerRequest, day >= shiftDay ? 'shifted' : 'steady');
      const experiment = serving as Experiment | null; // set by the run's stages
      const served = experiment ? `A/B ${experiment.config.variants.map((v) => v.model).join(' vs ')}` : `${MODEL}/${(await registry.get(`${MODEL}@champion`)).version}`;
      const accuracy = await sendDay(url, day, traffic, requestsPerDay, rowsPerRequest, experiment !== null);
      const row: LoopDay = { day, served, accuracy, driftScore: null, driftDetected: false, alerts: [], retrain: false, reasons: [], look: null, champion: 0 };
      timeline.push(row);
      if (experiment) {
        // the evening look: the outcomes synced to the database, the sequential test read
        await store.sync(experiment);
        const analysis = experiment.analyze();
        const effect = analysis.variants[1].effect;
        row.look = { decision: analysis.decision, units: analysis.variants.map((v) => v.units), lift: effect?.difference ?? null, alwaysValidPValue: effect?.alwaysValidPValue ?? null };
        log(`day ${day}  ${served}: accuracy ${accuracy.toFixed(3)}; evening look: ${analysis.decision} (${analysis.reason})`);
        if (analysis.decision !== 'keep_running') {
          decided.resolve(analysis);
          lastRun = await ended.promise;
          log(`day ${day}  run ${lastRun.id} ${lastRun.status}: ${stageLine(lastRun, 'ship')}`);
        }
      } else {
        row.driftScore = server.checkDrift()[MODEL] ?? null;
        const alerts = monitor.checkAlerts();
        const drift = monitor.driftSignal ?? { driftDetected: false, driftSeverity: 'low' as const, maxDriftScore: 0 };
        row.driftDetected = drift.driftDetected;
        row.alerts = alerts.alerts.map((a) => a.type);
        today = traffic;
        const verdict = trigger.shouldRetrain(alerts, drift); // 'retrain' starts the learner's run
        row.retrain = verdict.shouldRetrain;
        row.reasons = verdict.triggerReasons;
        log(`day ${day}  ${served}: accuracy ${accuracy.toFixed(3)}, drift score ${row.driftScore?.toFixed(2) ?? '-'}${drift.driftDetected ? ` (${drift.driftSeverity})` : ''}, alerts: ${row.alerts.join(', ') || 'none'}; retrain: ${verdict.shouldRetrain ? `YES (${verdict.triggerReasons.join('; ')})` : 'no'}`);
        if (verdict.shouldRetrain) {
          // the run goes on by itself until its experiment is live (or a gate stops it)
          let first = await Promise.race([started.promise.then((id) => pipeline.getRun(id)), ended.promise]);
          // the day ends once the run waits for the experiment's decision (or stopped early)
          while (first.status === 'running' && first.stages.find((x) => x.name === 'ship')?.status !== 'running') {
            await new Promise((resolve) => setTimeout(resolve, 5));
            first = await pipeline.getRun(first.id);
          }
          for (const stage of ['validate', 'train', 'evaluate', 'register', 'review']) {
            const line = stageLine(first, stage);
            if (line) log(`day ${day}  run ${first.id}: ${line}`);
          }
          if (serving) {
            const live = serving as Experiment;
            log(`day ${day}  run ${first.id}: experiment ✓ ${live.name} live on the server: ${live.config.variants.map((v) => `${v.name} ${v.model}`).join(' vs ')}, split by request, outcomes synced to the database`);
          }
          if (first.status !== 'running') {
            lastRun = first;
            log(`day ${day}  run ${first.id} ${first.status}: ${first.error}`);
          }
        }
      }
      row.champion = (await registry.get(`${MODEL}@champion`)).version;
    }
    await learner.stop();
    const record = lastRun ? await store.get(`${MODEL}-retrain-${lastRun.id}`).catch(() => null) : null;
    return {
      days: timeline,
      run: lastRun,
      experiment: record && { name: record.name, decision: record.analysis?.decision ?? 'running', winner: record.analysis?.winner ?? null },
      audit: await registry.auditEvents({}),
      auditVerified: (await registry.verifyAudit()).ok,
    };
  } finally {
    // a run still waiting for the experiment's decision fails (resumable) instead of holding the learner
    learnerStopped.abandon?.();
    await learnerStopped.stop?.();
    await server.close();
    await registry.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Sends a day's traffic through the server, 16 requests at a time, each a batch of rows, and
 * posts the labels back: by request id to the model's monitor, or as each batch's accuracy by
 * unit to the experiment. Returns the day's mean accuracy.
 */
async function sendDay(url: string, day: number, traffic: LabelledRows, requests: number, rows: number, experiment: boolean): Promise<number> {
  const accuracies = new Float64Array(requests);
  const outcomes: unknown[] = new Array(requests);
  const send = async (i: number) => {
    const unit = `batch-${day}-${i}`;
    const data = Array.from(traffic.data.subarray(i * rows * 4, (i + 1) * rows * 4));
    const r = await request(`${url}/v2/models/${MODEL}/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mlwatch-unit': unit },
      body: JSON.stringify({ id: unit, inputs: [{ name: 'input', shape: [rows, 4], datatype: 'FP32', data }] }),
    });
    const body = (await r.body.json()) as { outputs?: { data: number[] }[]; error?: string };
    if (r.statusCode !== 200) throw new Error(`the server answered ${r.statusCode}: ${body.error}`);
    const probabilities = body.outputs![0].data;
    const labels = Array.from(traffic.labels.subarray(i * rows, (i + 1) * rows));
    let correct = 0;
    labels.forEach((label, k) => (correct += Number((probabilities[2 * k + 1] > probabilities[2 * k] ? 1 : 0) === label)));
    accuracies[i] = correct / rows;
    outcomes[i] = experiment ? { unit, value: accuracies[i] } : { id: unit, labels };
  };
  for (let i = 0; i < requests; i += 16) await Promise.all(Array.from({ length: Math.min(16, requests - i) }, (_, k) => send(i + k)));
  const r = await request(`${url}/v2/models/${MODEL}/outcomes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outcomes }) });
  if (r.statusCode !== 200) throw new Error(`the outcomes route answered ${r.statusCode}: ${await r.body.text()}`);
  await r.body.dump();
  return accuracies.reduce((s, a) => s + a, 0) / requests;
}

/** One line on a stage of the run, from its stored output (empty when it has not finished). */
function stageLine(run: PipelineRun, name: string): string {
  const stage = run.stages.find((s) => s.name === name);
  if (!stage || stage.status !== 'done') return '';
  const o = stage.output as Record<string, never>;
  switch (name) {
    case 'validate': {
      const drifted = (o.drift as { driftedColumns: string[] } | null)?.driftedColumns ?? [];
      return `validate ✓ ${o.rows} rows, no schema or missing-value problems${drifted.length ? `; drift in ${drifted.join(', ')} (expected: it is why we retrain)` : ''}`;
    }
    case 'train':
      return `train ✓ logistic regression on ${o.rows} rows`;
    case 'evaluate': {
      const e = o as unknown as { candidate: { accuracy: number; p99LatencyMs: number }; champion: { accuracy: number } | null };
      return `evaluate ✓ holdout accuracy ${e.candidate.accuracy.toFixed(3)} vs champion ${e.champion?.accuracy.toFixed(3) ?? '-'}, p99 ${e.candidate.p99LatencyMs.toFixed(2)} ms`;
    }
    case 'register':
      return `register ✓ ${o.ref} (parent version ${o.parentVersion}, lineage: data hash, trigger decision, drift report)`;
    case 'review':
      return `review ✓ ${o.ref} approved by ${o.approvedBy}`;
    case 'ship': {
      const p = o.promoted as unknown as { alias: string; version: number; previous: number } | null;
      return p ? `ship ✓ the experiment says ${o.decision}: ${o.winner} wins; ${MODEL}@${p.alias} ${p.previous} -> ${p.version}, hot-reloaded on the server` : `ship: ${o.decision}`;
    }
    default:
      return `${name} ✓`;
  }
}

function matrixOf(rows: LabelledRows): { data: Float32Array; rows: number; cols: number } {
  return { data: rows.data, rows: rows.rows, cols: FRAUD_FEATURES.length };
}

function slice(rows: LabelledRows, from: number, to: number): LabelledRows {
  const cols = FRAUD_FEATURES.length;
  return { data: rows.data.subarray(from * cols, to * cols), rows: to - from, labels: rows.labels.subarray(from, to) };
}

function sha256(data: Float32Array): string {
  return createHash('sha256').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {}); // a rejection is read where it is awaited
  return { promise, resolve, reject };
}
