/**
 * The two-pass distributed drift run on a realistic case: 1 000 000 current rows in 8 partitions
 * against a 1 000 000-row reference, mild drift (mean +0.05 sd, scale x1.03, a lognormal with a
 * slightly heavier tail, one undrifted column). Reports the share of finite values pass 2 moves
 * (per column and overall, for the automatic tests, for ks on every column, and for both exact
 * distances), the partial sizes, and the run's time against DriftDetector.detect on the whole
 * table in the same process. Opt-in (a minute on the js backend): npm run bench -- distributed
 */
import { candidates, DriftDetector, finishDistances, finishReport, getBackend, mergeProfiles, pass2Partition, profilePartition, type ColumnTable, type DistributedOptions } from '../src/index.js';

function normals(n: number, seed: number, mean: number, std: number): Float64Array {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return Float64Array.from({ length: n }, () => mean + std * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

function table(n: number, seed: number, drift: boolean): ColumnTable {
  return {
    shifted: normals(n, seed, drift ? 0.05 : 0, 1),
    scaled: normals(n, seed + 1, 0, drift ? 1.03 : 1),
    lognormal: normals(n, seed + 2, 0, drift ? 0.52 : 0.5).map(Math.exp),
    steady: normals(n, seed + 3, 10, 2),
  };
}

function slice(t: ColumnTable, from: number, to: number): ColumnTable {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, (v as Float64Array).subarray(from, to)]));
}

export async function benchDistributed(): Promise<void> {
  const rows = 1_000_000;
  const partitions = 8;
  // MLWATCH_BENCH_BUCKETS: the equi-depth steps (default 1024); finer buckets ship less where drift is faint
  const buckets = Number(process.env.MLWATCH_BENCH_BUCKETS ?? 1024);
  console.log(`\n## Distributed drift: ${rows} rows in ${partitions} partitions vs a ${rows}-row reference, mild drift, ${buckets} bucket steps (backend ${getBackend().name})`);
  const reference = table(rows, 11, false);
  const current = table(rows, 23, true);
  const detector = new DriftDetector(reference);
  const parts = Array.from({ length: partitions }, (_, p) => slice(current, Math.floor((p * rows) / partitions), Math.floor(((p + 1) * rows) / partitions)));
  let t = performance.now();
  const whole = detector.detect(current);
  const detectMs = performance.now() - t;
  for (const [title, options] of [
    ['automatic tests (wasserstein)', {}],
    ['ks on every column', { test: 'ks' }],
    ['both exact distances', { distances: 'all' }],
  ] as [string, DistributedOptions][]) {
    t = performance.now();
    const pass1 = parts.map((p, i) => profilePartition(p, detector.profile, { partition: i, buckets }));
    const pass1Ms = performance.now() - t;
    const merged = mergeProfiles(pass1);
    const request = candidates(merged, detector.profile, options);
    t = performance.now();
    const pass2 = parts.map((p) => pass2Partition(p, request));
    const pass2Ms = performance.now() - t;
    t = performance.now();
    const report = finishReport(merged, pass2, detector.profile, options);
    const finishMs = performance.now() - t;
    const share = (n: number, of: number) => `${((100 * n) / of).toFixed(2)} %`;
    console.log(`\n${title}: pass 2 moves ${request.shippedValues} of ${request.finiteValues} finite values (${share(request.shippedValues, request.finiteValues)})`);
    for (const c of request.columns) {
      const moved = c.buckets.reduce((s, b) => s + (merged.columns.find((m) => m.name === c.name) as { bucketCounts: Float64Array }).bucketCounts[b], 0);
      console.log(`  ${c.name}: ${c.buckets.length} of ${merged.buckets + 2} buckets, ${share(moved, rows)} of its values`);
    }
    const bytes1 = pass1.reduce((s, b) => s + b.length, 0);
    const bytes2 = pass2.reduce((s, b) => s + b.length, 0);
    console.log(`  bytes: pass 1 ${(bytes1 / 1024).toFixed(0)} KiB in all, pass 2 ${(bytes2 / 1024).toFixed(0)} KiB in all (all values: ${((rows * 4 * 8) / 1024).toFixed(0)} KiB)`);
    console.log(`  time (one process, partitions in turn): pass 1 ${pass1Ms.toFixed(0)} ms, pass 2 ${pass2Ms.toFixed(0)} ms, finish ${finishMs.toFixed(0)} ms; DriftDetector.detect on the whole table ${detectMs.toFixed(0)} ms`);
    const same = Object.entries(whole.columns).every(([name, e]) => report.columns[name].test !== e.test || report.columns[name].driftDetected === e.driftDetected);
    console.log(`  drift decisions identical to DriftDetector where the test is the same: ${same}`);
    if (options.distances === 'all') {
      const d = finishDistances(merged, pass2, detector.profile, options);
      for (const [name, v] of Object.entries(d)) console.log(`  ${name}: D = ${v.ks}, W = ${v.wasserstein}`);
    }
  }
}
