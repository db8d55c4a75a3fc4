/**
 * denseStackForward (what DenseModel.predict runs) on every backend against a float64 evaluation
 * written out in this file: odd shapes, every activation, float32 and float64 input, one batch or
 * many. Tolerance: 1e-5 of each layer's output scale (float32 accumulation in another order).
 */
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, type ActivationName, type DenseLayerArrays } from '../../src/backend/contract.js';
import { SeededRandom } from '../../src/demo/random.js';
import { backendObjects, backendsUnderTest } from '../helpers/backends.js';

function layersOf(sizes: number[], acts: ActivationName[], seed: number): DenseLayerArrays[] {
  const rng = new SeededRandom(seed);
  return acts.map((activation, i) => ({
    inputSize: sizes[i],
    outputSize: sizes[i + 1],
    weights: Float32Array.from({ length: sizes[i] * sizes[i + 1] }, () => rng.normal(0, 1 / Math.sqrt(sizes[i]))),
    bias: Float32Array.from({ length: sizes[i + 1] }, () => rng.normal(0, 0.2)),
    activation,
  }));
}

/** The layers in float64, row by row, straight from the definition. */
function reference(x: ArrayLike<number>, rows: number, layers: DenseLayerArrays[]): Float64Array {
  let current = Float64Array.from(x, (v) => Math.fround(v));
  for (const l of layers) {
    const next = new Float64Array(rows * l.outputSize);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < l.outputSize; j++) {
        let s = l.bias[j];
        for (let k = 0; k < l.inputSize; k++) s += current[r * l.inputSize + k] * l.weights[k * l.outputSize + j];
        next[r * l.outputSize + j] = s;
      }
      const row = next.subarray(r * l.outputSize, (r + 1) * l.outputSize);
      if (l.activation === 'relu') row.forEach((v, j) => (row[j] = Math.max(0, v)));
      if (l.activation === 'sigmoid') row.forEach((v, j) => (row[j] = 1 / (1 + Math.exp(-v))));
      if (l.activation === 'tanh') row.forEach((v, j) => (row[j] = Math.tanh(v)));
      if (l.activation === 'softmax') {
        const mx = Math.max(...row);
        const e = Array.from(row, (v) => Math.exp(v - mx));
        const sum = e.reduce((a, b) => a + b, 0);
        row.forEach((_, j) => (row[j] = e[j] / sum));
      }
    }
    current = next;
  }
  return current;
}

function worstError(got: Float32Array, want: Float64Array): number {
  const scale = Math.max(1, ...Array.from(want, Math.abs));
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / scale);
  return worst;
}

describe.each(backendObjects(backendsUnderTest).map((b) => [b.name, b] as const))('denseStackForward on the %s backend', (_name, backend) => {
  it.each([
    [1, [1, 1], ['linear']],
    [37, [13, 17, 5], ['relu', 'sigmoid']],
    [300, [64, 33, 10], ['tanh', 'softmax']],
    [1031, [257, 129, 64, 10], ['relu', 'relu', 'softmax']],
  ] as const)('%i rows through %j', async (rows, sizes, acts) => {
    const layers = layersOf([...sizes], [...acts], rows);
    const rng = new SeededRandom(rows + 1);
    const x64 = Float64Array.from({ length: rows * sizes[0] }, () => rng.normal(0, 1));
    const x32 = Float32Array.from(x64);
    const want = reference(x32, rows, layers);
    const n = rows * sizes[sizes.length - 1];
    for (const [x, batchRows] of [[x32, 8192], [x64, 7], [x32, 100]] as const) {
      const out = new Float32Array(n).fill(NaN);
      backend.denseStackForward(x, rows, layers, out, batchRows);
      expect(worstError(out, want), `batchRows ${batchRows}, ${x.constructor.name}`).toBeLessThan(1e-5);
      const later = new Float32Array(n).fill(NaN);
      await backend.denseStackForwardAsync(x, rows, layers, later, batchRows);
      expect(worstError(later, want)).toBeLessThan(1e-5);
    }
  });

  it('argmaxRows (and its async form) picks the first largest value and keeps NaN from winning', async () => {
    const p = Float32Array.of(1, 3, 3, NaN, 2, 1, NaN, NaN, 0.5, 0.5, 0.5, 0.5);
    const labels = new Int32Array(3);
    const confidence = new Float32Array(3);
    backend.argmaxRows(p, 3, 4, labels, confidence);
    expect(Array.from(labels)).toEqual([1, 0, 0]);
    expect(Array.from(confidence)).toEqual([3, 2, 0.5]);
    const later = new Int32Array(3);
    const laterConfidence = new Float32Array(3);
    await backend.argmaxRowsAsync(p, 3, 4, later, laterConfidence);
    expect(Array.from(later)).toEqual([1, 0, 0]);
    expect(Array.from(laterConfidence)).toEqual([3, 2, 0.5]);
  });
});

it('knows every activation', () => {
  expect(ACTIVATIONS).toEqual(['linear', 'relu', 'sigmoid', 'tanh', 'softmax']);
});
