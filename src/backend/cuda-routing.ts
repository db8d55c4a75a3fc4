/**
 * Which calls of the cuda backend run on the device. A call moves its inputs from host (JS)
 * memory to the device and its results back, so small calls, and kernels that read each byte only
 * once (column statistics of host memory: the cpu backend reads memory faster than the bus
 * carries it), run on the cpu backend instead. The thresholds are the crossovers measured with
 * `npm run bench -- gpu` on the machine named in bench/RESULTS.md; MLWATCH_CUDA_ROUTE=device sends
 * every call to the device (the test suites use it to check every CUDA kernel), =cpu none.
 */
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

export const DEVICE_ROUTES: Readonly<Record<RoutedKernel, Route>> = {
  columnStats: { from: Infinity, unit: 'values', why: 'one read per value: the cpu backend reads host memory faster than the bus copies it to the device' },
  argmaxRows: { from: Infinity, unit: 'values', why: 'one read per value: copying to the device costs more than the comparison' },
  sketchBins: { from: Infinity, unit: 'values', why: 'monitoring batches are small; the copy costs more than a logarithm per value' },
  quantiles: { from: 2_000_000, unit: 'values', why: 'below this the cpu selection beats copying and sorting on the device' },
  sortColumns: { from: 200_000, unit: 'values', why: 'the sorted float64 columns must come back: below this the cpu radix sort wins' },
  ecdfDistances: { from: 4_000_000, unit: 'pooled values', why: 'the samples must be copied up: below this the cpu merge walks win' },
  sortAndMeasure: { from: 200_000, unit: 'values', why: 'the reference stays on the device and only distances come back; below this the cpu sort wins' },
  denseForward: { from: 500_000_000, unit: 'multiply-adds', why: 'one layer from host memory: input and output cross the bus' },
  denseStackForward: { from: 200_000_000, unit: 'multiply-adds', why: 'intermediate layers stay on the device; below this the cpu kernels win' },
};

export type RouteMode = 'auto' | 'device' | 'cpu';

/** MLWATCH_CUDA_ROUTE: auto (default), device or cpu; anything else is an error that says so. */
export function routeMode(): RouteMode {
  const v = process.env.MLWATCH_CUDA_ROUTE;
  if (v === undefined || v === '' || v === 'auto') return 'auto';
  if (v === 'device' || v === 'cpu') return v;
  throw new TypeError(`Expected auto, device or cpu for MLWATCH_CUDA_ROUTE but received ${JSON.stringify(v)}`);
}

/** True when a call of `kernel` with `work` units runs on the device. */
export function onDevice(kernel: RoutedKernel, work: number): boolean {
  const mode = routeMode();
  if (mode !== 'auto') return mode === 'device';
  return work >= DEVICE_ROUTES[kernel].from;
}
