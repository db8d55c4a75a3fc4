/** The serving benchmark's model: 64 -> 128 relu -> 10 softmax, fixed weights, for every server kind. */
import type { DenseLayer } from '../../src/index.js';
import { SeededRandom } from '../../src/demo/random.js';

export function benchLayers(): DenseLayer[] {
  const rng = new SeededRandom(64);
  const layer = (inputSize: number, outputSize: number, activation: DenseLayer['activation']): DenseLayer => ({
    inputSize,
    outputSize,
    weights: Float32Array.from({ length: inputSize * outputSize }, () => rng.normal() / Math.sqrt(inputSize)),
    bias: new Float32Array(outputSize),
    activation,
  });
  return [layer(64, 128, 'relu'), layer(128, 10, 'softmax')];
}
