/**
 * Loads the native addon (build/Release/mlwatch.node) and adapts it to the Backend contract.
 * Loading never throws: a missing or broken addon is reported with every reason collected,
 * and the library runs on the JS backend.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACTIVATIONS, type Backend, type EcdfDistances } from './contract.js';
import { composedKernels } from './composed.js';
import type { FloatArray } from '../matrix.js';
import { setting } from '../config.js';

/** The contract's kernels the addon exports with the contract's own signatures. */
type SharedKernel = 'columnStats' | 'columnStatsAsync' | 'quantiles' | 'sketchBins' | 'argmaxRows' | 'argmaxRowsAsync' | 'sortColumns' | 'sortColumnsAsync' | 'ecdfDistances' | 'ecdfDistancesAsync';

/**
 * The kernels the addon exports twice: the CPU ones at its top level, the CUDA ones under `cuda`.
 * Derived from the Backend contract; only the dense layer differs (the activation crosses as its
 * index in ACTIVATIONS, and the sync form returns `out`).
 */
export interface NativeKernels extends Pick<Backend, SharedKernel> {
  denseForward(x: Float32Array, rows: number, nIn: number, w: Float32Array, b: Float32Array, nOut: number, activation: number, out: Float32Array): Float32Array;
  denseForwardAsync(x: Float32Array, rows: number, nIn: number, w: Float32Array, b: Float32Array, nOut: number, activation: number, out: Float32Array): Promise<void>;
}

/** An opaque handle to samples held in device memory (freed when it is garbage-collected). */
export type DeviceSamplesHandle = { readonly __deviceSamples: unique symbol };

/** What the CUDA kernels measure in one sortAndMeasure call. */
export interface NativeMeasured extends EcdfDistances {
  counts: Float64Array;
}

/** The CUDA kernels (native/cuda through native/addon): the shared ones and the device-only ones. */
export interface CudaKernels extends NativeKernels {
  holdSamples(values: Float64Array): DeviceSamplesHandle;
  sortAndMeasure(data: FloatArray, rows: number, cols: number, firstCol: number, colCount: number, held: DeviceSamplesHandle, aStart: Float64Array, aCount: Float64Array, column: Float64Array, out?: Float64Array): NativeMeasured;
  sortAndMeasureAsync(data: FloatArray, rows: number, cols: number, firstCol: number, colCount: number, held: DeviceSamplesHandle, aStart: Float64Array, aCount: Float64Array, column: Float64Array, out?: Float64Array): Promise<NativeMeasured>;
  /** shape: [nIn, nOut, activation code] per layer. */
  denseStackForward(x: FloatArray, rows: number, weights: Float32Array[], biases: Float32Array[], shape: Float64Array, out: Float32Array): Float32Array;
  denseStackForwardAsync(x: FloatArray, rows: number, weights: Float32Array[], biases: Float32Array[], shape: Float64Array, out: Float32Array): Promise<void>;
  /** Free and total device memory in bytes (0 without a device). */
  memoryInfo(): { free: number; total: number };
  /** Host-to-device rates (GB/s) for `bytes` of ordinary host memory: plain, pinned, staged, registered; and device-to-host staged. */
  measureTransfers(bytes: number): { pageable: number; pinned: number; staged: number; registered: number; deviceToHostStaged: number };
  /** GFLOP/s of the GEMM + bias + activation kernels alone on device-resident data. */
  denseKernelRate(rows: number, nIn: number, nOut: number, activation: number): number;
}

/** The kernels only the CPU side exports (the carried forms the batch layer feeds block by block, the Smirnov tail, the JSON and CSV scans). */
type CpuOnlyKernel = 'accumulateColumnStats' | 'ecdfWalk' | 'jsonNumberArrays' | 'smirnovSf' | 'csvColumns' | 'ksDistance' | 'wassersteinDistance' | 'sortArrays' | BatchReadKernel;

/** The batch job's per-value passes over a chunk (reading Arrow columns, row filters, collectors): host work on memory JS already holds. */
type BatchReadKernel = 'arrowNumbers' | 'arrowLabels' | 'arrowKeys' | 'maskRows' | 'maskCodes' | 'gatherFinite' | 'countCodes' | 'sortedRuns';

