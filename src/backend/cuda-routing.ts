/**
 * Which calls of the cuda backend run on the device. A call moves its inputs from host (JS)
 * memory to the device and its results back, so small calls, and kernels that read each byte only
 * once (column statistics of host memory: the cpu backend reads memory faster than the bus
 * carries it), run on the cpu backend instead. The thresholds are the crossovers measured with
 * `npm run bench -- gpu` on the machine named in bench/RESULTS.md; MLWATCH_CUDA_ROUTE=device sends
 * every call to the device (the test suites use it to check every CUDA kernel), =cpu none.
 */
import { coded } from '../errors.js';
import { setting } from '../config.js';
export type RoutedKernel =
  | 'columnStats'
  | 'quantiles'
  | 'sketchBins'
  | 'denseForward'
  | 'denseStackForward'
  | 'argmaxRows'
  | 'sortColumns'
  | 'ecdfDistances'
  | 'sortAndMeasure';

export interface Route {
  /** Smallest amount of work, in `unit`, that runs on the device (Infinity: never from host memory). */
  from: number;
  unit: string;
  /** Why the threshold is where it is. */
  why: string;
}

// Crossovers measured on an NVIDIA H200 host (16 cores for the cpu backend), 2026-11-26, with
// `npm run bench -- gpu` (three runs; the last one's figures are in
// bench/gpu/results/2026-11-26-h200/bench.log).
export const DEVICE_ROUTES: Readonly<Record<RoutedKernel, Route>> = {
  columnStats: { from: Infinity, unit: 'values', why: 'one read per value: the cpu backend reads host memory faster than the bus copies it (the device took 2.1x longer at 2e7 values, 0.3-0.65x at every size measured)' },
  argmaxRows: { from: Infinity, unit: 'values', why: 'one read per value, like columnStats: the copy to the device costs more than the comparison (not timed separately)' },
  sketchBins: { from: Infinity, unit: 'values', why: 'monitoring batches are small and read once: the copy costs more than a logarithm per value (not timed separately)' },
  quantiles: { from: 50_000, unit: 'values', why: 'measured: the device lost at 1e4 values (0.83x) and won from 1e5 (5.6x at 1e5, 3.4x at 1e7)' },
  sortColumns: { from: 100_000, unit: 'values per cpu thread (rows x ceil(columns / threads))', why: 'the cpu backend sorts a column per thread and the sorted float64 columns must come back over the bus: 16 columns on 16 threads, 1.25e4 rows: device 0.6x, 1.25e5 rows: 0.85-0.92x, 1.25e6 rows: 2.6-3.3x; 2 columns, 1e5 rows: 3.2x, 1e6 rows: 10.6x' },
  ecdfDistances: { from: 10_000, unit: 'pooled values', why: 'measured: the device won from 2e4 pooled values (1.8x; 21x at 8e6)' },
  sortAndMeasure: { from: 5_000, unit: 'values per cpu thread (rows x ceil(columns / threads))', why: 'the reference stays on the device and only distances come back: with 8 columns on 16 threads the device lost at 1e3 rows (0.67-0.79x) and won from 1e4 (1.6-2x; 16x at 1e6)' },
  denseForward: { from: 10_000_000, unit: 'multiply-adds', why: 'one layer is a stack of one: the threshold measured for denseStackForward' },
  denseStackForward: { from: 10_000_000, unit: 'multiply-adds', why: 'measured: the device lost at 5e5 multiply-adds (0.62x), tied at 5e6 and won from 5e7 (1.5x; 2.8x at 5e9)' },
};

export type RouteMode = 'auto' | 'device' | 'cpu';

/** MLWATCH_CUDA_ROUTE: auto (default), device or cpu; anything else is an error that says so. */
export function routeMode(): RouteMode {
  const v = setting('MLWATCH_CUDA_ROUTE');
  if (v === undefined || v === 'auto') return 'auto';
  if (v === 'device' || v === 'cpu') return v;
  throw coded(new TypeError(`Expected auto, device or cpu for MLWATCH_CUDA_ROUTE but received ${JSON.stringify(v)}`), 'ERR_MLWATCH_INVALID_ARGUMENT');
}

/** rows x ceil(columns / threads): the values each cpu thread sorts (it sorts whole columns). */
export function valuesPerThread(rows: number, columns: number, threads: number): number {
  return rows * Math.ceil(columns / Math.max(1, threads));
}

/** True when a call of `kernel` with `work` units runs on the device. */
export function onDevice(kernel: RoutedKernel, work: number): boolean {
  const mode = routeMode();
  if (mode !== 'auto') return mode === 'device';
  return work >= DEVICE_ROUTES[kernel].from;
}
