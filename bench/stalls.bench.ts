/**
 * How long each async API keeps the event loop from running, on a large float32 matrix (default
 * 1 GiB: MLWATCH_STALL_BYTES), on every backend: the longest event-loop delay seen by
 * perf_hooks.monitorEventLoopDelay while the call runs, with the call's own time beside it. Also:
 * how long a small synchronous native call waits when it is made while detectAsync runs; and the
 * flights file job (driftOfFiles, January against February-June) on the caller's thread and on
 * its worker thread (files opened before, so the Parquet decoder's one-time start is not counted).
 * Run: npm run bench -- stalls (MLWATCH_STALL_BACKENDS=js,cpu to choose the backends)
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { driftMatrix } from './lib/data.js';
import { fileURLToPath } from 'node:url';
import { availableBackends, columnStats, columnStatsAsync, DenseModel, DriftDetector, driftOfFiles, openTable, useBackend, type BackendName } from '../src/index.js';

const FLIGHTS = fileURLToPath(new URL('../node_modules/vega-datasets/data/flights-3m.parquet', import.meta.url));

const COLS = 64;

const matrix = (rows: number, seed: number, shift: number) => driftMatrix(rows, COLS, seed, shift);

/** Runs fn and reports its time and the longest event-loop delay meanwhile (ms). */
async function stall<T>(fn: () => Promise<T>): Promise<{ ms: number; maxStallMs: number; result: T }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  h.disable();
  return { ms, maxStallMs: h.max / 1e6, result };
}

export async function benchStalls(): Promise<void> {
  const bytes = Number(process.env.MLWATCH_STALL_BYTES ?? 2 ** 30);
  const rows = Math.floor(bytes / 4 / COLS);
  console.log(`\nevent-loop stalls of the async APIs, ${rows.toLocaleString('en-US')} x ${COLS} float32 (${(bytes / 2 ** 30).toFixed(2)} GiB)`);
  const reference = matrix(rows, 1, 0);
  const current = matrix(rows, 2, 0.3);
  const layers = [
    { inputSize: COLS, outputSize: 32, weights: new Float32Array(COLS * 32).fill(0.01), bias: new Float32Array(32), activation: 'relu' as const },
    { inputSize: 32, outputSize: 10, weights: new Float32Array(320).fill(0.02), bias: new Float32Array(10), activation: 'softmax' as const },
  ];
  const labels = new Int32Array(rows);
  const small = { data: new Float64Array(4000).fill(1), rows: 1000, cols: 4 };
  const lines: string[] = [];
  const chosen = process.env.MLWATCH_STALL_BACKENDS?.split(',');
  for (const backend of (availableBackends() as BackendName[]).filter((b) => !chosen || chosen.includes(b))) {
    useBackend(backend);
    const row = (api: string, r: { ms: number; maxStallMs: number }) => {
      lines.push(`${backend.padEnd(5)} ${api.padEnd(28)} ${r.ms.toFixed(0).padStart(8)} ms   longest stall ${r.maxStallMs.toFixed(1).padStart(7)} ms`);
      console.log(lines[lines.length - 1]);
    };
    const created = await stall(() => DriftDetector.create(reference));
    row('DriftDetector.create', created);
    const detector = created.result;
    row('detectAsync', await stall(() => detector.detectAsync(current)));
    row('columnStatsAsync', await stall(() => columnStatsAsync(current)));
    const model = new DenseModel(layers);
    row('predictAsync', await stall(() => model.predictAsync(current)));
    row('evaluateAsync', await stall(() => model.evaluateAsync(current, labels)));
    // A small sync call made while detectAsync runs: how long does it wait?
    const pending = detector.detectAsync(current);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const t0 = performance.now();
    columnStats(small);
    const waited = performance.now() - t0;
    await pending;
    lines.push(`${backend.padEnd(5)} ${'sync columnStats beside it'.padEnd(28)} ${waited.toFixed(2).padStart(8)} ms`);
    console.log(lines[lines.length - 1]);
    const flights = await openTable(FLIGHTS);
    const job = { referenceFilters: ['date<2001-02-01'], currentFilters: ['date>=2001-02-01'], include: ['delay', 'distance', 'origin', 'destination'] };
    await driftOfFiles(flights, flights, job); // starts the kept worker: its start is not a stall of the caller
    for (const thread of ['caller', 'worker'] as const) row(`driftOfFiles flights (${thread})`, await stall(() => driftOfFiles(flights, flights, { ...job, thread })));
  }
}
