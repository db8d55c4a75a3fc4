/**
 * DenseModel against TensorFlow.js (@tensorflow/tfjs, the pure-JS CPU backend: the same API as
 * tfjs-node, which cannot install here) on the same weights.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DenseModel, getBackend, useBackend, type ActivationName, type DenseLayer } from '../../src/index.js';
import { SeededRandom } from '../../src/demo/random.js';
import { describeEachBackend } from '../helpers/backends.js';

const initial = getBackend().name;
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => void useBackend(initial));

function randomModel(sizes: number[], activations: ActivationName[], seed: number): DenseLayer[] {
  const rng = new SeededRandom(seed);
  return activations.map((activation, i) => ({
    inputSize: sizes[i],
    outputSize: sizes[i + 1],
    weights: Float32Array.from({ length: sizes[i] * sizes[i + 1] }, () => rng.normal(0, 1 / Math.sqrt(sizes[i]))),
    bias: Float32Array.from({ length: sizes[i + 1] }, () => rng.normal(0, 0.1)),
    activation,
  }));
}

function tfjsPredict(layers: DenseLayer[], x: Float32Array, rows: number): Float32Array {
  const model = tf.sequential();
  layers.forEach((l, i) => model.add(tf.layers.dense({ units: l.outputSize, activation: l.activation, inputShape: i === 0 ? [l.inputSize] : undefined })));
  layers.forEach((l, i) => model.layers[i].setWeights([tf.tensor2d(l.weights, [l.inputSize, l.outputSize]), tf.tensor1d(l.bias)]));
  const input = tf.tensor2d(x, [rows, layers[0].inputSize]);
  const out = model.predict(input) as tf.Tensor;
  const data = out.dataSync() as Float32Array;
  tf.dispose([input, out]);
  model.dispose();
  return data;
}

/** max |a - b| / max |b|: the error relative to the output's scale. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

const SHAPES: [string, number[], ActivationName[], number][] = [
  ['256 -> 128 -> 64 -> 10 (relu, relu, softmax)', [256, 128, 64, 10], ['relu', 'relu', 'softmax'], 1000],
  ['1 input, 1 output', [1, 1], ['linear'], 7],
  ['1 x n: 37 -> 1 (sigmoid)', [37, 1], ['sigmoid'], 33],
  ['odd sizes 13 -> 17 -> 5 (tanh, softmax)', [13, 17, 5], ['tanh', 'softmax'], 101],
  ['wide 300 -> 33 (linear)', [300, 33], ['linear'], 250],
  ['1 -> 20 (relu)', [1, 20], ['relu'], 40],
  ['a large batch: 16 -> 8 -> 3 on 20 000 rows', [16, 8, 3], ['relu', 'softmax'], 20_000],
];

describeEachBackend('DenseModel on the %s backend', (backend) => {
  for (const [label, sizes, activations, rows] of SHAPES) {
    it(`matches TensorFlow.js: ${label}, ${rows} rows`, () => {
      useBackend(backend);
      const layers = randomModel(sizes, activations, sizes.length * 31 + rows);
      const rng = new SeededRandom(rows);
      const x = Float32Array.from({ length: rows * sizes[0] }, () => rng.normal(0, 1));
      const model = new DenseModel(layers, { batchRows: 97 }); // several batches, a short last one
      const got = model.predict({ data: x, rows, cols: sizes[0] });
      expect(got.rows).toBe(rows);
      expect(got.cols).toBe(sizes[sizes.length - 1]);
      const want = tfjsPredict(layers, x, rows);
      expect(relativeError(got.data as Float32Array, want)).toBeLessThanOrEqual(1e-5);
      // argmax identical except where the two best outputs are within rounding of each other
      const { labels } = model.classify({ data: x, rows, cols: sizes[0] });
      const cols = got.cols;
      for (let r = 0; r < rows; r++) {
        const row = want.subarray(r * cols, (r + 1) * cols);
        const best = row.indexOf(Math.max(...row));
        if (labels[r] !== best) expect(Math.abs(row[labels[r]] - row[best])).toBeLessThan(1e-5);
      }
    });
  }

  it('gives the same answer in one batch or many, for float64 input, and into a caller array', () => {
    useBackend(backend);
    const layers = randomModel([20, 8, 3], ['relu', 'softmax'], 5);
    const rng = new SeededRandom(9);
    const x64 = Float64Array.from({ length: 1000 * 20 }, () => rng.normal(0, 1));
    const x32 = Float32Array.from(x64);
    const one = new DenseModel(layers, { batchRows: 5000 }).predict({ data: x32, rows: 1000, cols: 20 });
    const out = new Float32Array(3000).fill(NaN);
    const many = new DenseModel(layers, { batchRows: 7 }).predict({ data: x64, rows: 1000, cols: 20 }, out);
    expect(many.data).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(one.data));
  });

  it('classifies and evaluates', async () => {
    useBackend(backend);
    // identity-like model: the label is the index of the largest input
    const layers: DenseLayer[] = [{ inputSize: 3, outputSize: 3, weights: Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]), bias: new Float32Array(3), activation: 'softmax' }];
    const model = new DenseModel(layers);
    const X = { data: Float32Array.from([5, 0, 0, 0, 5, 0, 0, 0, 5, 1, 1, 0]), rows: 4, cols: 3 };
    const { labels, confidence } = model.classify(X);
    expect(Array.from(labels)).toEqual([0, 1, 2, 0]);
    const p = Math.exp(5) / (Math.exp(5) + 2);
    expect(confidence[0]).toBeCloseTo(p, 6);
    expect(confidence[3]).toBeCloseTo(Math.E / (2 * Math.E + 1), 6);
    const evaluation = model.evaluate(X, [0, 1, 1, 0]);
    expect(evaluation.accuracy).toBe(0.75);
    expect(evaluation.rows).toBe(4);
    expect(evaluation.meanConfidence).toBeCloseTo((3 * p + Math.E / (2 * Math.E + 1)) / 4, 6);
    expect(evaluation.latencyMs).toBeGreaterThanOrEqual(0);
    const asyncResult = await model.classifyAsync(X);
    expect(Array.from(asyncResult.labels)).toEqual([0, 1, 2, 0]);
    const asyncEvaluation = await model.evaluateAsync(X, [0, 1, 1, 0]);
    expect(asyncEvaluation.accuracy).toBe(0.75);
    expect(asyncEvaluation.meanConfidence).toBeCloseTo(evaluation.meanConfidence, 12);
  });
});

describe('DenseModel rejects bad shapes with clear errors', () => {
  const good = randomModel([4, 3], ['relu'], 1);
  it.each([
    ['no layers', () => new DenseModel([]), /non-empty array of layers/],
    ['weights of the wrong size', () => new DenseModel([{ ...good[0], weights: new Float32Array(5) }]), /12 weights \(inputSize x outputSize\) for layers\[0\].weights but received 5/],
    ['float64 weights', () => new DenseModel([{ ...good[0], weights: new Float64Array(12) as never }]), /Float32Array for layers\[0\].weights/],
    ['bias of the wrong size', () => new DenseModel([{ ...good[0], bias: new Float32Array(2) }]), /3 biases/],
    ['an unknown activation', () => new DenseModel([{ ...good[0], activation: 'gelu' as never }]), /one of linear, relu, sigmoid, tanh, softmax/],
    ['layers that do not chain', () => new DenseModel([good[0], good[0]]), /inputSize 3 \(the previous layer's outputSize\) for layers\[1\].inputSize but received 4/],
    ['input of the wrong width', () => new DenseModel(good).predict({ data: new Float32Array(6), rows: 2, cols: 3 }), /4 columns \(the model's input size\) for X.cols but received 3/],
    ['an output array of the wrong size', () => new DenseModel(good).predict({ data: new Float32Array(8), rows: 2, cols: 4 }, new Float32Array(5)), /6 values \(rows x outputSize\) for out/],
    ['labels of the wrong count', () => new DenseModel(good).evaluate({ data: new Float32Array(8), rows: 2, cols: 4 }, [1]), /2 labels \(one per row\)/],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});

describeEachBackend('DenseModel.predictAsync on the %s backend', (backend) => {
  it('gives predict()’s numbers and lets the event loop run meanwhile', async () => {
    useBackend(backend);
    const layers = randomModel([64, 32, 4], ['relu', 'softmax'], 77);
    const rng = new SeededRandom(78);
    const X = { data: Float32Array.from({ length: 5000 * 64 }, () => rng.normal(0, 1)), rows: 5000, cols: 64 };
    const model = new DenseModel(layers, { batchRows: 1000 });
    const sync = model.predict(X);
    let ranMeanwhile = false;
    const pending = model.predictAsync(X);
    setImmediate(() => (ranMeanwhile = true)); // can only run if predictAsync gave the loop back
    const result = await pending;
    expect(ranMeanwhile).toBe(true);
    expect(Array.from(result.data)).toEqual(Array.from(sync.data));
  });
});
