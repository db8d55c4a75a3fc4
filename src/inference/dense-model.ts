/**
 * DenseModel: a stack of dense (TinyTorch `Linear`) layers run on the active backend, in batches
 * of rows so that memory stays bounded whatever the row count.
 */
import { ACTIVATIONS, type ActivationName } from '../backend/contract.js';
import { handOut, markPrivate } from '../backend/private-memory.js';
import { getBackend } from '../backend/registry.js';
import { rangeError, requireInteger, typeError } from '../errors.js';
import { validateMatrix, type FeatureMatrix } from '../matrix.js';
import { decodeSnapshot, encodeSnapshot, f32FromSection, f32Section, SnapshotKind } from '../persist/snapshot-format.js';
import { accuracyOf, checkLabels } from './accuracy.js';

export interface DenseLayer {
  inputSize: number;
  outputSize: number;
  /** inputSize x outputSize, row-major: weights[k * outputSize + j] links input k to output j. */
  weights: Float32Array;
  bias: Float32Array;
  activation: ActivationName;
}

export interface DenseModelOptions {
  /** Rows per batch on the host backends (js, cpu): memory for intermediate results is batchRows x (widest layer) floats, twice. Default 8192. The cuda backend keeps intermediate results on the device and sizes its own chunks. */
  batchRows?: number;
}

export interface Classification {
  /** Index of the largest output per row (the first one on ties). */
  labels: Int32Array;
  /** That output's value: the class probability when the last layer is softmax. */
  confidence: Float32Array;
}

export interface Evaluation {
  /** Share of rows whose label equals yTrue. */
  accuracy: number;
  meanConfidence: number;
  /** Wall time of the classification, ms. */
  latencyMs: number;
  rows: number;
}

/** What fromTfjs reads of a TensorFlow.js LayersModel (structural: no import of TensorFlow.js). */
export interface TfjsModelLike {
  layers: {
    name?: string;
    getClassName(): string;
    getConfig(): { activation?: unknown; [key: string]: unknown };
    getWeights(): { shape: number[]; dataSync(): ArrayLike<number> }[];
  }[];
}

export class DenseModel {
  readonly layers: readonly Readonly<DenseLayer>[];
  readonly batchRows: number;

  constructor(layers: DenseLayer[], options: DenseModelOptions = {}) {
    if (!Array.isArray(layers) || layers.length === 0) throw typeError('a non-empty array of layers', 'layers', layers);
    this.layers = layers.map((layer, i) => validateLayer(layer, i, i > 0 ? layers[i - 1] : undefined));
    this.batchRows = requireInteger(options.batchRows ?? 8192, 'options.batchRows', 1, 1 << 24);
    // A batch's intermediate buffers must be allocatable: say so now, not as "Invalid typed array length" later.
    const widest = Math.max(...this.layers.map((l) => Math.max(l.inputSize, l.outputSize)));
    if (this.batchRows * widest > 2 ** 30) {
      throw rangeError(`options.batchRows x the widest layer (${widest}) at most 2^30 values: batchRows <= ${Math.floor(2 ** 30 / widest)}`, 'options.batchRows', String(this.batchRows));
    }
  }

  /**
   * Imports a TensorFlow.js `tf.Sequential` (or any `tf.LayersModel`) made only of `dense` layers
   * with linear, relu, sigmoid, tanh or softmax activations; any other layer or activation is
   * rejected with an error naming it. Reads the model structurally, so the core package does not
   * depend on TensorFlow.js.
   */
  static fromTfjs(model: TfjsModelLike, options: DenseModelOptions = {}): DenseModel {
    if (typeof model !== 'object' || model === null || !Array.isArray(model.layers)) throw typeError('a TensorFlow.js LayersModel', 'model', model);
    const layers = model.layers.map((layer, i): DenseLayer => {
      const kind = layer.getClassName();
      if (kind !== 'Dense') throw typeError("a 'Dense' layer (only dense layers can be imported)", `model.layers[${i}] (${layer.name ?? 'unnamed'})`, kind);
      const config = layer.getConfig();
      const activation = String(config.activation ?? 'linear');
      if (!(ACTIVATIONS as readonly string[]).includes(activation)) throw typeError(`one of ${ACTIVATIONS.join(', ')}`, `model.layers[${i}] activation`, activation);
      const [kernel, bias] = layer.getWeights();
      if (!kernel || kernel.shape.length !== 2) throw typeError('a 2-D kernel', `model.layers[${i}] weights`, kernel);
      const [inputSize, outputSize] = kernel.shape;
      return {
        inputSize,
        outputSize,
        weights: Float32Array.from(kernel.dataSync()),
        bias: bias ? Float32Array.from(bias.dataSync()) : new Float32Array(outputSize),
        activation: activation as ActivationName,
      };
    });
    return new DenseModel(layers, options);
  }

