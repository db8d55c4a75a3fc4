/**
 * `mlwatch/tfjs`: TensorFlow.js interop. Works with `@tensorflow/tfjs` (pure JS),
 * `@tensorflow/tfjs-node` or `@tensorflow/tfjs-node-gpu` (the user's choice; optional peer
 * dependencies). The core package never imports TensorFlow.js; this subpath only uses the
 * tensors and models it is given.
 */
import { rangeError, typeError } from '../errors.js';
import type { FeatureMatrix } from '../matrix.js';
import { DenseModel, type DenseModelOptions, type TfjsModelLike } from '../inference/dense-model.js';
import { getBackend } from '../backend/registry.js';
import { accuracyOf, checkLabels } from '../inference/accuracy.js';
import type { ModelMonitor } from '../monitor/model-monitor.js';

export { DenseModel };

/** What these helpers read of a tf.Tensor. */
export interface TensorLike {
  shape: number[];
  dtype: string;
  dataSync(): ArrayLike<number>;
  dispose?(): void;
}

/**
 * A DenseModel with the weights of a TensorFlow.js model made only of dense layers (relu, sigmoid,
 * tanh, softmax or linear): the same as DenseModel.fromTfjs, offered here so code that imports
 * `mlwatch/tfjs` finds it beside the tensor helpers. The weights are copied once; the model then
 * predicts on mlwatch's kernels, without TensorFlow.js.
 *
 * @throws TypeError/RangeError (ERR_MLWATCH_INVALID_ARGUMENT) for a layer that is not dense or an unknown activation
 */
export function denseModelFromTfjs(model: TfjsModelLike, options?: DenseModelOptions): DenseModel {
  return DenseModel.fromTfjs(model, options);
}

/**
 * A FeatureMatrix of a 2-D float32 tensor's values (rows x cols). The values are downloaded once
 * (dataSync); on the CPU backends this is the tensor's own buffer.
 */
export function toFeatureMatrix(tensor: TensorLike): FeatureMatrix {
  if (typeof tensor !== 'object' || tensor === null || !Array.isArray(tensor.shape) || typeof tensor.dataSync !== 'function') throw typeError('a tf.Tensor2D', 'tensor', tensor);
  if (tensor.shape.length !== 2) throw rangeError('a 2-D tensor', 'tensor', `shape [${tensor.shape.join(', ')}]`);
  if (tensor.dtype !== 'float32') throw typeError("a 'float32' tensor", 'tensor.dtype', tensor.dtype);
  const values = tensor.dataSync();
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  return { data, rows: tensor.shape[0], cols: tensor.shape[1] };
}

/** A TensorFlow.js model with predict() (a LayersModel or GraphModel), over tensors of type T. */
export interface PredictingModel<T extends TensorLike> {
  predict(x: T): T | T[];
}

export interface MonitoredModel<T extends TensorLike> {
  /**
   * model.predict(x), timed until its output values are available (dataSync), recorded as one
   * latency in the monitor; with true labels, the batch's accuracy (argmax of the output) too.
   * Returns the output tensor (dispose it as usual).
   */
  predict(x: T, yTrue?: Int32Array | readonly number[]): T;
}

/** Wraps a TensorFlow.js model so that every predict() call is recorded in the monitor. */
export function monitorModel<T extends TensorLike>(model: PredictingModel<T>, monitor: ModelMonitor): MonitoredModel<T> {
  if (typeof model !== 'object' || model === null || typeof model.predict !== 'function') throw typeError('a TensorFlow.js model with predict()', 'model', model);
  return {
    predict(x, yTrue) {
      const start = performance.now();
      const result = model.predict(x);
      const output = Array.isArray(result) ? result[0] : result;
      const values = output.dataSync(); // waits for the backend (GPU included) to finish
      const latencyMs = performance.now() - start;
      if (yTrue === undefined) {
        monitor.recordLatency(latencyMs);
        return output;
      }
      const { data, rows, cols } = toFeatureMatrix({ shape: output.shape, dtype: output.dtype, dataSync: () => values });
      checkLabels(yTrue, rows, cols);
      const labels = new Int32Array(rows);
      getBackend().argmaxRows(data as Float32Array, rows, cols, labels, new Float32Array(rows));
      monitor.recordPerformance(accuracyOf(labels, yTrue), latencyMs);
      return output;
    },
  };
}
