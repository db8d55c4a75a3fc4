/**
 * The reference's memory question: 500 models, one record a minute, one week of history each.
 * Builds that registry (capacity 10 080 records per model), fills it, and reports the bytes the
 * monitors hold and what the process actually grew by. For comparison, bench/reference_memory.py
 * measures the reference's own structure (Python lists of floats and datetimes) with tracemalloc.
 * Run: npm run bench -- memory
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MonitorRegistry } from '../src/index.js';

export function benchMemory(models = 500, recordsPerModel = 7 * 24 * 60): void {
  global.gc?.();
  const before = process.memoryUsage();
  const registry = new MonitorRegistry({ defaults: { capacity: recordsPerModel } });
  let t = Date.UTC(2026, 0, 1);
  for (let m = 0; m < models; m++) {
    const monitor = registry.get(`model_${m}`, { now: () => t });
    for (let i = 0; i < recordsPerModel; i++) monitor.recordPerformance(0.9 + (i % 7) / 100, 40 + ((i * 7919) % 200));
    t += 60_000;
  }
  global.gc?.();
  const after = process.memoryUsage();
  const usage = registry.memoryUsage();
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  console.log(`\nmemory: ${models} models x ${recordsPerModel} records (one a minute for a week)`);
  console.log(`  monitors' buffers and sketches: ${mb(usage.bytes)} (${(usage.bytes / models / 1024).toFixed(1)} KiB per model, ${(usage.bytes / (models * recordsPerModel)).toFixed(1)} bytes per record)`);
  console.log(`  process growth: array buffers ${mb(after.arrayBuffers - before.arrayBuffers)}, JS heap ${mb(after.heapUsed - before.heapUsed)}, RSS ${mb(after.rss - before.rss)}`);
  try {
    const script = fileURLToPath(new URL('./reference_memory.py', import.meta.url));
    const ref = JSON.parse(execFileSync('python3', [script, String(models), String(recordsPerModel)], { encoding: 'utf8' }));
    console.log(`  the reference's lists (Python, tracemalloc): ${mb(ref.bytes)} (${(ref.bytes / (models * recordsPerModel)).toFixed(1)} bytes per record)`);
    console.log(`  ratio: ${(ref.bytes / usage.bytes).toFixed(1)}x less memory than the reference`);
  } catch {
    console.log('  (python3 not available: reference structure not measured)');
  }
}
