/**
 * The GPU family: the cuda backend against the cpu backend (all cores of the machine) in the same
 * run, from JS memory with every transfer included, and the card named. Runs only where a CUDA
 * device is present (bench/gpu/check.sh runs it on a GPU machine). Measures:
 * - host-to-device rates of ordinary host memory: plain, pinned, through the staging pipeline, and
 *   with cudaHostRegister (its cost included); the staged device-to-host rate;
 * - ksTest and wassersteinDistance on 1e6 vs 1e6 float64;
 * - DriftDetector.detect on 1e6 x 64 float32 with the reference resident on the device;
 * - DenseModel.predict on 1e6 rows of a 256 -> 128 -> 64 -> 10 model, and the GEMM kernels alone;
 * - the crossovers behind src/backend/cuda-routing.ts: each kernel at growing sizes, cpu against
 *   the device (MLWATCH_CUDA_ROUTE=device).
 * Writes everything as JSON to $OUT/gpu-bench.json (else bench/.data/gpu-bench.json).
 * Run: npm run bench -- gpu
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { backendInfo, DenseModel, DriftDetector, getBackend, ksTest, useBackend, wassersteinDistance, type ActivationName, type DenseLayer } from '../src/index.js';
import { loadNative } from '../src/backend/native.js';
import { SeededRandom } from '../src/demo/random.js';
import { timeRuns, type Timing } from './lib/measure.js';
import { driftMatrix } from './lib/data.js';
import { dataDir } from './lib/peers.js';

type Row = Record<string, number | string | boolean | null>;
const report: { card: string; cores: number; cpuThreads: number; sections: Record<string, unknown> } = {
  card: '',
  cores: cpus().length,
  cpuThreads: 0,
  sections: {},
};

function lcg(n: number, seed: number, scale = 1, shift = 0, f32 = false): Float32Array | Float64Array {
  const out = f32 ? new Float32Array(n) : new Float64Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = (x / 4294967296 - 0.5) * scale + shift;
  }
  return out;
}

function withRoute<T>(route: 'auto' | 'device' | 'cpu', fn: () => T): T {
  const before = process.env.MLWATCH_CUDA_ROUTE;
  process.env.MLWATCH_CUDA_ROUTE = route;
  try {
    return fn();
  } finally {
    if (before === undefined) delete process.env.MLWATCH_CUDA_ROUTE;
    else process.env.MLWATCH_CUDA_ROUTE = before;
  }
}

/** Times fn on cpu and on the cuda backend (auto route unless told), best of the runs. */
async function pair(name: string, fn: () => unknown, runs = 5, cudaRoute: 'auto' | 'device' = 'auto'): Promise<Row> {
  useBackend('cpu');
  const cpu = await timeRuns(`${name} (cpu)`, fn, runs, 0.3);
  useBackend('cuda');
  const previous = process.env.MLWATCH_CUDA_ROUTE;
  process.env.MLWATCH_CUDA_ROUTE = cudaRoute;
  let cuda: Timing;
  try {
    cuda = await timeRuns(`${name} (cuda)`, fn, runs, 0.3);
  } finally {
    if (previous === undefined) delete process.env.MLWATCH_CUDA_ROUTE;
    else process.env.MLWATCH_CUDA_ROUTE = previous;
  }
  const row = { name, cpuBestMs: cpu.bestMs, cpuMedianMs: cpu.medianMs, cudaBestMs: cuda.bestMs, cudaMedianMs: cuda.medianMs, speedup: cpu.bestMs / cuda.bestMs };
  console.log(`${name.padEnd(56)} cpu ${cpu.bestMs.toFixed(2).padStart(9)} ms   cuda ${cuda.bestMs.toFixed(2).padStart(9)} ms   ${(cpu.bestMs / cuda.bestMs).toFixed(2)}x`);
  return row;
}

async function transfers(): Promise<void> {
  const rates = loadNative().addon!.cuda.measureTransfers(1 << 30);
  console.log(`\nhost -> device, 1 GiB of ordinary host memory (GB/s): pageable ${rates.pageable.toFixed(1)}, pinned ${rates.pinned.toFixed(1)}, staged ${rates.staged.toFixed(1)} (${((100 * rates.staged) / rates.pinned).toFixed(0)} % of pinned), cudaHostRegister + copy ${rates.registered.toFixed(1)}; device -> host staged ${rates.deviceToHostStaged.toFixed(1)}`);
  report.sections.transfers = { bytes: 1 << 30, ...rates, stagedShareOfPinned: rates.staged / rates.pinned };
}

