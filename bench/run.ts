/**
 * The benchmark suite: `npm run bench` runs every family but batch-large; `npm run bench -- quantiles` one.
 * Speed is reported as ratios against peers measured in the same run.
 */
import { arch, cpus, totalmem } from 'node:os';
import { backendInfo } from '../src/index.js';
import { benchBatch, benchBatchLarge } from './batch.bench.js';
import { benchColumnStats } from './column-stats.bench.js';
import { benchDense } from './dense.bench.js';
import { benchDrift } from './drift.bench.js';
import { benchMemory } from './memory.bench.js';
import { benchMonitor } from './monitor.bench.js';
import { benchQuantiles } from './quantiles.bench.js';
import { benchReaders } from './readers.bench.js';

// memory runs first: it reports how much the process grew, which earlier families' garbage would blur.
const families: Record<string, () => void | Promise<void>> = {
  memory: () => benchMemory(),
  'column-stats': () => benchColumnStats(),
  quantiles: () => benchQuantiles(),
  monitor: () => benchMonitor(),
  dense: () => benchDense(),
  drift: () => benchDrift(),
  batch: () => benchBatch(),
  readers: () => benchReaders(),
};
// opt-in: writes a file of several GB and runs for minutes
const optIn: Record<string, () => void | Promise<void>> = { 'batch-large': () => benchBatchLarge() };

const asked = process.argv.slice(2);
const all = { ...families, ...optIn };
const unknown = asked.filter((name) => !(name in all));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(all).join(', ')} (batch-large only when named)`);
  process.exit(2);
}
const info = backendInfo();
console.log(`mlwatch benchmarks — ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${arch()}, Node ${process.version}`);
console.log(`backends: ${Object.values(info.backends).map((b) => `${b.name}=${b.available ? `yes${b.simd ? ` (${b.simd}, ${b.threads} threads)` : ''}` : 'no'}`).join(', ')}`);
for (const name of asked.length ? asked : Object.keys(families)) await all[name as keyof typeof all]();
