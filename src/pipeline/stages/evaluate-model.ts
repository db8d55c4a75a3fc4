/**
 * The evaluation stage: scores the candidate model on a holdout with DenseModel.evaluate and
 * compares it with the champion, on criteria each reported with its numbers:
 * - accuracy: candidate >= champion + minAccuracyDelta (default -0.01: at most one point worse);
 *   without a champion (the first model), only minAccuracy applies when given;
 * - minAccuracy: candidate >= this, when given;
 * - p99 latency: the 99th percentile of the time to classify one request of latencyBatchRows rows
 *   (default 1), timed over the holdout, <= maxP99LatencyMs, when given.
 * The gate passes when every criterion does. The champion is `${model}@${championAlias}` in the
 * registry (none when the alias is unset) unless options.champion says otherwise.
 */
import { PipelineConfigError, RegistryNotFoundError, requireInteger, requireNumber } from '../../errors.js';
import { DenseModel } from '../../inference/dense-model.js';
import { validateMatrix, type FeatureMatrix } from '../../matrix.js';
import { percentiles } from '../../stats/quantiles.js';
import type { StageContext, StageDefinition } from '../stage.js';

export interface Holdout {
  X: FeatureMatrix;
  /** The true class of each row. */
  y: Int32Array | readonly number[];
}

export interface EvaluateModelOptions {
  /** Stage name (default 'evaluate'). */
  name?: string;
  /** The model to judge (e.g. restored from the bytes the training stage stored). */
  candidate: (ctx: StageContext) => DenseModel | Promise<DenseModel>;
  /** Data no model was trained on. */
  holdout: (ctx: StageContext) => Holdout | Promise<Holdout>;
  /** The model to beat; default: the registry's `${model}@${championAlias}`, or none when unset. */
  champion?: (ctx: StageContext) => DenseModel | null | Promise<DenseModel | null>;
  /** Default 'champion'. */
  championAlias?: string;
  /** Candidate accuracy >= champion accuracy + this (default -0.01). */
  minAccuracyDelta?: number;
  minAccuracy?: number;
  maxP99LatencyMs?: number;
  /** Rows per timed request for the latency criterion (default 1). */
  latencyBatchRows?: number;
  /** Stages whose outputs this one reads (checked when the pipeline is built), e.g. ['train']. */
  needs?: readonly string[];
}

export interface Criterion {
  name: 'accuracy' | 'minAccuracy' | 'p99Latency';
  passed: boolean;
  detail: string;
}

export interface EvaluationOutput {
  candidate: { accuracy: number; p99LatencyMs: number; rows: number };
  /** The champion's score on the same holdout, or null when there is none. */
  champion: { ref: string | null; accuracy: number } | null;
  criteria: Criterion[];
  passed: boolean;
}

/** The evaluation stage (see the file comment). */
export function evaluateModelStage(options: EvaluateModelOptions): StageDefinition {
  if (typeof options !== 'object' || options === null) throw new PipelineConfigError('evaluateModelStage options', 'expected { candidate, holdout, … }');
  for (const key of ['candidate', 'holdout'] as const) {
    if (typeof options[key] !== 'function') throw new PipelineConfigError(`evaluateModelStage ${key}`, `expected a function of the stage context but received ${typeof options[key]}`);
  }
  if (options.champion !== undefined && typeof options.champion !== 'function') throw new PipelineConfigError('evaluateModelStage champion', `expected a function of the stage context but received ${typeof options.champion}`);
  const delta = requireNumber(options.minAccuracyDelta ?? -0.01, 'options.minAccuracyDelta', -1, 1);
  const minAccuracy = options.minAccuracy === undefined ? undefined : requireNumber(options.minAccuracy, 'options.minAccuracy', 0, 1);
  const maxP99 = options.maxP99LatencyMs === undefined ? undefined : requireNumber(options.maxP99LatencyMs, 'options.maxP99LatencyMs', 0);
  const batchRows = requireInteger(options.latencyBatchRows ?? 1, 'options.latencyBatchRows', 1);
  const name = options.name ?? 'evaluate';
  const championAlias = options.championAlias ?? 'champion';
  return {
    name,
    needs: options.needs,
    run: async (ctx): Promise<EvaluationOutput> => {
      const candidate = await options.candidate(ctx);
      if (!(candidate instanceof DenseModel)) throw new TypeError(`evaluateModelStage: candidate(ctx) returned ${typeof candidate}, expected a DenseModel`);
      const holdout = await options.holdout(ctx);
      const X = validateMatrix(holdout.X, 'holdout.X');
      const scored = candidate.evaluate(X, holdout.y);
      const p99 = p99Latency(candidate, X, batchRows);
      const champion = await championScore(ctx, options, championAlias, X, holdout.y);
      const criteria: Criterion[] = [];
      if (champion) {
        const needed = champion.accuracy + delta;
        criteria.push({ name: 'accuracy', passed: scored.accuracy >= needed, detail: `accuracy ${scored.accuracy.toFixed(4)} vs champion ${champion.accuracy.toFixed(4)} (needs >= ${needed.toFixed(4)})` });
      }
      if (minAccuracy !== undefined) criteria.push({ name: 'minAccuracy', passed: scored.accuracy >= minAccuracy, detail: `accuracy ${scored.accuracy.toFixed(4)} (needs >= ${minAccuracy})` });
      if (maxP99 !== undefined) criteria.push({ name: 'p99Latency', passed: p99 <= maxP99, detail: `p99 latency ${p99.toFixed(3)} ms per ${batchRows}-row request (needs <= ${maxP99} ms)` });
      return { candidate: { accuracy: scored.accuracy, p99LatencyMs: p99, rows: scored.rows }, champion, criteria, passed: criteria.every((c) => c.passed) };
    },
    gate: (ctx) => {
      const out = ctx.outputs[name] as EvaluationOutput;
      return out.passed ? true : { passed: false, reason: `the candidate does not meet: ${out.criteria.filter((c) => !c.passed).map((c) => c.detail).join('; ')}` };
    },
  };
}

/** The 99th percentile of the time to classify one request of batchRows rows, over the holdout. */
function p99Latency(model: DenseModel, X: FeatureMatrix, batchRows: number): number {
  const times: number[] = [];
  for (let start = 0; start < X.rows; start += batchRows) {
    const rows = Math.min(batchRows, X.rows - start);
    const request = { data: X.data.subarray(start * X.cols, (start + rows) * X.cols), rows, cols: X.cols };
    const t0 = performance.now();
    model.classify(request);
    times.push(performance.now() - t0);
  }
  return percentiles(times, 99)[0];
}

async function championScore(ctx: StageContext, options: EvaluateModelOptions, alias: string, X: FeatureMatrix, y: Holdout['y']): Promise<{ ref: string | null; accuracy: number } | null> {
  if (options.champion) {
    const model = await options.champion(ctx);
    return model ? { ref: null, accuracy: model.evaluate(X, y).accuracy } : null;
  }
  const ref = `${ctx.run.model}@${alias}`;
  try {
    const version = await ctx.registry.get(ref);
    return { ref: version.ref, accuracy: (await ctx.registry.loadModel(version.ref)).evaluate(X, y).accuracy };
  } catch (error) {
    if (error instanceof RegistryNotFoundError) return null; // no champion yet: the first model
    throw error;
  }
}
