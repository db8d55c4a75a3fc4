/**
 * Pipeline: named stages run in order for one model, each run stored stage by stage in the
 * registry's database so that a run interrupted by a crash resumes where it stopped.
 *
 * - Every change to a run goes through ModelRegistry.governedChange under 'pipeline.run': the
 *   change and its audit event commit in one transaction. Events (details.event): run.started,
 *   stage.started, stage.done, stage.rejected (a gate said no; ends the run), stage.failed (a
 *   stage or gate threw; ends the run), run.succeeded, run.resumed. All carry details.correlationId.
 * - A stage's output is committed in the same transaction as its 'done' mark. A stage that did not
 *   commit runs again on resume; so a stage with an effect outside the run's rows (a registration,
 *   an alias move) must find its own earlier effect and reuse it: the built-in stages do (see
 *   stages/register-model.ts and stages/promote-alias.ts).
 * - Runs are keyed by (model, key): a second start with a key already used returns that run, never
 *   a second one. One run at a time per model: a start while another run of the model is running
 *   throws PipelineBusyError (the database enforces it too, with a unique index).
 * - A stage that throws ends the run as 'failed' (with the stage and message); a gate that does not
 *   pass ends it as 'rejected' (with the gate's reason). Nothing after runs. A failed run may be
 *   resumed (the failed stage runs again); succeeded and rejected runs are final.
 */
import { randomUUID } from 'node:crypto';
import { PipelineBusyError, PipelineConfigError, PipelineStateError, requireInteger, typeError } from '../errors.js';
import { ModelRegistry } from '../registry/model-registry.js';
import { checkName } from '../registry/model-ref.js';
import { beginStage, endStage, insertRun, runById, runByKey, runningRun, runsOfModel, setRunStatus, stagesOfRun, type RunRow } from '../store/pipeline-rows.js';
import type { SqlTx } from '../store/sql-store.js';
import { toPipelineRun, type PipelineRun } from './pipeline-run.js';
import { checkStages, gateResult, storedOutput, type RunInfo, type StageContext, type StageDefinition } from './stage.js';

export interface PipelineOptions {
  /** Where runs are stored and who runs them (the registry's actor needs 'pipeline.run'). */
  registry: ModelRegistry;
  /** The model this pipeline retrains. */
  model: string;
  /** The pipeline's name (stored with each run; a run is resumed only by a pipeline of the same name). */
  name: string;
  stages: StageDefinition[];
}

export interface StartOptions {
  /** What started the run (e.g. 'retrain:1767225600000'); a second start with the same key finds this run. */
  key: string;
  /** JSON describing the cause (e.g. { source: 'trigger', decision }); stages read it as ctx.run.trigger. */
  trigger?: unknown;
}

/** Thrown inside a start's transaction when the key is taken (rolls it back; start then returns that run). */
class KeyTaken extends Error {
  constructor(readonly runId: number) {
    super('key taken');
  }
}

/** A pipeline of stages for one model (see the file comment). */
export class Pipeline {
  readonly model: string;
  readonly name: string;
  private readonly registry: ModelRegistry;
  private readonly stages: readonly StageDefinition[];
  /** Runs this object is executing now: their final state, for duplicate starts and resumes. */
  private readonly active = new Map<number, Promise<PipelineRun>>();

  /** Checks the configuration; a bad one throws PipelineConfigError naming the option. */
  constructor(options: PipelineOptions) {
    if (typeof options !== 'object' || options === null) throw typeError('an object { registry, model, name, stages }', 'options', options);
    if (!(options.registry instanceof ModelRegistry)) throw new PipelineConfigError('options.registry', 'expected a ModelRegistry (runs are stored in its database)');
    checkName(options.model);
    if (typeof options.name !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(options.name)) {
      throw new PipelineConfigError('options.name', `expected 1 to 64 letters, digits, '.', '_' or '-' but received ${JSON.stringify(options.name)}`);
    }
    this.registry = options.registry;
    this.model = options.model;
    this.name = options.name;
    this.stages = Object.freeze(checkStages(options.stages));
  }

  /** The stage names in order. */
  get stageNames(): string[] {
    return this.stages.map((s) => s.name);
  }

