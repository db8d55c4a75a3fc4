/**
 * DenseModel snapshots (kind 4 of the snapshot container): a model round-trips bit for bit, NaN
 * payloads and negative zero included, and damaged or foreign bytes are refused by name.
 */
import { describe, expect, it } from 'vitest';
import { DenseModel, ModelMonitor, type ActivationName } from '../../src/index.js';

function modelWithBits(): DenseModel {
  const sizes = [5, 4, 3];
  const activations: ActivationName[] = ['tanh', 'softmax'];
  let state = 12345;
  const bits = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  return new DenseModel(
    activations.map((activation, i) => {
      const weights = new Float32Array(sizes[i] * sizes[i + 1]);
      new Uint32Array(weights.buffer).forEach((_, k, a) => (a[k] = bits()));
      const bias = new Float32Array(sizes[i + 1]);
      const raw = new Uint32Array(bias.buffer);
      raw[0] = 0x80000000; // -0
      raw[1] = 0x7fc00001; // a NaN with a payload
      return { inputSize: sizes[i], outputSize: sizes[i + 1], weights, bias, activation };
    }),
    { batchRows: 77 },
  );
}

describe('DenseModel snapshots', () => {
  it('round-trip bit for bit, NaN payloads and -0 included', () => {
    const model = modelWithBits();
    const bytes = model.snapshot();
    const restored = DenseModel.restore(bytes);
    expect(restored.batchRows).toBe(77);
    expect(restored.layers.map((l) => [l.inputSize, l.outputSize, l.activation])).toEqual(model.layers.map((l) => [l.inputSize, l.outputSize, l.activation]));
    for (let i = 0; i < model.layers.length; i++) {
      expect(Buffer.from(restored.layers[i].weights.buffer, restored.layers[i].weights.byteOffset, restored.layers[i].weights.byteLength).equals(Buffer.from(model.layers[i].weights.buffer))).toBe(true);
      expect(new Uint32Array(restored.layers[i].bias.slice().buffer)).toEqual(new Uint32Array(model.layers[i].bias.slice().buffer));
    }
    expect(Buffer.from(restored.snapshot()).equals(Buffer.from(bytes))).toBe(true);
    expect(new Uint32Array(restored.layers[0].bias.slice().buffer)[1]).toBe(0x7fc00001);
  });

  it('refuses damaged bytes and snapshots of other kinds', () => {
    const bytes = modelWithBits().snapshot();
    const damaged = bytes.slice();
    damaged[damaged.length - 3] ^= 0x10;
    expect(() => DenseModel.restore(damaged)).toThrow(/Expected an intact DenseModel snapshot for bytes but received a CRC-32 mismatch/);
    expect(() => DenseModel.restore(new ModelMonitor('m').snapshot())).toThrow(/Expected a DenseModel snapshot for bytes but received a snapshot of kind 1/);
    expect(() => DenseModel.restore('x' as never)).toThrow(TypeError);
  });
});
