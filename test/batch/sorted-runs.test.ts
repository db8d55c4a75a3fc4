/**
 * The out-of-core pieces against in-memory references: sorted runs merged from disk equal one
 * sort of everything; the streamed ECDF walk equals the backend's kernel on whole samples; the
 * block-wise summary equals the in-memory functions; the pool spills the largest holder.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { getBackend, useBackend } from '../../src/index.js';
import { SeededRandom } from '../../src/demo/random.js';
import { MemoryPool } from '../../src/batch/memory-pool.js';
import { NumericCollector } from '../../src/batch/numeric-collector.js';
import { RunFile } from '../../src/batch/run-file.js';
import { compactRuns, mergeableRuns, MergedRuns, type SortedBlocks } from '../../src/batch/sorted-blocks.js';
import { streamedEcdfDistances } from '../../src/batch/ecdf-walk.js';
import { SummaryBuilder } from '../../src/batch/sorted-summary.js';
import { distinctCount, runLengths } from '../../src/drift/samples.js';
import { histogramOfSorted, meanAndStd, sturgesEdges } from '../../src/drift/statistics.js';
import { close, describeEachBackend } from '../helpers/backends.js';

const initial = getBackend().name;
const dir = mkdtempSync(join(tmpdir(), 'mlwatch-test-'));
afterAll(() => {
  useBackend(initial);
  rmSync(dir, { recursive: true, force: true });
});

/** Values with many ties (rounded) and a heavy tail, the cases merges get wrong. */
function sample(rng: SeededRandom, n: number, shift = 0): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? Math.round(rng.normal() * 3) : rng.normal() ** 3) + shift);
}

function drain(blocks: SortedBlocks): Float64Array {
  const parts: number[] = [];
  for (let b = blocks.next(); b; b = blocks.next()) parts.push(...b);
  return Float64Array.from(parts);
}

/** Blocks of a sorted array cut at the given sizes (a stand-in for blocks from disk). */
function cut(sorted: Float64Array, size: number): SortedBlocks {
  let at = 0;
  return {
    next: () => {
      if (at >= sorted.length) return null;
      const block = sorted.subarray(at, Math.min(sorted.length, at + size));
      at += size;
      return block;
    },
  };
}

