/**
 * The registration stage: registers the trained model as a new version with its lineage: the
 * training data's name and hash, the parent version (what the champion alias pointed at), the
 * retraining decision that started the run (ctx.run.trigger.decision), the drift report of the
 * validation stage, and the run's correlation id (lineage.run and the tag CORRELATION_TAG).
 *
 * Never twice: registering and marking the stage done are two transactions, so a crash between
 * them leaves a version the run has not recorded. Before registering, the stage looks for a
 * version of the model tagged with this run's correlation id and, when there is one, returns it
 * (output.reused = true) instead of registering again.
 */
import { PipelineConfigError, RegistryNotFoundError } from '../../errors.js';
import { DenseModel } from '../../inference/dense-model.js';
import type { TrainingData } from '../../registry/lineage.js';
import type { ModelSignature } from '../../registry/signature.js';
import type { RetrainingDecision } from '../../trigger/retraining-trigger.js';
import type { StageContext, StageDefinition } from '../stage.js';
import type { EvaluationOutput } from './evaluate-model.js';
import type { ValidationOutput } from './validate-data.js';

/** The tag every version registered by a pipeline run carries: the run's correlation id. */
export const CORRELATION_TAG = 'mlwatch.pipeline.correlationId';

export interface RegisterModelOptions {
  /** Stage name (default 'register'). */
  name?: string;
  /** The trained model (e.g. restored from the bytes the training stage stored). */
  model: (ctx: StageContext) => DenseModel | Promise<DenseModel>;
  signature: ModelSignature;
  /** The training data's name and content hash (lineage; the policy may require it). */
  trainingData: (ctx: StageContext) => TrainingData | Promise<TrainingData>;
  /** The alias whose version is recorded as the parent (default 'champion'; none when unset). */
  parentAlias?: string;
  /** A validate-data stage whose drift report goes into the lineage. */
  validationStage?: string;
  /** An evaluate-model stage whose candidate scores become the version's metrics. */
  evaluationStage?: string;
  /** More tags for the version. */
  tags?: Record<string, string>;
  description?: string;
  /** Other stages this one reads (e.g. ['train']). */
  needs?: readonly string[];
}

export interface RegistrationOutput {
  ref: string;
  version: number;
  parentVersion: number | null;
  /** True when a resumed run found the version it had registered before the crash. */
  reused: boolean;
}

/** The registration stage (see the file comment). */
export function registerModelStage(options: RegisterModelOptions): StageDefinition {
  if (typeof options !== 'object' || options === null) throw new PipelineConfigError('registerModelStage options', 'expected { model, signature, trainingData, … }');
  for (const key of ['model', 'trainingData'] as const) {
    if (typeof options[key] !== 'function') throw new PipelineConfigError(`registerModelStage ${key}`, `expected a function of the stage context but received ${typeof options[key]}`);
  }
  const name = options.name ?? 'register';
  const needs = [...(options.needs ?? []), ...[options.validationStage, options.evaluationStage].filter((s): s is string => s !== undefined)];
  return {
    name,
    needs,
    run: async (ctx): Promise<RegistrationOutput> => {
      const { registry, run } = ctx;
      const earlier = await registry.search({ name: run.model, tags: { [CORRELATION_TAG]: run.correlationId } }, { limit: 1 });
      if (earlier.versions.length) {
        const v = earlier.versions[0];
        return { ref: v.ref, version: v.version, parentVersion: v.lineage.parentVersion ?? null, reused: true };
      }
      const model = await options.model(ctx);
      if (!(model instanceof DenseModel)) throw new TypeError(`registerModelStage: model(ctx) returned ${typeof model}, expected a DenseModel`);
      const parentVersion = await aliasVersion(ctx, options.parentAlias ?? 'champion');
      const validation = options.validationStage ? (ctx.outputs[options.validationStage] as ValidationOutput) : undefined;
      const evaluation = options.evaluationStage ? (ctx.outputs[options.evaluationStage] as EvaluationOutput) : undefined;
      const decision = (run.trigger as { decision?: RetrainingDecision } | null)?.decision;
      const version = await registry.register(run.model, {
        model,
        signature: options.signature,
        description: options.description,
        metrics: evaluation ? { accuracy: evaluation.candidate.accuracy, p99LatencyMs: evaluation.candidate.p99LatencyMs } : {},
        tags: { ...options.tags, [CORRELATION_TAG]: run.correlationId, 'mlwatch.pipeline': run.pipeline },
        lineage: {
          trainingData: await options.trainingData(ctx),
          parentVersion,
          retrainingDecision: decision && typeof decision.shouldRetrain === 'boolean' ? decision : null,
          driftReport: validation?.drift ?? undefined,
          run: run.correlationId,
        },
      });
      return { ref: version.ref, version: version.version, parentVersion, reused: false };
    },
    audit: (output) => ({ registered: (output as RegistrationOutput).ref, reused: (output as RegistrationOutput).reused }),
  };
}

/** The version an alias of the run's model points at, or null when it (or the model) does not exist. */
export async function aliasVersion(ctx: StageContext, alias: string, model = ctx.run.model): Promise<number | null> {
  try {
    return (await ctx.registry.get(`${model}@${alias}`)).version;
  } catch (error) {
    if (error instanceof RegistryNotFoundError) return null;
    throw error;
  }
}
