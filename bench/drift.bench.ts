/**
 * The drift suite: KS and Wasserstein on 1 000 000 vs 1 000 000 float64 values against SciPy
 * (scipy.stats.ks_2samp, scipy.stats.wasserstein_distance, through python3) on every backend,
 * and a whole-matrix detect() on 1 000 000 x 64 float32 (auto tests: wasserstein on every column)
 * native against the JS backend. Wasserstein is also timed the way it was computed before its
 * kernel (both samples sorted, then the merge walk: what DriftDetector still does per column), as
 * "sorted walk", for the ratio between the two in the same run. Run: npm run bench -- drift (MLWATCH_DRIFT_BACKENDS=cpu to time
 * only the chosen backends, e.g. for MLWATCH_THREADS=1 against 2).
 */
import { availableBackends, DriftDetector, getBackend, ksTest, useBackend, wassersteinDistance, type BackendName } from '../src/index.js';
import { numericSample } from '../src/drift/samples.js';
import { measure, printTable, ratioLine, timeRuns, type Timing } from './lib/measure.js';
import { driftMatrix } from './lib/data.js';
import { numpyTiming, writeData } from './lib/peers.js';

/** The available backends, only those MLWATCH_DRIFT_BACKENDS names when it is set. */
function backends(): BackendName[] {
  const chosen = process.env.MLWATCH_DRIFT_BACKENDS?.split(',');
  return availableBackends().filter((b) => !chosen || chosen.includes(b));
}

function lcgNormal(n: number, seed: number, shift: number): Float64Array {
  // Sum of four uniforms: close enough to normal for timing, no Math.random (repeatable).
  const out = new Float64Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < 4; k++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      s += x / 4294967296;
    }
    out[i] = (s - 2) * 1.7 + shift;
  }
  return out;
}

/** Wasserstein by sorting both samples and walking their merge (ecdfDistances). */
function sortedWalk(a: Float64Array, b: Float64Array): number {
  const sa = numericSample(a).sorted;
  const sb = numericSample(b).sorted;
  const one = (n: number) => Float64Array.of(n);
  return getBackend().ecdfDistances(sa, one(0), one(sa.length), sb, one(0), one(sb.length)).wasserstein[0];
}

async function twoSample(n: number): Promise<void> {
  const a = lcgNormal(n, 1, 0);
  const b = lcgNormal(n, 2, 0.01);
  const both = new Float64Array(2 * n);
  both.set(a);
  both.set(b, n);
  const path = writeData('ks.f64', both);
  for (const [title, op, fn] of [
    ['KS two-sample test', 'ks_2samp', () => ksTest(a, b)],
    ['Wasserstein distance', 'wasserstein', () => wassersteinDistance(a, b)],
  ] as const) {
    const timings: Timing[] = [];
    for (const backend of backends()) {
      useBackend(backend);
      timings.push(measure(`mlwatch ${op} (${backend})`, fn, 3));
      if (op === 'wasserstein') timings.push(measure(`sorted walk (${backend})`, () => sortedWalk(a, b), 3));
    }
    const scipy = numpyTiming(`scipy ${op}`, op, path, 'float64', [2, n]);
    if (scipy) timings.push(scipy);
    printTable(`${title}: ${n.toLocaleString('en-US')} vs ${n.toLocaleString('en-US')} float64`, timings, scipy ?? timings[timings.length - 1]);
    const native = timings.find((t) => t.name.includes('(cpu)'));
    if (native && scipy) console.log(ratioLine(`native vs SciPy (${op})`, native, scipy));
    const walk = timings.find((t) => t.name === 'sorted walk (cpu)');
    if (native && walk) console.log(ratioLine(`native kernel vs sorted walk (${op})`, native, walk));
  }
}

async function wholeMatrix(rows: number, cols: number): Promise<void> {
  const make = (seed: number, shift: number) => driftMatrix(rows, cols, seed, shift);
  const reference = make(3, 0);
  const current = make(4, 0.2);
  const timings: Timing[] = [];
  for (const backend of backends()) {
    useBackend(backend);
    const built = performance.now();
    const detector = new DriftDetector(reference);
    const buildMs = performance.now() - built;
    const t = await timeRuns(`detect (${backend})`, () => detector.detect(current), backend === 'js' ? 2 : 5, backend === 'js' ? 1 : 5);
    console.log(`reference profile (${backend}): ${buildMs.toFixed(0)} ms; detect → ${detector.detect(current).driftedColumns.length} drifted columns`);
    timings.push(t);
  }
  const js = timings.find((t) => t.name.includes('(js)'));
  printTable(`DriftDetector.detect on ${rows.toLocaleString('en-US')} x ${cols} float32 (wasserstein per column)`, timings, js ?? timings[timings.length - 1]);
  const native = timings.find((t) => t.name.includes('(cpu)'));
  if (native && js) console.log(ratioLine('native vs the mlwatch JS backend (detect)', native, js));
}

export async function benchDrift(): Promise<void> {
  await twoSample(1_000_000);
  await wholeMatrix(1_000_000, 64);
}
