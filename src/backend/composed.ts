/**
 * Kernels that host backends (js, cpu) build from their own simpler kernels: holding samples is
 * keeping the array, sortAndMeasure is sortColumns then ecdfDistances, and a dense stack is one
 * denseForward per layer and batch. The cuda backend implements them on the device instead.
 */
import type { Backend, DenseLayerArrays, HeldSamples, MeasuredColumns } from './contract.js';
import type { FloatArray } from '../matrix.js';

type Simple = Pick<Backend, 'sortColumns' | 'sortColumnsAsync' | 'ecdfDistances' | 'ecdfDistancesAsync' | 'denseForward' | 'denseForwardAsync'>;
type Composed = Pick<Backend, 'holdSamples' | 'sortAndMeasure' | 'sortAndMeasureAsync' | 'denseStackForward' | 'denseStackForwardAsync'>;

/** The windows of the sorted columns that the pairs compare. */
function columnWindows(rows: number, column: Float64Array, counts: Float64Array) {
  return {
    bStart: Float64Array.from(column, (k) => k * rows),
    bCount: Float64Array.from(column, (k) => counts[k]),
  };
}

/** One layer call of a batch: reads x, writes out. */
interface LayerStep {
  layer: DenseLayerArrays;
  x: Float32Array;
  out: Float32Array;
  rows: number;
}

/**
 * The layer calls of a dense stack, batch after batch: each reads the previous one's output
 * (two batch-sized buffers in turn); the last layer writes straight into `out`; float64 input is
 * copied into a float32 batch buffer first.
 */
function* stackSteps(x: FloatArray, rows: number, layers: readonly DenseLayerArrays[], out: Float32Array, batchRows: number): Generator<LayerStep> {
  const batch = Math.min(rows, batchRows);
  const widest = Math.max(...layers.map((l) => l.outputSize));
  const buffers = [new Float32Array(batch * widest), new Float32Array(batch * widest)];
  const cols = layers[0].inputSize;
  const input = x instanceof Float32Array ? null : new Float32Array(batch * cols);
  for (let r0 = 0; r0 < rows; r0 += batchRows) {
    const r1 = Math.min(rows, r0 + batchRows);
    const n = r1 - r0;
    let current: Float32Array;
    if (input === null) current = (x as Float32Array).subarray(r0 * cols, r1 * cols);
    else {
      current = input.subarray(0, n * cols);
      current.set(x.subarray(r0 * cols, r1 * cols));
    }
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i];
      const last = i === layers.length - 1;
      const target = last ? out.subarray(r0 * layer.outputSize, r1 * layer.outputSize) : buffers[i % 2].subarray(0, n * layer.outputSize);
      yield { layer, x: current, out: target, rows: n };
      current = target;
    }
  }
}

export function composedKernels(base: Simple): Composed {
  return {
    holdSamples: (values: Float64Array): HeldSamples => ({ values }),
    sortAndMeasure(data, rows, cols, firstCol, colCount, reference, aStart, aCount, column, out): MeasuredColumns {
      const sorted = base.sortColumns(data, rows, cols, firstCol, colCount, out);
      const { bStart, bCount } = columnWindows(rows, column, sorted.counts);
      const d = base.ecdfDistances(reference.values, aStart, aCount, sorted.values, bStart, bCount);
      return { counts: sorted.counts, ks: d.ks, wasserstein: d.wasserstein, values: out ? sorted.values : null };
    },
    async sortAndMeasureAsync(data, rows, cols, firstCol, colCount, reference, aStart, aCount, column, out): Promise<MeasuredColumns> {
      const sorted = await base.sortColumnsAsync(data, rows, cols, firstCol, colCount, out);
      const { bStart, bCount } = columnWindows(rows, column, sorted.counts);
      const d = await base.ecdfDistancesAsync(reference.values, aStart, aCount, sorted.values, bStart, bCount);
      return { counts: sorted.counts, ks: d.ks, wasserstein: d.wasserstein, values: out ? sorted.values : null };
    },
    denseStackForward(x, rows, layers, out, batchRows): void {
      for (const s of stackSteps(x, rows, layers, out, batchRows)) {
        base.denseForward(s.x, s.rows, s.layer.inputSize, s.layer.weights, s.layer.bias, s.layer.outputSize, s.layer.activation, s.out);
      }
    },
    async denseStackForwardAsync(x, rows, layers, out, batchRows): Promise<void> {
      for (const s of stackSteps(x, rows, layers, out, batchRows)) {
        await base.denseForwardAsync(s.x, s.rows, s.layer.inputSize, s.layer.weights, s.layer.bias, s.layer.outputSize, s.layer.activation, s.out);
      }
    },
  };
}
