/**
 * Dense layers and row argmax in plain TypeScript: the reference for native/kernels/dense.cc.
 * Sums are accumulated in float64 (JS numbers) and stored as float32.
 * Twins: native/kernels/dense.cc (cpu) and native/cuda/dense.cu (cuda): the same contract, the same answers.
 */
import type { ActivationName } from '../contract.js';
import { pauseIfDue } from '../time-slice.js';

export function denseForward(x: Float32Array, rows: number, nIn: number, w: Float32Array, b: Float32Array, nOut: number, activation: ActivationName, out: Float32Array): void {
  const acc = new Float64Array(nOut);
  for (let r = 0; r < rows; r++) {
    acc.set(b);
    const xr = r * nIn;
    for (let k = 0; k < nIn; k++) {
      const xv = x[xr + k];
      const wk = k * nOut;
      for (let j = 0; j < nOut; j++) acc[j] += xv * w[wk + j];
    }
    const o = r * nOut;
    if (activation === 'softmax') {
      let max = -Infinity;
      for (let j = 0; j < nOut; j++) if (acc[j] > max) max = acc[j];
      let sum = 0;
      for (let j = 0; j < nOut; j++) sum += acc[j] = Math.exp(acc[j] - max);
      for (let j = 0; j < nOut; j++) out[o + j] = acc[j] / sum;
    } else {
      for (let j = 0; j < nOut; j++) out[o + j] = activate(acc[j], activation);
    }
  }
}

function activate(v: number, activation: ActivationName): number {
  switch (activation) {
    case 'relu':
      return v > 0 ? v : 0;
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
    case 'tanh':
      return Math.tanh(v);
    default:
      return v;
  }
}

/** denseForward in units of rows (about 2^17 multiply-adds each), yielding to the event loop every few milliseconds. */
export async function denseForwardAsync(x: Float32Array, rows: number, nIn: number, w: Float32Array, b: Float32Array, nOut: number, activation: ActivationName, out: Float32Array): Promise<void> {
  const step = Math.max(1, Math.floor((1 << 17) / (nIn * nOut)));
  for (let r0 = 0; r0 < rows; r0 += step) {
    await pauseIfDue();
    const r1 = Math.min(rows, r0 + step);
    // Rows are independent: a slice is the same layer over fewer rows.
    denseForward(x.subarray(r0 * nIn, r1 * nIn), r1 - r0, nIn, w, b, nOut, activation, out.subarray(r0 * nOut, r1 * nOut));
  }
}

export function argmaxRows(p: Float32Array, rows: number, cols: number, labels: Int32Array, confidence: Float32Array): void {
  argmaxOfRows(p, 0, rows, cols, labels, confidence);
}

/** Values per unit of argmaxRowsAsync's work between two checks of the clock. */
const UNIT_VALUES = 1 << 16;

/** argmaxRows in units of rows, yielding to the event loop every few milliseconds. */
export async function argmaxRowsAsync(p: Float32Array, rows: number, cols: number, labels: Int32Array, confidence: Float32Array): Promise<void> {
  const step = Math.max(1, Math.floor(UNIT_VALUES / cols));
  for (let r0 = 0; r0 < rows; r0 += step) {
    await pauseIfDue();
    argmaxOfRows(p, r0, Math.min(rows, r0 + step), cols, labels, confidence);
  }
}

function argmaxOfRows(p: Float32Array, r0: number, r1: number, cols: number, labels: Int32Array, confidence: Float32Array): void {
  for (let r = r0; r < r1; r++) {
    const o = r * cols;
    let best = 0;
    let value = p[o];
    for (let j = 1; j < cols; j++) {
      const v = p[o + j];
      if (v > value || (value !== value && v === v)) {
        best = j;
        value = v;
      }
    }
    labels[r] = best;
    confidence[r] = value;
  }
}
