/**
 * mlwatch/tfjs against @tensorflow/tfjs (pure JS; tfjs-node and tfjs-node-gpu share its API but
 * cannot install here: their install step downloads libtensorflow).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackend, ModelMonitor, useBackend } from '../../src/index.js';
import { DenseModel, monitorModel, toFeatureMatrix } from '../../src/tfjs/index.js';
import { SeededRandom } from '../../src/demo/random.js';
import { describeEachBackend } from '../helpers/backends.js';

const initial = getBackend().name;
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => void useBackend(initial));

function tfModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [8] }));
  model.add(tf.layers.dense({ units: 4, activation: 'softmax', useBias: false }));
  return model; // random initial weights
}

describeEachBackend('TensorFlow.js interop on the %s backend', (backend) => {
  it('DenseModel.fromTfjs predicts what the tf.Sequential predicts', () => {
    useBackend(backend);
    const model = tfModel();
    const dense = DenseModel.fromTfjs(model);
    expect(dense.layers.map((l) => [l.inputSize, l.outputSize, l.activation])).toEqual([
      [8, 16, 'relu'],
      [16, 4, 'softmax'],
    ]);
    expect(Array.from(dense.layers[1].bias)).toEqual([0, 0, 0, 0]); // useBias: false
    const rng = new SeededRandom(4);
    const x = tf.tensor2d(Float32Array.from({ length: 50 * 8 }, () => rng.normal(0, 1)), [50, 8]);
    const want = (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
    const got = dense.predict(toFeatureMatrix(x)).data;
    let err = 0;
    for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
    expect(err).toBeLessThanOrEqual(1e-6);
    tf.dispose(x);
    model.dispose();
  });

  it('monitorModel records each predict call, with accuracy when labels are given', () => {
    useBackend(backend);
    const model = tfModel();
    const monitor = new ModelMonitor('tf', { now: () => 0 });
    const watched = monitorModel<tf.Tensor>(model, monitor);
    const x = tf.randomNormal([20, 8]) as tf.Tensor2D;
    const out = watched.predict(x);
    expect(out.shape).toEqual([20, 4]);
    expect(monitor.stats.records).toBe(1);
    const probs = out.dataSync() as Float32Array;
    const labels = Array.from({ length: 20 }, (_, r) => {
      const row = Array.from(probs.slice(r * 4, r * 4 + 4));
      return row.indexOf(Math.max(...row));
    });
    labels[0] = (labels[0] + 1) % 4; // one wrong label
    watched.predict(x, labels);
    expect(monitor.stats.records).toBe(2);
    expect(monitor.accuracyHistory()[0]).toBeCloseTo(19 / 20, 12);
    expect(monitor.latencyHistory()[0]).toBeGreaterThanOrEqual(0);
    expect(() => watched.predict(x, [1, 2])).toThrow(/20 labels \(one per row\)/);
    tf.dispose([x, out]);
    model.dispose();
  });

  it('monitor.observeBatch classifies, records latency and accuracy, and returns the predictions', () => {
    useBackend(backend);
    const dense = DenseModel.fromTfjs(tfModel());
    const rng = new SeededRandom(5);
    const X = { data: Float32Array.from({ length: 30 * 8 }, () => rng.normal(0, 1)), rows: 30, cols: 8 };
    const truth = dense.classify(X).labels;
    const monitor = new ModelMonitor('dense', { now: () => 0 });
    const predictions = monitor.observeBatch(dense, X, truth);
    expect(Array.from(predictions.labels)).toEqual(Array.from(truth));
    expect(monitor.accuracyHistory()[0]).toBe(1);
    monitor.observeBatch(dense, X);
    expect(monitor.stats).toMatchObject({ records: 2, accuracyRecords: 1 });
  });
});

describe('TensorFlow.js interop rejects what it cannot import', () => {
  it('names the layer or activation it cannot import', () => {
    const withDropout = tf.sequential();
    withDropout.add(tf.layers.dense({ units: 4, inputShape: [3] }));
    withDropout.add(tf.layers.dropout({ rate: 0.5 }));
    expect(() => DenseModel.fromTfjs(withDropout)).toThrow(/only dense layers can be imported\) for model.layers\[1\] .* but received string "Dropout"/);
    const elu = tf.sequential();
    elu.add(tf.layers.dense({ units: 4, inputShape: [3], activation: 'elu' }));
    expect(() => DenseModel.fromTfjs(elu)).toThrow(/one of linear, relu, sigmoid, tanh, softmax for model.layers\[0\] activation but received string "elu"/);
    expect(() => toFeatureMatrix(tf.tensor1d([1, 2]))).toThrow(/a 2-D tensor for tensor but received shape \[2\]/);
    expect(() => toFeatureMatrix(tf.tensor2d([[1]], [1, 1], 'int32'))).toThrow(/'float32' tensor/);
    expect(() => monitorModel({} as never, new ModelMonitor('m'))).toThrow(/model with predict/);
    [withDropout, elu].forEach((m) => m.dispose());
  });
});