describeEachBackend('out-of-core drift pieces on the %s backend', (backend) => {
  it('merges sorted runs from disk into one ascending sequence equal to a full sort', () => {
    useBackend(backend);
    const rng = new SeededRandom(11);
    const file = new RunFile(join(dir, `runs-${backend}.f64`));
    const all: number[] = [];
    for (const size of [5000, 1, 12_345, 0, 777, 20_000]) {
      const run = sample(rng, size).sort();
      if (size > 0) file.append(run);
      all.push(...run);
    }
    const expected = Float64Array.from(all).sort();
    for (const memory of [1, 64 * 1024, 1 << 24]) {
      // memory 1 forces the smallest windows: thousands of merge rounds
      expect(drain(new MergedRuns(file, memory, getBackend()))).toEqual(expected);
    }
    file.dispose();
  });

  it('compacts many runs in passes on disk until one merge takes them within its memory', () => {
    useBackend(backend);
    const rng = new SeededRandom(16);
    const file = new RunFile(join(dir, `many-${backend}.f64`));
    const all: number[] = [];
    for (let r = 0; r < 40; r++) {
      const run = sample(rng, 500 + r * 37).sort();
      file.append(run);
      all.push(...run);
    }
    const memory = 3 * 8 * 4 * 1024; // three runs per merge: 40 -> 14 -> 5 -> 2
    expect(mergeableRuns(memory)).toBe(3);
    const compacted = compactRuns(file, memory, getBackend());
    expect(compacted.runs.length).toBeLessThanOrEqual(3);
    expect(existsSync(file.path)).toBe(false);
    expect(compacted.size).toBe(all.length);
    expect(drain(new MergedRuns(compacted, memory, getBackend()))).toEqual(Float64Array.from(all).sort());
    compacted.dispose();
  });

  it('walks blocks to the same KS and Wasserstein distances as the kernel on whole samples', () => {
    useBackend(backend);
    const rng = new SeededRandom(12);
    const a = sample(rng, 30_000).sort();
    const b = sample(rng, 17_001, 0.2).sort();
    const k = getBackend().ecdfDistances(a, Float64Array.of(0), Float64Array.of(a.length), b, Float64Array.of(0), Float64Array.of(b.length));
    for (const [sa, sb] of [[1, 1], [97, 1000], [4096, 3], [a.length, b.length]]) {
      const seen = { a: 0, b: 0 };
      const d = streamedEcdfDistances(getBackend(), cut(a, sa), a.length, cut(b, sb), b.length, (x) => (seen.a += x.length), (x) => (seen.b += x.length));
      expect(d.ks).toBe(k.ks[0]);
      expect(close(d.wasserstein, k.wasserstein[0], 1e-12)).toBe(true);
      expect(seen).toEqual({ a: a.length, b: b.length });
    }
    const empty = streamedEcdfDistances(getBackend(), cut(new Float64Array(0), 1), 0, cut(b, 10), b.length, () => {}, () => {});
    expect(empty.ks).toBeNaN();
    expect(empty.wasserstein).toBeNaN();
  });

  it('summarises blocks as the in-memory functions do on the whole sample', () => {
    useBackend(backend);
    const rng = new SeededRandom(13);
    const sorted = sample(rng, 25_000).sort();
    const edges = sturgesEdges(sorted[0], sorted[sorted.length - 1], sorted.length);
    const whole = meanAndStd(sorted);
    const runs = runLengths(sorted);
    for (const size of [1, 333, sorted.length]) {
      const builder = new SummaryBuilder(sorted.length + 5, edges, getBackend());
      const blocks = cut(sorted, size);
      for (let x = blocks.next(); x; x = blocks.next()) builder.add(x);
      const s = builder.finish();
      expect(s.count).toBe(sorted.length);
      expect(s.total).toBe(sorted.length + 5);
      expect(s.distinct).toBe(distinctCount(sorted));
      expect(s.runs).toEqual(runs);
      expect([...s.histogram]).toEqual([...histogramOfSorted(sorted, edges)]);
      expect(close(s.mean, whole.mean, 1e-12, 1e-12 * whole.std)).toBe(true); // the mean is near 0: error relative to the spread
      expect(close(s.std, whole.std, 1e-12)).toBe(true);
      expect(close(s.std, whole.std, 1e-12)).toBe(true);
      if (size === sorted.length) expect([s.mean, s.std]).toEqual([whole.mean, whole.std]);
    }
  });

  it('keeps the spread of values far from zero when moments are merged over blocks (1e12 + N(0, 0.01))', () => {
    useBackend(backend);
    const rng = new SeededRandom(15);
    const sorted = Float64Array.from({ length: 100_000 }, () => 1e12 + rng.normal() * 0.01).sort();
    const whole = meanAndStd(sorted);
    for (const size of [1024, 65_536]) {
      const builder = new SummaryBuilder(sorted.length, new Float64Array(0), getBackend());
      const blocks = cut(sorted, size);
      for (let x = blocks.next(); x; x = blocks.next()) builder.add(x);
      const s = builder.finish();
      expect(close(s.std, whole.std, 1e-12), `blocks of ${size}: ${s.std} vs ${whole.std}`).toBe(true);
      expect(close(s.mean, whole.mean, 1e-15)).toBe(true);
    }
  });

  it('collects within the pool: the largest holder spills to disk and nothing is lost', () => {
    useBackend(backend);
    const rng = new SeededRandom(14);
    const pool = new MemoryPool(256 * 1024); // 32 768 values in all
    const a = new NumericCollector(pool, getBackend(), join(dir, `a-${backend}.f64`));
    const b = new NumericCollector(pool, getBackend(), join(dir, `b-${backend}.f64`));
    const va: number[] = [];
    const vb: number[] = [];
    for (let chunk = 0; chunk < 20; chunk++) {
      const x = sample(rng, 5000);
      x[chunk] = NaN;
      x[chunk + 1] = Infinity;
      a.append(x);
      va.push(...x.filter(Number.isFinite));
      const y = sample(rng, 700);
      b.append(y);
      vb.push(...y);
      expect(pool.usedBytes).toBeLessThanOrEqual(pool.limitBytes);
    }
    expect(pool.spills).toBeGreaterThan(0);
    const ca = a.finish();
    const cb = b.finish();
    expect([ca.total, ca.count]).toEqual([100_000, 100_000 - 40]);
    expect(ca.min).toBe(Math.min(...va));
    expect(ca.max).toBe(Math.max(...va));
    expect(drain(ca.blocks(1 << 16))).toEqual(Float64Array.from(va).sort());
    expect(drain(cb.blocks(1 << 16))).toEqual(Float64Array.from(vb).sort());
    ca.dispose();
    cb.dispose();
    expect(pool.usedBytes).toBe(0);
  });

  it('sorts several columns\' spilled runs in one call and keeps every run in its own column and order', () => {
    useBackend(backend);
    const rng = new SeededRandom(15);
    const calls: number[] = [];
    const real = getBackend();
    const counting = { ...real, sortArrays: (arrays: readonly Float64Array[], out: readonly Float64Array[]) => (calls.push(arrays.length), real.sortArrays(arrays, out)) };
    const pool = new MemoryPool(1 << 20); // 131 072 values in all, for sixteen columns
    // sixteen columns, each its own distribution (disjoint ranges, ties, a heavy tail) and its own rate of NaN
    const make = (c: number, n: number) =>
      Float64Array.from({ length: n }, (_, i) => (i % (c + 3) === 0 ? NaN : c % 2 ? Math.round(rng.normal() * 2) + 100 * c : rng.normal() ** 3 - 100 * c));
    const collectors = Array.from({ length: 16 }, (_, c) => new NumericCollector(pool, counting, join(dir, `multi-${c}-${backend}.f64`)));
    const kept: number[][] = collectors.map(() => []);
    for (let chunk = 0; chunk < 16; chunk++) {
      collectors.forEach((collector, c) => {
        const x = make(c, 1000 + 150 * c);
        collector.append(x);
        kept[c].push(...x.filter(Number.isFinite));
      });
      expect(pool.usedBytes).toBeLessThanOrEqual(pool.limitBytes);
      expect(pool.sortShareBytes).toBeLessThanOrEqual(pool.limitBytes);
    }
    const columns = collectors.map((collector) => collector.finish()); // blocks() sorts what still waits
    expect(pool.spills).toBeGreaterThan(15);
    expect(Math.max(...calls), `arrays per sortArrays call: ${calls.join(', ')}`).toBeGreaterThan(1);
    columns.forEach((column, c) => {
      expect(column.count, `column ${c}`).toBe(kept[c].length);
      expect(drain(column.blocks(1 << 16)), `column ${c}`).toEqual(Float64Array.from(kept[c]).sort());
      column.dispose();
    });
    expect(pool.usedBytes).toBe(0);
  });
});