/** The functions the addon exports (native/addon/module.cc). */
export interface NativeAddon extends NativeKernels, Pick<Backend, CpuOnlyKernel> {
  info(): NativeInfo;
  cuda: CudaKernels;
}

/** What the addon reports about its build and the machine. */
export interface NativeInfo {
  simd: string;
  threads: number;
  /** The SIMD path each kernel with several takes (native/kernels/*_avx2.cc or the portable body). */
  kernels: Record<string, string>;
  cuda: { compiled: boolean; deviceCount: number; error: string | null; devices: string[] };
}

export interface NativeLoad {
  addon: NativeAddon | null;
  path: string | null;
  /** Where the loaded addon came from; null when none loaded. */
  source: AddonSource | null;
  /** Why the addon could not be used, when addon is null. */
  error: string | null;
}

/** Where an addon file comes from, in the order the loader tries them. */
export type AddonSource = 'MLWATCH_ADDON_PATH' | 'platform package' | 'local build';

// This file is two levels below the package root, both as src/backend/native.ts and
// dist/backend/native.js.
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The prebuilt addon's package for this platform (native/platform-package.cjs, shared with the install script). */
export function platformPackage(): string {
  const shared = createRequire(import.meta.url)(join(packageRoot, 'native', 'platform-package.cjs')) as { platformPackage(): string };
  return shared.platformPackage();
}

/**
 * The addon files to try, in order: MLWATCH_ADDON_PATH alone when it is set; else the platform
 * package's prebuilt file (installed by npm as an optional dependency), then a local build.
 */
function candidates(): { path: string; source: AddonSource }[] {
  const fromEnv = setting('MLWATCH_ADDON_PATH');
  if (fromEnv) return [{ path: resolve(fromEnv), source: 'MLWATCH_ADDON_PATH' }];
  const out: { path: string; source: AddonSource }[] = [];
  const name = `${platformPackage()}/mlwatch.node`;
  try {
    out.push({ path: createRequire(import.meta.url).resolve(name), source: 'platform package' });
  } catch {
    out.push({ path: `${name} (not installed)`, source: 'platform package' });
  }
  for (const dir of ['Release', 'Debug']) out.push({ path: join(packageRoot, 'build', dir, 'mlwatch.node'), source: 'local build' });
  return out;
}

let cached: NativeLoad | undefined;

/** Loads the addon once; later calls return the same answer. */
export function loadNative(): NativeLoad {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const errors: string[] = [];
  for (const { path, source } of candidates()) {
    if (!existsSync(path)) {
      errors.push(`${path}: not found`);
      continue;
    }
    try {
      const addon = require(path) as NativeAddon;
      addon.info(); // a binary that cannot answer this is not trusted
      cached = { addon, path, source, error: null };
      return cached;
    } catch (e) {
      errors.push(`${path}: ${(e as Error).message}`);
    }
  }
  // As sharp does: what was tried, then what to do, with the exact commands.
  const solutions = [
    `install the prebuilt addon: \`npm install ${platformPackage()}\` (Linux x64 with glibc has one)`,
    'or build it: `npm run build:native` (needs CMake >= 3.18 and a C++17 compiler; Debian: `apt-get install cmake g++`)',
    'or load a build made elsewhere: `MLWATCH_ADDON_PATH=/path/to/mlwatch.node`',
    'or use the js backend meanwhile (same answers, slower): `MLWATCH_BACKEND=js`',
  ];
  const logPath = join(packageRoot, 'build', 'native-build-error.log');
  if (existsSync(logPath)) {
    const last = readFileSync(logPath, 'utf8').trim().split('\n').filter((l) => l.trim() !== '').slice(-3).join(' | ');
    solutions.unshift(`see why the install-time build failed: ${logPath} (last lines: ${last})`);
  }
  cached = { addon: null, path: null, source: null, error: `native addon not loaded: tried ${errors.join('; ')}. Possible solutions: ${solutions.join('; ')}` };
  return cached;
}

