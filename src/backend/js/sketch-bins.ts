/**
 * Bucket counts of a batch of values for the logarithmic quantile sketch (DDSketch mapping):
 * the reference for native/kernels/sketch_bins.cc.
 * Twins: native/kernels/sketch_bins.cc (cpu) and native/cuda/sketch_bins.cu (cuda): the same contract, the same answers.
 */
import type { SketchBins } from '../contract.js';
import type { FloatArray } from '../../matrix.js';

export function sketchBins(values: FloatArray, multiplier: number, minIndexable: number, maxBuckets: number): SketchBins {
  const n = values.length;
  const keys = new Float64Array(n);
  let lo = Infinity;
  let hi = -Infinity;
  let zeroCount = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let validCount = 0;
  let invalidCount = 0;
  let firstInvalid = -1;
  for (let i = 0; i < n; i++) {
    const x = values[i];
    if (!(x >= 0 && x < Infinity)) {
      if (firstInvalid < 0) firstInvalid = i;
      invalidCount++;
      keys[i] = NaN;
      continue;
    }
    validCount++;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
    if (x <= minIndexable) {
      zeroCount++;
      keys[i] = NaN;
      continue;
    }
    const key = Math.ceil(Math.log(x) * multiplier);
    keys[i] = key;
    if (key < lo) lo = key;
    if (key > hi) hi = key;
  }
  // Keys more than maxBuckets - 1 below the largest count in the lowest bucket kept.
  const low = Math.max(lo, hi - maxBuckets + 1);
  const counts = lo <= hi ? new Float64Array(hi - low + 1) : new Float64Array(0);
  for (let i = 0; i < n; i++) if (keys[i] === keys[i]) counts[Math.max(keys[i], low) - low]++;
  return {
    minKey: lo <= hi ? low : 0,
    counts,
    zeroCount,
    sum,
    min: validCount > 0 ? min : 0,
    max: validCount > 0 ? max : 0,
    validCount,
    invalidCount,
    firstInvalid,
  };
}
