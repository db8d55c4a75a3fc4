/**
 * columnStats on a 200 000 x 256 float32 matrix: every available backend, a plain JS Welford
 * loop and NumPy (mean + std + min + max) on the same data, and the machine's memory read
 * bandwidth as the ceiling. Run: npm run bench -- column-stats
 */
import { availableBackends, columnStats, useBackend } from '../src/index.js';
import { welfordColumnStats } from './lib/js-welford.js';
import { measure, printTable, ratioLine, type Timing } from './lib/measure.js';
import { memoryReadBandwidth, numpyTiming, writeData } from './lib/peers.js';

export function benchColumnStats(rows = 200_000, cols = 256): void {
  const data = new Float32Array(rows * cols);
  let x = 12345;
  for (let i = 0; i < data.length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    data[i] = 100 + (x / 4294967296) * 10;
  }
  const matrix = { data, rows, cols };
  const bytes = data.byteLength;
  const timings: Timing[] = [];
  for (const backend of availableBackends()) {
    useBackend(backend);
    timings.push(measure(`mlwatch columnStats (${backend})`, () => columnStats(matrix)));
  }
  timings.push(measure('plain JS one-pass Welford loop', () => welfordColumnStats(data, rows, cols)));
  const numpy = numpyTiming('NumPy mean+std+min+max', 'column_stats', writeData('matrix.f32', data), 'float32', [rows, cols]);
  if (numpy) timings.push(numpy);
  const bandwidth = memoryReadBandwidth();

  const gbs = (t: Timing) => `${(bytes / t.bestMs / 1e6).toFixed(2)} GB/s`;
  const reference = timings.find((t) => t.name.startsWith('NumPy')) ?? timings[timings.length - 1];
  printTable(`columnStats, ${rows} x ${cols} float32 (${(bytes / 1e6).toFixed(1)} MB)`, timings, reference, gbs);
  const native = timings.find((t) => t.name.includes('(cpu)'));
  const js = timings.find((t) => t.name.includes('(js)'));
  const welford = timings.find((t) => t.name.startsWith('plain JS'));
  if (native) {
    if (js) console.log(ratioLine('native vs the mlwatch JS backend', native, js));
    if (welford) console.log(ratioLine('native vs a plain JS Welford loop', native, welford));
    if (numpy) console.log(ratioLine('native vs NumPy', native, numpy));
  }
  if (bandwidth) {
    console.log(
      `memory read bandwidth (sum over 1 GiB, best of 5): ${bandwidth.oneThreadGBs.toFixed(2)} GB/s on 1 thread, ${bandwidth.allThreadsGBs.toFixed(2)} GB/s on ${bandwidth.threads}`,
    );
    if (native) {
      const share = (ms: number) => ((bytes / ms / 1e6 / bandwidth.allThreadsGBs) * 100).toFixed(0);
      console.log(`native columnStats reads at ${share(native.bestMs)} % (best run) / ${share(native.medianMs)} % (median run) of that bandwidth`);
    }
  }
}
