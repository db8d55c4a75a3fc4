/** Small models, signatures and lineage for the registry tests. */
import { DenseModel, type ModelSignature } from '../../src/index.js';

/** A 3 -> 2 model whose weights depend on seed (so versions differ). */
export function smallModel(seed = 1): DenseModel {
  const weights = Float32Array.from({ length: 6 }, (_, i) => Math.sin(seed * 7 + i));
  return new DenseModel([{ inputSize: 3, outputSize: 2, weights, bias: new Float32Array([seed, -seed]), activation: 'softmax' }]);
}

export const SIGNATURE: ModelSignature = {
  inputs: [
    { name: 'amount', type: 'float32' },
    { name: 'account_age', type: 'float32' },
    { name: 'merchant_risk', type: 'float32' },
  ],
  outputs: [
    { name: 'legit', type: 'float32' },
    { name: 'fraud', type: 'float32' },
  ],
};

export const LINEAGE = { trainingData: { name: 'transactions-2026-01', contentHash: 'a'.repeat(64) } };
