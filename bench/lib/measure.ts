/** Timing with benchmark.js: each candidate runs until the sample is stable; we report the median. */
import Benchmark from 'benchmark';

export interface Timing {
  name: string;
  medianMs: number;
  runs: number;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Times fn (synchronous) with benchmark.js and returns its median time per call in ms. */
export function measure(name: string, fn: () => unknown, maxTimeSeconds = 3): Timing {
  const bench = new Benchmark(name, fn, { maxTime: maxTimeSeconds, minSamples: 5 });
  bench.run();
  if (bench.error) throw bench.error;
  const sample = bench.stats.sample.map((s) => s * 1000);
  return { name, medianMs: median(sample), runs: sample.length };
}

/** Prints a table of timings with each one's ratio to the reference (time_ref / time). */
export function printTable(title: string, rows: Timing[], reference: Timing, extra: (t: Timing) => string = () => ''): void {
  console.log(`\n${title}`);
  console.log(`${'candidate'.padEnd(44)} ${'median ms'.padStart(10)}  ${`speed-up vs ${reference.name}`.padStart(10)}`);
  for (const t of rows) {
    const ratio = reference.medianMs / t.medianMs;
    console.log(`${t.name.padEnd(44)} ${t.medianMs.toFixed(2).padStart(10)}  ${(ratio.toFixed(2) + 'x').padStart(10)}  ${extra(t)}`);
  }
}
