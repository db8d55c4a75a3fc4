/**
 * One version of one model as the server runs it: the DenseModel, its batcher, its tensor names,
 * its monitor and (optionally) its drift sampling, and the predicted labels of recent requests
 * that carried an id, so that labels arriving later can be scored.
 */
import type { DenseModel } from '../inference/dense-model.js';
import type { ModelMonitor } from '../monitor/model-monitor.js';
import { getBackend } from '../backend/registry.js';
import { InferInputError } from '../errors.js';
import { accuracyOf } from '../inference/accuracy.js';
import { DynamicBatcher, type BatcherEvents, type BatcherLimits } from './dynamic-batcher.js';
import { DriftSampler, type DriftSampling } from './drift-sampler.js';
import type { TensorMetadata } from './infer-request.js';

/** How a model is served: its version label, tensor names, monitoring. */
export interface ServeOptions {
  /** The version the routes answer for (`/v2/models/{name}/versions/{version}`). Default "1". */
  version?: string;
  /** The input tensor's name. Default "input". */
  inputName?: string;
  /** The output tensor's name. Default "output". */
  outputName?: string;
  /** Drift sampling of the inputs against the model's reference (off without it). */
  drift?: DriftSampling;
}

/** Predicted labels kept per model for late outcomes. */
const KEPT_PREDICTIONS = 10_000;

export class ServedModel {
  readonly version: string;
  readonly inputName: string;
  readonly outputName: string;
  readonly batcher: DynamicBatcher;
  private readonly sampler: DriftSampler | null;
  /** Request id -> predicted labels, oldest first (a Map keeps insertion order). */
  private readonly predictions = new Map<string, Int32Array>();

  constructor(
    readonly name: string,
    readonly model: DenseModel,
    readonly monitor: ModelMonitor | null,
    options: ServeOptions,
    limits: BatcherLimits,
    events: BatcherEvents,
  ) {
    this.version = options.version ?? '1';
    this.inputName = options.inputName ?? 'input';
    this.outputName = options.outputName ?? 'output';
    const run = async (data: Float32Array, rows: number) => (await model.predictAsync({ data, rows, cols: model.inputSize })).data as Float32Array;
    this.batcher = new DynamicBatcher(run, model.inputSize, model.outputSize, limits, events);
    this.sampler = options.drift && monitor ? new DriftSampler(model.inputSize, options.drift, monitor) : null;
  }

  /** The protocol's metadata of the model's tensors. */
  tensors(): { inputs: TensorMetadata[]; outputs: TensorMetadata[] } {
    return {
      inputs: [{ name: this.inputName, datatype: 'FP32', shape: [-1, this.model.inputSize] }],
      outputs: [{ name: this.outputName, datatype: 'FP32', shape: [-1, this.model.outputSize] }],
    };
  }

  /** Runs rows through the batcher; samples them for drift; keeps their labels under `id`. */
  async infer(data: Float32Array, rows: number, id: string | undefined): Promise<Float32Array> {
    const out = await this.batcher.submit(data, rows);
    this.sampler?.offer(data, rows);
    if (id !== undefined && this.monitor) this.keepLabels(id, out, rows);
    return out;
  }

  private keepLabels(id: string, out: Float32Array, rows: number): void {
    const labels = new Int32Array(rows);
    getBackend().argmaxRows(out, rows, this.model.outputSize, labels, new Float32Array(rows));
    this.predictions.delete(id);
    this.predictions.set(id, labels);
    if (this.predictions.size > KEPT_PREDICTIONS) this.predictions.delete(this.predictions.keys().next().value!);
  }

  /**
   * Scores true labels against the labels predicted for request `id`: the accuracy goes to the
   * monitor. Returns it, or null when the id is unknown (never sent, or too old).
   *
   * @throws InferInputError when the number of labels is not the request's number of rows
   */
  scoreOutcome(id: string, labels: readonly number[]): number | null {
    const predicted = this.predictions.get(id);
    if (!predicted || !this.monitor) return null;
    if (labels.length !== predicted.length) throw new InferInputError(`outcomes for ${JSON.stringify(id)}: expected ${predicted.length} labels (one per row of the request) but received ${labels.length}`);
    const accuracy = accuracyOf(predicted, labels);
    this.monitor.recordAccuracy(accuracy);
    this.predictions.delete(id);
    return accuracy;
  }

  /**
   * Scores `{ "outcomes": [{ "id": string, "labels": [integer, ...] }] }` (the outcomes route's
   * body): every outcome is checked before any is scored; ids not answered here (or too old) are
   * listed as unmatched.
   *
   * @throws InferInputError naming the first outcome that cannot be scored
   */
  logOutcomes(body: unknown): { matched: number; accuracies: Record<string, number>; unmatched: string[] } {
    const outcomes = (body as { outcomes?: unknown } | null)?.outcomes;
    if (!Array.isArray(outcomes)) throw new InferInputError('outcomes: expected { "outcomes": [{ "id": string, "labels": [integer, ...] }] }');
    if (!this.monitor) throw new InferInputError('outcomes: this server runs with monitoring off, so it keeps no predictions to score');
    const checked = outcomes.map((x, k) => {
      const { id, labels } = (x ?? {}) as { id?: unknown; labels?: unknown };
      if (typeof id !== 'string') throw new InferInputError(`outcomes[${k}].id: expected the id of an answered request (a string)`);
      if (!Array.isArray(labels) || labels.length === 0 || !labels.every((l) => Number.isInteger(l) && l >= 0)) throw new InferInputError(`outcomes[${k}].labels: expected an array of class indices (integers >= 0), one per row`);
      return { id, labels: labels as number[] };
    });
    const accuracies: Record<string, number> = {};
    const unmatched: string[] = [];
    for (const { id, labels } of checked) {
      const accuracy = this.scoreOutcome(id, labels);
      if (accuracy === null) unmatched.push(id);
      else accuracies[id] = accuracy;
    }
    return { matched: Object.keys(accuracies).length, accuracies, unmatched };
  }

  /** The drift score of the sampled window now (null before enough rows or without sampling). */
  checkDrift(): number | null {
    return this.sampler?.check() ?? null;
  }

  /** Waits for queued and running batches, then stops the drift schedule. */
  async retire(): Promise<void> {
    await this.batcher.drained();
    this.sampler?.stop();
  }
}
