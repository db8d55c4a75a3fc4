/**
 * The benchmark suite: `npm run bench` runs every family but the opt-in ones (batch-large, csv, stalls, copies, serving, registry, distributed, distributed-engine); `npm run bench -- quantiles` one.
 * Speed is reported as ratios against peers measured in the same run.
 */
import { arch, cpus, totalmem } from 'node:os';
import { backendInfo } from '../src/index.js';

// memory runs first: it reports how much the process grew, which earlier families' garbage would blur.
// Each family is imported when it runs, so a machine needs only the peers of the families it runs.
const families: Record<string, () => void | Promise<void>> = {
  memory: async () => (await import('./memory.bench.js')).benchMemory(),
  'column-stats': async () => (await import('./column-stats.bench.js')).benchColumnStats(),
  quantiles: async () => (await import('./quantiles.bench.js')).benchQuantiles(),
  monitor: async () => (await import('./monitor.bench.js')).benchMonitor(),
  dense: async () => (await import('./dense.bench.js')).benchDense(),
  drift: async () => (await import('./drift.bench.js')).benchDrift(),
  batch: async () => (await import('./batch.bench.js')).benchBatch(),
  readers: async () => (await import('./readers.bench.js')).benchReaders(),
  gpu: async () => (await import('./gpu.bench.js')).benchGpu(),
  experiment: async () => (await import('./experiment.bench.js')).benchExperiment(),
};
// opt-in: writes a file of several GB and runs for minutes
const optIn: Record<string, () => void | Promise<void>> = {
  'batch-large': async () => (await import('./batch.bench.js')).benchBatchLarge(),
  // minutes: two 50 MB CSV files read by each reader, then mlwatch drift on them in 12 or more processes
  csv: async () => (await import('./csv.bench.js')).benchCsv(),
  // minutes on the js backend: 1 GiB matrices through every async API
  stalls: async () => (await import('./stalls.bench.js')).benchStalls(),
  copies: async () => (await import('./copies.bench.js')).benchCopies(),
  // servers in child processes under autocannon for about a minute
  serving: async () => (await import('./serving.bench.js')).benchServing(),
  // minutes: fills 100 000 versions on SQLite and on a private PostgreSQL server
  registry: async () => (await import('./registry.bench.js')).benchRegistry(),
  // a minute on the js backend: two 1 000 000-row tables through both passes, share of values moved
  distributed: async () => (await import('./distributed.bench.js')).benchDistributed(),
  // seconds: a private redis-server and mlwatch worker processes over partition CSV files
  'distributed-engine': async () => (await import('./distributed-engine.bench.js')).benchDistributedEngine(),
};

const asked = process.argv.slice(2);
const all = { ...families, ...optIn };
const unknown = asked.filter((name) => !(name in all));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(all).join(', ')} (batch-large, csv, stalls, copies, serving, registry, distributed and distributed-engine only when named)`);
  process.exit(2);
}
const info = backendInfo();
console.log(`mlwatch benchmarks — ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${arch()}, Node ${process.version}`);
console.log(`backends: ${Object.values(info.backends).map((b) => `${b.name}=${b.available ? `yes${b.simd ? ` (${b.simd}, ${b.threads} threads)` : ''}` : 'no'}`).join(', ')}`);
for (const name of asked.length ? asked : Object.keys(families)) await all[name as keyof typeof all]();
