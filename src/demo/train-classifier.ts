/**
 * The demo's own training: logistic regression by full-batch gradient descent on standardized
 * features, returned as a DenseModel (one softmax layer over two classes, the standardization
 * folded into the weights). Deterministic: the same rows give the same model. It stands for
 * whatever training a user plugs into the pipeline.
 */
import { DenseModel } from '../inference/dense-model.js';
import type { LabelledRows } from './fraud-data.js';

export function trainClassifier(train: LabelledRows, options: { iterations?: number; learningRate?: number } = {}): DenseModel {
  const { iterations = 300, learningRate = 0.5 } = options;
  const { data, rows, labels } = train;
  const cols = data.length / rows;
  const mean = new Float64Array(cols);
  const sd = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] += data[r * cols + c] / rows;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) sd[c] += (data[r * cols + c] - mean[c]) ** 2 / rows;
  for (let c = 0; c < cols; c++) sd[c] = Math.sqrt(sd[c]) || 1;
  const w = new Float64Array(cols);
  let b = 0;
  const grad = new Float64Array(cols);
  for (let it = 0; it < iterations; it++) {
    grad.fill(0);
    let gb = 0;
    for (let r = 0; r < rows; r++) {
      let logit = b;
      for (let c = 0; c < cols; c++) logit += w[c] * ((data[r * cols + c] - mean[c]) / sd[c]);
      const err = 1 / (1 + Math.exp(-logit)) - labels[r];
      for (let c = 0; c < cols; c++) grad[c] += (err * (data[r * cols + c] - mean[c])) / sd[c];
      gb += err;
    }
    for (let c = 0; c < cols; c++) w[c] -= (learningRate * grad[c]) / rows;
    b -= (learningRate * gb) / rows;
  }
  // softmax over (legit, fraud) with logits (0, w·z + b): z = (x - mean) / sd folded into the layer
  const weights = new Float32Array(cols * 2);
  let bias = b;
  for (let c = 0; c < cols; c++) {
    weights[c * 2 + 1] = w[c] / sd[c];
    bias -= (w[c] * mean[c]) / sd[c];
  }
  return new DenseModel([{ inputSize: cols, outputSize: 2, weights, bias: Float32Array.of(0, bias), activation: 'softmax' }]);
}