async function twoSample(): Promise<void> {
  const n = 1_000_000;
  const a = lcg(n, 1, 3.4, 0);
  const b = lcg(n, 2, 3.4, 0.01);
  console.log(`\ntwo-sample tests, ${n.toLocaleString('en-US')} vs ${n.toLocaleString('en-US')} float64`);
  const rows = [await pair('ksTest', () => ksTest(a, b)), await pair('wassersteinDistance', () => wassersteinDistance(a, b))];
  report.sections.twoSample = rows;
}

async function detect(): Promise<void> {
  const rows = 1_000_000;
  const cols = 64;
  const make = (seed: number, shift: number) => driftMatrix(rows, cols, seed, shift);
  const reference = make(3, 0);
  const current = make(4, 0.2);
  console.log(`\nDriftDetector.detect, ${rows.toLocaleString('en-US')} x ${cols} float32 (auto tests: wasserstein per column)`);
  const detectors = new Map<string, DriftDetector>();
  const out: Row[] = [];
  for (const name of ['cpu', 'cuda'] as const) {
    useBackend(name);
    const t0 = performance.now();
    detectors.set(name, new DriftDetector(reference));
    const ms = performance.now() - t0;
    console.log(`reference profile on ${name}: ${ms.toFixed(0)} ms`);
    out.push({ name: `profile (${name})`, ms });
  }
  const results = new Map<string, string>();
  const row = await pair('detect', () => {
    const d = detectors.get(getBackend().name)!;
    const r = d.detect(current);
    results.set(getBackend().name, JSON.stringify(r.driftedColumns));
    return r;
  });
  row.sameDriftedColumns = results.get('cpu') === results.get('cuda');
  out.push(row);
  const asyncRow = await pair('detectAsync', () => detectors.get(getBackend().name)!.detectAsync(current));
  out.push(asyncRow);
  report.sections.detect = out;
}

async function dense(): Promise<void> {
  const sizes = [256, 128, 64, 10];
  const acts: ActivationName[] = ['relu', 'relu', 'softmax'];
  const rng = new SeededRandom(21);
  const layers: DenseLayer[] = acts.map((activation, i) => ({
    inputSize: sizes[i],
    outputSize: sizes[i + 1],
    weights: Float32Array.from({ length: sizes[i] * sizes[i + 1] }, () => rng.normal(0, 1 / Math.sqrt(sizes[i]))),
    bias: Float32Array.from({ length: sizes[i + 1] }, () => rng.normal(0, 0.1)),
    activation,
  }));
  const rows = 1_000_000;
  const x = lcg(rows * 256, 9, 2, 0, true) as Float32Array;
  const model = new DenseModel(layers);
  const out = new Float32Array(rows * 10);
  const flops = 2 * rows * (256 * 128 + 128 * 64 + 64 * 10);
  console.log(`\nDenseModel.predict, ${rows.toLocaleString('en-US')} rows, 256 -> 128 -> 64 -> 10 (relu, relu, softmax), from JS memory`);
  const row = await pair('predict', () => model.predict({ data: x, rows, cols: 256 }, out), 5);
  row.cpuGflops = flops / (row.cpuBestMs as number) / 1e6;
  row.cudaGflops = flops / (row.cudaBestMs as number) / 1e6;
  // The same outputs within the contract's tolerance.
  useBackend('cpu');
  const head = x.subarray(0, 10_000 * 256);
  const cpuOut = model.predict({ data: head, rows: 10_000, cols: 256 }).data;
  useBackend('cuda');
  const cudaOut = withRoute('device', () => model.predict({ data: head, rows: 10_000, cols: 256 }).data);
  let worst = 0;
  for (let i = 0; i < cpuOut.length; i++) worst = Math.max(worst, Math.abs(cpuOut[i] - cudaOut[i]));
  row.maxAbsDiffVsCpu = worst;
  const asyncRow = await pair('predictAsync', () => model.predictAsync({ data: x, rows, cols: 256 }, out), 5);
  const kernelRates: Row[] = [];
  for (const [nIn, nOut, act] of [[256, 128, 1], [128, 64, 1], [64, 10, 4]] as const) {
    const gflops = loadNative().addon!.cuda.denseKernelRate(rows, nIn, nOut, act);
    kernelRates.push({ shape: `${rows}x${nIn} @ ${nIn}x${nOut}`, activation: act, gflops });
    console.log(`GEMM + epilogue kernel alone, ${rows} x ${nIn} @ ${nIn} x ${nOut} (${['linear', 'relu', 'sigmoid', 'tanh', 'softmax'][act]}): ${(gflops / 1000).toFixed(2)} TFLOP/s`);
  }
  report.sections.dense = { predict: row, predictAsync: asyncRow, kernelRates };
}