  /**
   * The model as bytes (snapshot container, kind 4): the layer shapes, activations and batchRows in
   * the JSON header, each layer's weights and bias as raw float32 sections, so restore() gives
   * back the same bits (NaN payloads and -0 included). The registry stores models this way.
   */
  snapshot(): Uint8Array {
    const header = { layers: this.layers.map((l) => ({ inputSize: l.inputSize, outputSize: l.outputSize, activation: l.activation })), batchRows: this.batchRows };
    return encodeSnapshot(SnapshotKind.DenseModel, header, this.layers.flatMap((l) => [f32Section(l.weights), f32Section(l.bias)]));
  }

  /** The model of snapshot() bytes; a RangeError for damaged or foreign bytes, naming what is wrong. */
  static restore(bytes: Uint8Array, options: DenseModelOptions = {}): DenseModel {
    const { header, sections } = decodeSnapshot(bytes, SnapshotKind.DenseModel, 'DenseModel');
    const shapes = header.layers;
    if (!Array.isArray(shapes) || sections.length !== 2 * shapes.length) throw rangeError('two sections per layer in a DenseModel snapshot', 'bytes', `${sections.length} sections for ${Array.isArray(shapes) ? shapes.length : 'no'} layers`);
    const layers = shapes.map((shape: { inputSize: number; outputSize: number; activation: ActivationName }, i: number): DenseLayer => ({
      inputSize: shape.inputSize,
      outputSize: shape.outputSize,
      activation: shape.activation,
      weights: f32FromSection(sections[2 * i]),
      bias: f32FromSection(sections[2 * i + 1]),
    }));
    // the constructor checks every shape against its arrays, as for any other model
    return new DenseModel(layers, { batchRows: options.batchRows ?? (header.batchRows as number) });
  }

  get inputSize(): number {
    return this.layers[0].inputSize;
  }

  get outputSize(): number {
    return this.layers[this.layers.length - 1].outputSize;
  }

  /**
   * Outputs for every row of X (rows x inputSize) as a FeatureMatrix with Float32Array data (rows x
   * outputSize), written into `out` when given (its length must be rows x outputSize).
   */
  predict(X: FeatureMatrix, out?: Float32Array): FeatureMatrix {
    const m = this.checkInput(X);
    const output = this.checkOut(out, m.rows * this.outputSize, 'out');
    getBackend().denseStackForward(m.data, m.rows, this.layers, output, this.batchRows);
    return { data: handOut(output), rows: m.rows, cols: this.outputSize };
  }

  /**
   * predict() off the event loop: on the native backend each layer of each batch runs on a worker
   * thread (the JS backend defers each step to a later macrotask). Do not modify X or `out` until
   * the promise settles.
   */
  async predictAsync(X: FeatureMatrix, out?: Float32Array): Promise<FeatureMatrix> {
    const m = this.checkInput(X);
    const output = this.checkOut(out, m.rows * this.outputSize, 'out');
    await getBackend().denseStackForwardAsync(m.data, m.rows, this.layers, output, this.batchRows);
    return { data: handOut(output), rows: m.rows, cols: this.outputSize };
  }

  /** The label (argmax) and confidence of every row. */
  classify(X: FeatureMatrix): Classification {
    return this.classifyOutputs(this.predict(X));
  }

  /** classify() with predictAsync() and the argmax off the event loop too. */
  async classifyAsync(X: FeatureMatrix): Promise<Classification> {
    const outputs = await this.predictAsync(X);
    const labels = markPrivate(new Int32Array(outputs.rows));
    const confidence = markPrivate(new Float32Array(outputs.rows));
    await getBackend().argmaxRowsAsync(outputs.data as Float32Array, outputs.rows, outputs.cols, labels, confidence);
    return { labels: handOut(labels), confidence: handOut(confidence) };
  }