/** The kernels every native backend shares, adapted to the contract. */
export function nativeSimpleKernels(k: NativeKernels): Omit<Backend, 'name' | CpuOnlyKernel | 'holdSamples' | 'sortAndMeasure' | 'sortAndMeasureAsync' | 'denseStackForward' | 'denseStackForwardAsync'> {
  return {
    columnStats: (data, rows, cols) => k.columnStats(data, rows, cols),
    columnStatsAsync: (data, rows, cols) => k.columnStatsAsync(data, rows, cols),
    quantiles: (values, q) => k.quantiles(values, q),
    sketchBins: (values, multiplier, minIndexable, maxBuckets) => k.sketchBins(values, multiplier, minIndexable, maxBuckets),
    denseForward: (x, rows, nIn, w, b, nOut, activation, out) => void k.denseForward(x, rows, nIn, w, b, nOut, ACTIVATIONS.indexOf(activation), out),
    denseForwardAsync: (x, rows, nIn, w, b, nOut, activation, out) => k.denseForwardAsync(x, rows, nIn, w, b, nOut, ACTIVATIONS.indexOf(activation), out),
    argmaxRows: (p, rows, cols, labels, confidence) => k.argmaxRows(p, rows, cols, labels, confidence),
    argmaxRowsAsync: (p, rows, cols, labels, confidence) => k.argmaxRowsAsync(p, rows, cols, labels, confidence),
    sortColumns: (data, rows, cols, firstCol, colCount, out) => k.sortColumns(data, rows, cols, firstCol, colCount, out),
    sortColumnsAsync: (data, rows, cols, firstCol, colCount, out) => k.sortColumnsAsync(data, rows, cols, firstCol, colCount, out),
    ecdfDistances: (a, aStart, aCount, b, bStart, bCount) => k.ecdfDistances(a, aStart, aCount, b, bStart, bCount),
    ecdfDistancesAsync: (a, aStart, aCount, b, bStart, bCount) => k.ecdfDistancesAsync(a, aStart, aCount, b, bStart, bCount),
  };
}

/** The `cpu` backend over a loaded addon. */
export function nativeCpuBackend(addon: NativeAddon): Backend {
  const simple = nativeSimpleKernels(addon);
  return {
    name: 'cpu',
    ...simple,
    ...composedKernels(simple),
    accumulateColumnStats: (data, rows, cols, state) => addon.accumulateColumnStats(data, rows, cols, state),
    ecdfWalk: (a, aFinal, b, bFinal, state) => addon.ecdfWalk(a, aFinal, b, bFinal, state),
    jsonNumberArrays: (text, minLength) => addon.jsonNumberArrays(text, minLength),
    smirnovSf: (n, x) => addon.smirnovSf(n, x),
    ksDistance: (a, b) => addon.ksDistance(a, b),
    wassersteinDistance: (a, b) => addon.wassersteinDistance(a, b),
    csvColumns: (bytes, slots, labels, lineEnd, atEnd, out, codes, capacity) => addon.csvColumns(bytes, slots, labels, lineEnd, atEnd, out, codes, capacity),
    arrowNumbers: (values, bitPacked, offset, length, validity, scale, out) => addon.arrowNumbers(values, bitPacked, offset, length, validity, scale, out),
    arrowLabels: (offsets, bytes, offset, length, validity, codes, base) => addon.arrowLabels(offsets, bytes, offset, length, validity, codes, base),
    arrowKeys: (keys, offset, length, validity, size, base, codes) => addon.arrowKeys(keys, offset, length, validity, size, base, codes),
    maskRows: (values, op, operand, keep) => addon.maskRows(values, op, operand, keep),
    maskCodes: (codes, pass, keep) => addon.maskCodes(codes, pass, keep),
    gatherFinite: (values, keep, out, at) => addon.gatherFinite(values, keep, out, at),
    countCodes: (codes, keep, counts) => addon.countCodes(codes, keep, counts),
    sortedRuns: (sorted, values, counts) => addon.sortedRuns(sorted, values, counts),
    sortArrays: (arrays, out) => addon.sortArrays(arrays, out),
  };
}