  /**
   * Starts a run and resolves to it once it has ended (succeeded, failed or rejected). A key
   * already used for this model gives that run instead (its final state if this object is running
   * it, else its state now). Throws PipelineBusyError while another run of the model is running.
   */
  async start(options: StartOptions): Promise<PipelineRun> {
    if (typeof options !== 'object' || options === null) throw typeError('an object { key, trigger? }', 'options', options);
    if (typeof options.key !== 'string' || options.key.length === 0 || options.key.length > 200) throw typeError('a non-empty string of at most 200 characters', 'options.key', options.key);
    const trigger = storedOutput('trigger', options.trigger ?? null).value;
    const correlationId = randomUUID();
    let row: RunRow;
    try {
      row = await this.registry.governedChange('pipeline.run', this.model, async (tx, at) => {
        const existing = await runByKey(tx, this.model, options.key);
        if (existing) throw new KeyTaken(existing.id);
        const running = await runningRun(tx, this.model);
        if (running) throw new PipelineBusyError(this.model, running.id);
        const run = { model_name: this.model, pipeline: this.name, trigger_key: options.key, context: JSON.stringify({ trigger }), started_at: at, started_by: this.registry.actor, correlation_id: correlationId };
        const id = await insertRun(tx, run);
        return {
          result: { ...run, id, status: 'running' as const, error: null, finished_at: null },
          resource: this.resource(id),
          details: { event: 'run.started', correlationId, pipeline: this.name, key: options.key, trigger, stages: this.stageNames },
        };
      });
    } catch (error) {
      if (!(error instanceof KeyTaken)) throw error;
      return this.active.get(error.runId) ?? this.getRun(error.runId);
    }
    return this.execute(row, {}, 0);
  }

  /**
   * Continues a run whose process died (status running) or that failed, at the first stage that
   * did not finish; the outputs of finished stages are read from the database. Resolves to the run
   * once it has ended. Resume a running run only when the process running it is gone: two
   * processes on one run would both run its stage. PipelineStateError for an unknown, ended or
   * foreign run; PipelineBusyError when resuming a failed run while another one runs.
   */
  async resume(runId: number): Promise<PipelineRun> {
    requireInteger(runId, 'runId', 1);
    const inHand = this.active.get(runId);
    if (inHand) return inHand;
    const { row, outputs, from } = await this.registry.governedChange('pipeline.run', this.model, async (tx, at) => {
      const run = await runById(tx, runId);
      if (!run || run.model_name !== this.model) throw new PipelineStateError(runId, null, `there is no run of model ${JSON.stringify(this.model)} with this id`);
      if (run.pipeline !== this.name) throw new PipelineStateError(runId, run.status, `it is a run of pipeline ${JSON.stringify(run.pipeline)}, not ${JSON.stringify(this.name)}`);
      if (run.status === 'succeeded' || run.status === 'rejected') throw new PipelineStateError(runId, run.status, 'it has ended and cannot be resumed: start a new run');
      if (run.status === 'failed') {
        const running = await runningRun(tx, this.model);
        if (running) throw new PipelineBusyError(this.model, running.id);
        await setRunStatus(tx, runId, 'running', null, null);
      }
      const stages = await stagesOfRun(tx, runId);
      const outputs: Record<string, unknown> = {};
      let from = 0;
      for (const s of stages) {
        if (this.stages[s.ordinal]?.name !== s.stage) {
          throw new PipelineStateError(runId, run.status, `its stage ${s.ordinal} is ${JSON.stringify(s.stage)} but this pipeline's is ${JSON.stringify(this.stages[s.ordinal]?.name ?? 'missing')}: resume it with the pipeline that started it`);
        }
        if (s.status !== 'done') break; // done stages form a prefix: the first other one is where the run stopped
        outputs[s.stage] = JSON.parse(s.output!) as unknown;
        from = s.ordinal + 1;
      }
      const details = { event: 'run.resumed', correlationId: run.correlation_id, previousStatus: run.status, from: this.stages[from]?.name ?? null };
      return { result: { row: { ...run, status: 'running' as const, error: null, finished_at: null }, outputs, from }, resource: this.resource(runId), details };
    });
    return this.execute(row, outputs, from);
  }

  /** Resumes the model's running run when this object is not running it (after a restart); null when there is none. */
  async resumeInterrupted(): Promise<PipelineRun | null> {
    const running = await this.registry.governedAccess('pipeline.run', this.model, false, (tx) => runningRun(tx, this.model));
    return running ? this.resume(running.id) : null;
  }

