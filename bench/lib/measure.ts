/** Timing with benchmark.js: each candidate runs until the sample is stable; we report the median. */
import Benchmark from 'benchmark';

export interface Timing {
  name: string;
  /** Fastest run: the figure compared across candidates (the machine is shared and noisy). */
  bestMs: number;
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
  return { name, bestMs: Math.min(...sample), medianMs: median(sample), runs: sample.length };
}

/** Prints a table of timings with each one's speed-up against the reference (best time_ref / best time). */
export function printTable(title: string, rows: Timing[], reference: Timing, extra: (t: Timing) => string = () => ''): void {
  console.log(`\n${title}`);
  console.log(`${'candidate'.padEnd(40)} ${'best ms'.padStart(9)} ${'median ms'.padStart(10)} ${'runs'.padStart(5)}  vs ${reference.name}`);
  for (const t of rows) {
    const ratio = reference.bestMs / t.bestMs;
    console.log(
      `${t.name.padEnd(40)} ${t.bestMs.toFixed(2).padStart(9)} ${t.medianMs.toFixed(2).padStart(10)} ${String(t.runs).padStart(5)}  ${(ratio.toFixed(2) + 'x').padStart(7)}  ${extra(t)}`,
    );
  }
}

/** "a / b" speed ratio line of two timings, on best and on median times. */
export function ratioLine(label: string, fast: Timing, slow: Timing): string {
  return `${label}: ${(slow.bestMs / fast.bestMs).toFixed(2)}x (best), ${(slow.medianMs / fast.medianMs).toFixed(2)}x (median)`;
}

/**
 * Times fn (sync or async) by repeated calls after one warm-up: at least minRuns, then until
 * maxSeconds have passed. For candidates benchmark.js cannot drive (promises) or that are too slow
 * for its sampling.
 */
export async function timeRuns(name: string, fn: () => unknown, minRuns = 5, maxSeconds = 5): Promise<Timing> {
  await fn();
  const times: number[] = [];
  const deadline = performance.now() + maxSeconds * 1000;
  while (times.length < minRuns || (performance.now() < deadline && times.length < 100)) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return { name, bestMs: Math.min(...times), medianMs: median(times), runs: times.length };
}