/** Each routed kernel at growing sizes: cpu against the device. */
async function crossovers(): Promise<void> {
  console.log('\ncrossovers (cpu vs the device, MLWATCH_CUDA_ROUTE=device)');
  const out: Row[] = [];
  const add = async (kernel: string, size: number, unit: string, fn: () => unknown) => {
    const row = await pair(`${kernel} ${size.toExponential(0)} ${unit}`, fn, 3, 'device');
    out.push({ kernel, size, unit, ...row });
  };
  for (const n of [1e4, 1e5, 1e6, 1e7]) {
    const v = lcg(n, 5, 10) as Float64Array;
    const q = Float64Array.of(0.01, 0.5, 0.99);
    await add('quantiles', n, 'values', () => getBackend().quantiles(v, q));
  }
  for (const rows of [1e3, 1e4, 1e5, 1e6]) {
    const data = lcg(rows * 16, 6, 10, 0, true);
    await add('sortColumns', rows * 16, 'values', () => getBackend().sortColumns(data, rows, 16, 0, 16));
    await add('columnStats', rows * 16, 'values', () => getBackend().columnStats(data, rows, 16));
  }
  for (const rows of [1e5, 1e6]) {
    const data = lcg(rows * 2, 6, 10);
    await add('sortColumns (2 columns)', rows * 2, 'values', () => getBackend().sortColumns(data, rows, 2, 0, 2));
  }
  for (const n of [1e4, 1e5, 1e6, 4e6]) {
    const a = Float64Array.from(lcg(n, 7, 10)).sort();
    const b = Float64Array.from(lcg(n, 8, 10, 0.1)).sort();
    const one = Float64Array.of(0);
    await add('ecdfDistances', 2 * n, 'pooled values', () => getBackend().ecdfDistances(a, one, Float64Array.of(n), b, one, Float64Array.of(n)));
  }
  for (const rows of [1e3, 1e4, 1e5, 1e6]) {
    const cols = 8;
    const refData = lcg(rows * cols, 10, 10, 0, true);
    const current = lcg(rows * cols, 11, 10, 0.1, true);
    const detectors = new Map<string, DriftDetector>();
    for (const name of ['cpu', 'cuda'] as const) {
      useBackend(name);
      detectors.set(name, new DriftDetector({ data: refData, rows, cols }, { test: 'wasserstein' }));
    }
    await add('sortAndMeasure (detect)', rows * cols, 'values', () => detectors.get(getBackend().name)!.detect({ data: current, rows, cols }));
  }
  const model = new DenseModel([
    { inputSize: 64, outputSize: 64, weights: lcg(64 * 64, 12, 0.2, 0, true) as Float32Array, bias: new Float32Array(64), activation: 'relu' },
    { inputSize: 64, outputSize: 10, weights: lcg(640, 13, 0.2, 0, true) as Float32Array, bias: new Float32Array(10), activation: 'softmax' },
  ]);
  for (const rows of [1e2, 1e3, 1e4, 1e5, 1e6]) {
    const x = lcg(rows * 64, 14, 2, 0, true) as Float32Array;
    await add('denseStackForward', rows * (64 * 64 + 64 * 10), 'multiply-adds', () => model.predict({ data: x, rows, cols: 64 }));
  }
  report.sections.crossovers = out;
}

export async function benchGpu(): Promise<void> {
  const info = backendInfo();
  if (!info.backends.cuda.available) {
    console.log(`\ngpu: skipped, the cuda backend is not available here: ${info.backends.cuda.reason}`);
    return;
  }
  report.card = info.cuda.devices.join(', ');
  report.cpuThreads = info.backends.cpu.threads;
  console.log(`\ngpu: ${report.card}; cpu backend: ${info.backends.cpu.threads} threads (${info.backends.cpu.simd}), ${cpus().length} cores`);
  const initial = getBackend().name;
  try {
    await transfers();
    await twoSample();
    await detect();
    await dense();
    await crossovers();
  } finally {
    useBackend(initial);
    const dir = process.env.OUT ?? dataDir;
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/gpu-bench.json`, JSON.stringify(report, null, 1));
    console.log(`\nwrote ${dir}/gpu-bench.json`);
  }
}
