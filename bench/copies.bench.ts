/**
 * What the private copies of async calls' inputs cost (src/backend/private-memory.ts), on the cpu
 * backend, 1e6 x 64 float32: each async API against the same work without the copy (the addon's
 * async kernel called directly, or the sync form, which needs none). Best of 5 after a warm-up.
 * Run: npm run bench -- copies
 */
import { availableBackends, columnStatsAsync, DenseModel, DriftDetector, useBackend } from '../src/index.js';
import { loadNative } from '../src/backend/native.js';
import { driftMatrix } from './lib/data.js';
import { printTable, timeRuns } from './lib/measure.js';

export async function benchCopies(): Promise<void> {
  if (!availableBackends().includes('cpu')) {
    console.log('\ncopies: skipped, the cpu backend is not available here');
    return;
  }
  useBackend('cpu');
  const rows = 1_000_000;
  const cols = 64;
  const current = driftMatrix(rows, cols, 2, 0.3);
  const detector = new DriftDetector(driftMatrix(rows, cols, 1));
  const addon = loadNative().addon!;
  const model = new DenseModel([
    { inputSize: cols, outputSize: 32, weights: new Float32Array(cols * 32).fill(0.01), bias: new Float32Array(32), activation: 'relu' },
    { inputSize: 32, outputSize: 10, weights: new Float32Array(320).fill(0.02), bias: new Float32Array(10), activation: 'softmax' },
  ]);
  const pairs = [
    [await timeRuns('columnStatsAsync (copy)', () => columnStatsAsync(current), 5, 0.1), await timeRuns("addon's columnStatsAsync (no copy)", () => addon.columnStatsAsync(current.data, rows, cols), 5, 0.1)],
    [await timeRuns('detectAsync (copy)', () => detector.detectAsync(current), 5, 0.1), await timeRuns('detect (no copy)', () => detector.detect(current), 5, 0.1)],
    [await timeRuns('predictAsync (copy)', () => model.predictAsync(current), 5, 0.1), await timeRuns('predict (no copy)', () => model.predict(current), 5, 0.1)],
  ];
  for (const [withCopy, without] of pairs) printTable(`private copies, ${rows.toLocaleString('en-US')} x ${cols} float32 (cpu)`, [withCopy, without], without);
}
