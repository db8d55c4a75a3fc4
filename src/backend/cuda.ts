/**
 * The `cuda` backend: the addon's CUDA kernels (native/cuda), each call routed to the device or
 * to the cpu backend by its size (cuda-routing.ts), so the default backend stays the fastest for
 * every call. Reference samples held for sortAndMeasure are copied to the device on first use
 * there and stay resident until the HeldSamples object is garbage-collected.
 */
import type { Backend, DenseLayerArrays, HeldSamples } from './contract.js';
import { ACTIVATIONS } from './contract.js';
import { onDevice, valuesPerThread } from './cuda-routing.js';
import { nativeSimpleKernels, type CudaKernels, type DeviceSamplesHandle } from './native.js';

function multiplyAdds(rows: number, layers: readonly DenseLayerArrays[]): number {
  return layers.reduce((sum, l) => sum + rows * l.inputSize * l.outputSize, 0);
}

function stackArguments(layers: readonly DenseLayerArrays[]) {
  return {
    weights: layers.map((l) => l.weights),
    biases: layers.map((l) => l.bias),
    shape: Float64Array.from(layers.flatMap((l) => [l.inputSize, l.outputSize, ACTIVATIONS.indexOf(l.activation)])),
  };
}

/** @param cpuThreads threads of the cpu backend: a sort on it runs one column per thread. */
export function nativeCudaBackend(k: CudaKernels, cpu: Backend, cpuThreads: number): Backend {
  const device = nativeSimpleKernels(k);
  const resident = new WeakMap<HeldSamples, DeviceSamplesHandle>();
  const handleOf = (held: HeldSamples): DeviceSamplesHandle => {
    let h = resident.get(held);
    if (!h) resident.set(held, (h = k.holdSamples(held.values)));
    return h;
  };
  return {
    name: 'cuda',
    columnStats: (data, rows, cols) => (onDevice('columnStats', rows * cols) ? device : cpu).columnStats(data, rows, cols),
    columnStatsAsync: (data, rows, cols) => (onDevice('columnStats', rows * cols) ? device : cpu).columnStatsAsync(data, rows, cols),
    // The carried forms get blocks read from disk: reducing one here costs less than copying it over.
    accumulateColumnStats: cpu.accumulateColumnStats,
    quantiles: (values, q) => (onDevice('quantiles', values.length) ? device : cpu).quantiles(values, q),
    sketchBins: (values, multiplier, minIndexable, maxBuckets) => (onDevice('sketchBins', values.length) ? device : cpu).sketchBins(values, multiplier, minIndexable, maxBuckets),
    denseForward: (x, rows, nIn, w, b, nOut, activation, out) =>
      (onDevice('denseForward', rows * nIn * nOut) ? device : cpu).denseForward(x, rows, nIn, w, b, nOut, activation, out),
    denseForwardAsync: (x, rows, nIn, w, b, nOut, activation, out) =>
      (onDevice('denseForward', rows * nIn * nOut) ? device : cpu).denseForwardAsync(x, rows, nIn, w, b, nOut, activation, out),
    argmaxRows: (p, rows, cols, labels, confidence) => (onDevice('argmaxRows', rows * cols) ? device : cpu).argmaxRows(p, rows, cols, labels, confidence),
    argmaxRowsAsync: (p, rows, cols, labels, confidence) => (onDevice('argmaxRows', rows * cols) ? device : cpu).argmaxRowsAsync(p, rows, cols, labels, confidence),
    sortColumns: (data, rows, cols, firstCol, colCount, out) =>
      (onDevice('sortColumns', valuesPerThread(rows, colCount, cpuThreads)) ? device : cpu).sortColumns(data, rows, cols, firstCol, colCount, out),
    sortColumnsAsync: (data, rows, cols, firstCol, colCount, out) =>
      (onDevice('sortColumns', valuesPerThread(rows, colCount, cpuThreads)) ? device : cpu).sortColumnsAsync(data, rows, cols, firstCol, colCount, out),
    ecdfDistances: (a, aStart, aCount, b, bStart, bCount) =>
      (onDevice('ecdfDistances', a.length + b.length) ? device : cpu).ecdfDistances(a, aStart, aCount, b, bStart, bCount),
    ecdfDistancesAsync: (a, aStart, aCount, b, bStart, bCount) =>
      (onDevice('ecdfDistances', a.length + b.length) ? device : cpu).ecdfDistancesAsync(a, aStart, aCount, b, bStart, bCount),
    ecdfWalk: cpu.ecdfWalk,
    jsonNumberArrays: cpu.jsonNumberArrays,
    // A sum of scalars computed in milliseconds: nothing to copy, nothing for a device to win.
    smirnovSf: cpu.smirnovSf,
    ksDistance: cpu.ksDistance,
    wassersteinDistance: cpu.wassersteinDistance,
    // Parsing text is byte-serial work for the host: the device would only add a copy.
    csvColumns: cpu.csvColumns,
    // The batch reader's passes over a chunk: one read of memory the host already holds.
    arrowNumbers: cpu.arrowNumbers,
    arrowLabels: cpu.arrowLabels,
    arrowKeys: cpu.arrowKeys,
    maskRows: cpu.maskRows,
    maskCodes: cpu.maskCodes,
    gatherFinite: cpu.gatherFinite,
    countCodes: cpu.countCodes,
    sortedRuns: cpu.sortedRuns,
    // The batch layer's runs and merge blocks: host memory between file reads and writes.
    sortArrays: cpu.sortArrays,
    holdSamples: (values) => ({ values }),
    sortAndMeasure(data, rows, cols, firstCol, colCount, reference, aStart, aCount, column, out) {
      if (!onDevice('sortAndMeasure', valuesPerThread(rows, colCount, cpuThreads))) return cpu.sortAndMeasure(data, rows, cols, firstCol, colCount, reference, aStart, aCount, column, out);
      const r = k.sortAndMeasure(data, rows, cols, firstCol, colCount, handleOf(reference), aStart, aCount, column, out);
      return { ...r, values: out ?? null };
    },
    async sortAndMeasureAsync(data, rows, cols, firstCol, colCount, reference, aStart, aCount, column, out) {
      if (!onDevice('sortAndMeasure', valuesPerThread(rows, colCount, cpuThreads))) return cpu.sortAndMeasureAsync(data, rows, cols, firstCol, colCount, reference, aStart, aCount, column, out);
      const r = await k.sortAndMeasureAsync(data, rows, cols, firstCol, colCount, handleOf(reference), aStart, aCount, column, out);
      return { ...r, values: out ?? null };
    },
    denseStackForward(x, rows, layers, out, batchRows) {
      if (!onDevice('denseStackForward', multiplyAdds(rows, layers))) return cpu.denseStackForward(x, rows, layers, out, batchRows);
      const { weights, biases, shape } = stackArguments(layers);
      k.denseStackForward(x, rows, weights, biases, shape, out);
    },
    async denseStackForwardAsync(x, rows, layers, out, batchRows) {
      if (!onDevice('denseStackForward', multiplyAdds(rows, layers))) return cpu.denseStackForwardAsync(x, rows, layers, out, batchRows);
      const { weights, biases, shape } = stackArguments(layers);
      await k.denseStackForwardAsync(x, rows, weights, biases, shape, out);
    },
  };
}