  /** A run of this model with its stages. Needs 'model.read'. */
  async getRun(runId: number): Promise<PipelineRun> {
    requireInteger(runId, 'runId', 1);
    const found = await this.registry.governedAccess('model.read', this.model, false, async (tx) => {
      const run = await runById(tx, runId);
      return run && run.model_name === this.model ? toPipelineRun(run, await stagesOfRun(tx, runId)) : undefined;
    });
    if (!found) throw new PipelineStateError(runId, null, `there is no run of model ${JSON.stringify(this.model)} with this id`);
    return found;
  }

  /** The model's runs (of any pipeline), newest first. Needs 'model.read'. */
  async runs(limit = 50): Promise<PipelineRun[]> {
    requireInteger(limit, 'limit', 1, 10_000);
    return this.registry.governedAccess('model.read', this.model, false, async (tx) => {
      const rows = await runsOfModel(tx, this.model, limit);
      return Promise.all(rows.map(async (r) => toPipelineRun(r, await stagesOfRun(tx, r.id))));
    });
  }

  private resource(runId: number): string {
    return `${this.model}/run/${runId}`;
  }

  private execute(row: RunRow, outputs: Record<string, unknown>, from: number): Promise<PipelineRun> {
    const info: RunInfo = Object.freeze({ id: row.id, model: row.model_name, pipeline: row.pipeline, key: row.trigger_key, correlationId: row.correlation_id, trigger: (JSON.parse(row.context) as { trigger: unknown }).trigger, startedAt: row.started_at });
    const done = this.runStages(info, outputs, from).finally(() => this.active.delete(info.id));
    this.active.set(info.id, done);
    return done;
  }

  /** One audited change of the run, under its correlation id. */
  private change(info: RunInfo, details: Record<string, unknown>, fn: (tx: SqlTx, at: number) => Promise<unknown>): Promise<void> {
    return this.registry.governedChange('pipeline.run', this.resource(info.id), async (tx, at) => {
      await fn(tx, at);
      return { result: undefined, details: { ...details, correlationId: info.correlationId } };
    });
  }

  private async runStages(info: RunInfo, outputs: Record<string, unknown>, from: number): Promise<PipelineRun> {
    for (let i = from; i < this.stages.length; i++) {
      const stage = this.stages[i];
      let attempts = 1;
      await this.change(info, { event: 'stage.started', stage: stage.name, ordinal: i }, async (tx, at) => (attempts = await beginStage(tx, info.id, i, stage.name, at)));
      const ctx: StageContext = { run: info, outputs: Object.freeze({ ...outputs }), registry: this.registry, retry: attempts > 1 };
      let stored: { text: string; value: unknown };
      let gate: ReturnType<typeof gateResult> | null = null;
      let extra: Record<string, unknown> = {};
      try {
        stored = storedOutput(stage.name, await stage.run(ctx));
        if (stage.gate) gate = gateResult(stage.name, await stage.gate({ ...ctx, outputs: Object.freeze({ ...outputs, [stage.name]: stored.value }) }));
        if (stage.audit) extra = stage.audit(stored.value);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await this.change(info, { event: 'stage.failed', stage: stage.name, ordinal: i, error: message, runStatus: 'failed' }, async (tx, at) => {
          await endStage(tx, info.id, i, { status: 'failed', output: null, gate: null, error: message, at });
          await setRunStatus(tx, info.id, 'failed', `stage ${JSON.stringify(stage.name)} failed: ${message}`, at);
        });
        return this.getRun(info.id);
      }
      const gateText = gate === null ? null : JSON.stringify(gate);
      if (gate !== null && !gate.passed) {
        await this.change(info, { ...extra, event: 'stage.rejected', stage: stage.name, ordinal: i, gate, runStatus: 'rejected' }, async (tx, at) => {
          await endStage(tx, info.id, i, { status: 'rejected', output: stored.text, gate: gateText, error: null, at });
          await setRunStatus(tx, info.id, 'rejected', `stage ${JSON.stringify(stage.name)} was rejected by its gate: ${gate.reason}`, at);
        });
        return this.getRun(info.id);
      }
      await this.change(info, { ...extra, event: 'stage.done', stage: stage.name, ordinal: i, ...(gate === null ? {} : { gate }) }, (tx, at) =>
        endStage(tx, info.id, i, { status: 'done', output: stored.text, gate: gateText, error: null, at }),
      );
      outputs[stage.name] = stored.value;
    }
    await this.change(info, { event: 'run.succeeded', stages: this.stageNames }, (tx, at) => setRunStatus(tx, info.id, 'succeeded', null, at));
    return this.getRun(info.id);
  }
}