  /** Classifies X and compares with the true labels: accuracy, mean confidence, time. */
  evaluate(X: FeatureMatrix, yTrue: Int32Array | readonly number[]): Evaluation {
    const m = this.checkInput(X);
    checkLabels(yTrue, m.rows, this.outputSize);
    const start = performance.now();
    const predictions = this.classify(m);
    return score(predictions, yTrue, performance.now() - start);
  }

  /** evaluate() with classifyAsync(): the model runs off the event loop. */
  async evaluateAsync(X: FeatureMatrix, yTrue: Int32Array | readonly number[]): Promise<Evaluation> {
    const m = this.checkInput(X);
    checkLabels(yTrue, m.rows, this.outputSize);
    const start = performance.now();
    const predictions = await this.classifyAsync(m);
    return score(predictions, yTrue, performance.now() - start);
  }

  private classifyOutputs(outputs: FeatureMatrix): Classification {
    const labels = new Int32Array(outputs.rows);
    const confidence = new Float32Array(outputs.rows);
    getBackend().argmaxRows(outputs.data as Float32Array, outputs.rows, outputs.cols, labels, confidence);
    return { labels, confidence };
  }

  private checkInput(X: FeatureMatrix): FeatureMatrix {
    this.layers.forEach((l, i) => {
      if (l.weights.length !== l.inputSize * l.outputSize || l.bias.length !== l.outputSize) {
        throw rangeError(`layers[${i}] arrays of ${l.inputSize * l.outputSize} weights and ${l.outputSize} biases`, `model.layers[${i}]`, 'arrays detached or resized after the model was built');
      }
    });
    const m = validateMatrix(X, 'X');
    if (m.cols !== this.inputSize) throw rangeError(`${this.inputSize} columns (the model's input size)`, 'X.cols', `${m.cols}`);
    return m;
  }

  private checkOut(out: Float32Array | undefined, length: number, name: string): Float32Array {
    if (out === undefined) return markPrivate(new Float32Array(length)); // handed out only when the call is done
    if (!(out instanceof Float32Array)) throw typeError('a Float32Array', name, out);
    if (out.length !== length) throw rangeError(`a Float32Array of ${length} values (rows x outputSize)`, name, `length ${out.length}`);
    return out;
  }
}

function score({ labels, confidence }: Classification, yTrue: Int32Array | readonly number[], latencyMs: number): Evaluation {
  let confidenceSum = 0;
  for (let r = 0; r < confidence.length; r++) confidenceSum += confidence[r];
  return { accuracy: accuracyOf(labels, yTrue), meanConfidence: confidenceSum / labels.length, latencyMs, rows: labels.length };
}

function validateLayer(layer: DenseLayer, i: number, previous: DenseLayer | undefined): DenseLayer {
  const name = `layers[${i}]`;
  if (typeof layer !== 'object' || layer === null) throw typeError('a layer { inputSize, outputSize, weights, bias, activation }', name, layer);
  const inputSize = requireInteger(layer.inputSize, `${name}.inputSize`, 1, 1 << 24);
  const outputSize = requireInteger(layer.outputSize, `${name}.outputSize`, 1, 1 << 24);
  if (previous && previous.outputSize !== inputSize) throw rangeError(`inputSize ${previous.outputSize} (the previous layer's outputSize)`, `${name}.inputSize`, String(inputSize));
  if (!(layer.weights instanceof Float32Array)) throw typeError('a Float32Array', `${name}.weights`, layer.weights);
  if (layer.weights.length !== inputSize * outputSize) throw rangeError(`${inputSize * outputSize} weights (inputSize x outputSize)`, `${name}.weights`, `${layer.weights.length}`);
  if (!(layer.bias instanceof Float32Array)) throw typeError('a Float32Array', `${name}.bias`, layer.bias);
  if (layer.bias.length !== outputSize) throw rangeError(`${outputSize} biases`, `${name}.bias`, `${layer.bias.length}`);
  if (!ACTIVATIONS.includes(layer.activation)) throw typeError(`one of ${ACTIVATIONS.join(', ')}`, `${name}.activation`, layer.activation);
  // Private copies: the caller's arrays may later change, be transferred or resized.
  return { inputSize, outputSize, weights: layer.weights.slice(), bias: layer.bias.slice(), activation: layer.activation };
}
