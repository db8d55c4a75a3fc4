/**
 * sortColumns and ecdfDistances on every backend against plain references (Array sort of the
 * finite values; the ECDFs evaluated at every pooled value).
 */
import { describe, expect, it } from 'vitest';
import { backendsUnderTest, backendObjects } from '../helpers/backends.js';
import { loadNative } from '../../src/backend/native.js';
import type { Backend } from '../../src/backend/contract.js';
import { lcgValues } from '../fixtures/lcg.js';
import { ECDF_WALK, ecdfWalkDistances, newEcdfWalkState } from '../../src/backend/ecdf-walk-state.js';

const { addon } = loadNative();
const backends: Backend[] = backendObjects(backendsUnderTest);

function matrix(rows: number, cols: number, dtype: 'float32' | 'float64', ties: boolean): Float32Array | Float64Array {
  const data = lcgValues(rows * cols, { seed: rows + cols, scale: 200, offset: 0, nanEvery: 50 }, dtype);
  for (let i = 0; i < data.length; i++) {
    if (ties) data[i] = Math.floor(data[i] / 40);
    if (i % 97 === 0) data[i] = i % 2 ? Infinity : -Infinity;
    if (i % 89 === 0) data[i] = -0;
  }
  return data;
}

function reference(data: ArrayLike<number>, rows: number, cols: number, col: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) if (Number.isFinite(data[r * cols + col])) out.push(data[r * cols + col]);
  return out.sort((a, b) => a - b);
}

function ecdfReference(a: number[], b: number[]): { ks: number; w: number } {
  const pooled = [...a, ...b].sort((x, y) => x - y);
  const cdf = (s: number[], x: number) => s.filter((v) => v <= x).length / s.length;
  let ks = 0;
  let w = 0;
  pooled.forEach((x, i) => {
    const d = Math.abs(cdf(a, x) - cdf(b, x));
    ks = Math.max(ks, d);
    if (i + 1 < pooled.length) w += d * (pooled[i + 1] - x);
  });
  return { ks, w };
}

describe.each(backends.map((b) => [b.name, b] as const))('drift kernels on the %s backend', (_name, backend) => {
  it.each([
    [1, 1, 'float32', false],
    [3000, 20, 'float32', false],
    [2500, 7, 'float64', true],
    [700, 40, 'float64', false],
    [70_001, 2, 'float64', false], // the js async sort's runs and merge passes
  ] as const)('sortColumns %i x %i %s (ties %s) equals a sort of the finite values', async (rows, cols, dtype, ties) => {
    const data = matrix(rows, cols, dtype, ties);
    const first = cols > 2 ? 1 : 0;
    const count = cols - first - (cols > 3 ? 1 : 0);
    const sorted = backend.sortColumns(data, rows, cols, first, count);
    expect(sorted.values.length).toBe(rows * count);
    for (let k = 0; k < count; k++) {
      const want = reference(data, rows, cols, first + k);
      expect(sorted.counts[k]).toBe(want.length);
      // == comparison: -0 and +0 may come in either order.
      const got = Array.from(sorted.values.subarray(k * rows, k * rows + want.length));
      expect(got.every((v, i) => v === want[i])).toBe(true);
    }
    const again = await backend.sortColumnsAsync(data, rows, cols, first, count);
    expect(Array.from(again.counts)).toEqual(Array.from(sorted.counts));
    // Into a caller's buffer (larger than needed): the same values, in that buffer.
    const out = new Float64Array(rows * count + 3).fill(7);
    const into = backend.sortColumns(data, rows, cols, first, count, out);
    expect(into.values).toBe(out);
    expect(out.subarray(0, rows).every((v, i) => i >= sorted.counts[0] || v === sorted.values[i])).toBe(true);
    expect((await backend.sortColumnsAsync(data, rows, cols, first, count, out)).values).toBe(out);
  });

  it.each([1, 1000, 70_001, 300_000])('sortColumns sorts one float64 column in place (out = data), %i values', (n) => {
    // lengths below and above the split across threads and the MSD-first sort of the native kernel
    const data = matrix(n, 1, 'float64', n === 1000) as Float64Array;
    const want = reference(data, n, 1, 0);
    const sorted = backend.sortColumns(data, n, 1, 0, 1, data);
    expect(sorted.values).toBe(data);
    expect(sorted.counts[0]).toBe(want.length);
    expect(Array.from(data.subarray(0, want.length)).every((v, i) => v === want[i])).toBe(true);
  });

  it('sortArrays: separate arrays of different lengths and distributions, each sorted as sortColumns sorts it alone', () => {
    // lengths around the split threshold (2^15 values a part), below the radix minimum, empty
    const lengths = [70_001, 0, 1, 300, 5_000, 40_000];
    const arrays = lengths.map((n, k) => {
      const a = Float64Array.from(matrix(n, 1, 'float64', k % 2 === 1));
      for (let i = 0; i < n; i++) a[i] = a[i] * (k + 1) + k * 1000; // each array its own range
      return a;
    });
    const out = lengths.map((n) => new Float64Array(n + 2).fill(7));
    const counts = backend.sortArrays(arrays, out);
    expect(counts).toBeInstanceOf(Float64Array);
    arrays.forEach((a, k) => {
      const alone = a.length > 0 ? backend.sortColumns(a, a.length, 1, 0, 1) : { values: a, counts: Float64Array.of(0) };
      const n = alone.counts[0];
      expect(counts[k], `array ${k}`).toBe(n);
      expect(Array.from(out[k].subarray(0, n)), `array ${k}`).toEqual(Array.from(alone.values.subarray(0, n)));
      expect(Array.from(out[k].subarray(out[k].length - 2)), `array ${k} past its end`).toEqual([7, 7]);
    });
    expect(backend.sortArrays([], [])).toEqual(new Float64Array(0));
  });

  it('sortArrays: rejects a short or overlapping output and mismatched lists, naming the argument', () => {
    const a = new Float64Array(8);
    const shared = new Float64Array(16);
    expect(() => backend.sortArrays([a], [new Float64Array(7)])).toThrow(/out\[0\]\.length >= arrays\[0\]\.length \(8\)/);
    expect(() => backend.sortArrays([a], [])).toThrow(/out\.length == arrays\.length \(1\)/);
    expect(() => backend.sortArrays([a], [a])).toThrow(/share no memory with arrays\[0\]/);
    expect(() => backend.sortArrays([a, a], [shared.subarray(0, 8), shared.subarray(4, 12)])).toThrow(/share no memory with out\[1\]/);
    expect(() => backend.sortArrays([new Float32Array(2) as never], [a])).toThrow(/Float64Array for arrays\[0\]/);
    expect(() => backend.sortArrays(a as never, [a])).toThrow(/Array of Float64Array for arrays/);
    // a detached input and output are empty: nothing read or written
    const gone = new Float64Array(4);
    structuredClone(gone.buffer, { transfer: [gone.buffer] });
    expect(Array.from(backend.sortArrays([gone], [new Float64Array(0)]))).toEqual([0]);
    expect(Array.from(backend.sortArrays([new Float64Array(0)], [gone]))).toEqual([0]);
  });

  it('ecdfDistances: KS and Wasserstein of windows of two arrays, several pairs at once', async () => {
    const a = Float64Array.from(reference(matrix(900, 1, 'float64', true), 900, 1, 0));
    const b = Float64Array.from(reference(matrix(700, 1, 'float64', false), 700, 1, 0));
    const windows = [
      [0, a.length, 0, b.length],
      [10, 200, 5, 300],
      [0, 1, 0, 1],
      [3, 0, 0, 5],
    ];
    const d = backend.ecdfDistances(
      a,
      Float64Array.from(windows, (w) => w[0]),
      Float64Array.from(windows, (w) => w[1]),
      b,
      Float64Array.from(windows, (w) => w[2]),
      Float64Array.from(windows, (w) => w[3]),
    );
    windows.slice(0, 3).forEach(([as, an, bs, bn], k) => {
      const want = ecdfReference(Array.from(a.subarray(as, as + an)), Array.from(b.subarray(bs, bs + bn)));
      expect(d.ks[k]).toBe(want.ks);
      expect(Math.abs(d.wasserstein[k] - want.w)).toBeLessThanOrEqual(1e-12 * Math.max(1, want.w));
    });
    expect(d.ks[3]).toBeNaN();
    const again = await backend.ecdfDistancesAsync(a, Float64Array.of(0), Float64Array.of(a.length), b, Float64Array.of(0), Float64Array.of(b.length));
    expect(again.ks[0]).toBe(d.ks[0]);
    expect(again.wasserstein[0]).toBe(d.wasserstein[0]);
  });
});

/** Feeds ecdfWalk blocks of the given sizes, as the batch layer does; returns the finished state. */
function walkInBlocks(backend: Backend, a: Float64Array, b: Float64Array, sizeA: number, sizeB: number): Float64Array {
  const state = newEcdfWalkState(a.length, b.length);
  let a0 = 0;
  let b0 = 0;
  for (let calls = 0; calls < 100_000; calls++) {
    const a1 = Math.min(a.length, a0 + sizeA);
    const b1 = Math.min(b.length, b0 + sizeB);
    const i = state[ECDF_WALK.i];
    const j = state[ECDF_WALK.j];
    backend.ecdfWalk(a.subarray(i, a1), a1 === a.length, b.subarray(j, b1), b1 === b.length, state);
    if (state[ECDF_WALK.i] === a.length && state[ECDF_WALK.j] === b.length) return state;
    if (state[ECDF_WALK.i] === a1) a0 = a1;
    if (state[ECDF_WALK.j] === b1) b0 = b1;
  }
  throw new Error('the walk stopped making progress');
}

describe.each(backends.map((b) => [b.name, b] as const))('ecdfWalk on the %s backend', (_name, backend) => {
  // Ties everywhere (values on a grid of 40), so runs of equal values are cut by block ends.
  const a = Float64Array.from(reference(matrix(3000, 1, 'float64', true), 3000, 1, 0));
  const b = Float64Array.from(reference(matrix(2200, 1, 'float32', true), 2200, 1, 0)).map((x) => x + 0.5);
  const whole = ecdfReference(Array.from(a), Array.from(b));

  it.each([
    [1, 1],
    [1, 997],
    [7, 3],
    [64, 5000],
    [3000, 1],
    [3000, 2200],
  ])('over blocks of %i and %i values gives the one-call distances bit for bit', (sizeA, sizeB) => {
    const one = backend.ecdfDistances(a, Float64Array.of(0), Float64Array.of(a.length), b, Float64Array.of(0), Float64Array.of(b.length));
    const d = ecdfWalkDistances(walkInBlocks(backend, a, b, sizeA, sizeB));
    expect(d.ks).toBe(whole.ks);
    expect(Math.abs(d.wasserstein - whole.w)).toBeLessThanOrEqual(1e-12 * Math.max(1, whole.w));
    if (backend.name !== 'cuda') expect([d.ks, d.wasserstein]).toEqual([one.ks[0], one.wasserstein[0]]); // cuda's one-call form is another algorithm
  });

  it('stops at the end of a non-final block and consumes nothing more', () => {
    const state = newEcdfWalkState(a.length, b.length);
    backend.ecdfWalk(a.subarray(0, 10), false, new Float64Array(0), false, state);
    expect([state[ECDF_WALK.i], state[ECDF_WALK.j]]).toEqual([0, 0]);
    backend.ecdfWalk(a.subarray(0, 10), false, b, true, state);
    expect(state[ECDF_WALK.i]).toBe(10);
    // every value of b below a's last value in the block came first (a's values win ties)
    expect(state[ECDF_WALK.j]).toBe(b.filter((x) => x < a[9]).length);
  });

  it('gives NaN distances when a sample is empty', () => {
    const state = newEcdfWalkState(0, b.length);
    backend.ecdfWalk(new Float64Array(0), true, b, true, state);
    expect(state[ECDF_WALK.j]).toBe(b.length);
    const d = ecdfWalkDistances(state);
    expect(d.ks).toBeNaN();
    expect(d.wasserstein).toBeNaN();
  });
});

describe.each(backends.map((b) => [b.name, b] as const))('sortAndMeasure on the %s backend', (_name, backend) => {
  it.each([
    [2500, 6, 'float32', false],
    [4000, 3, 'float64', true],
  ] as const)('%i x %i %s (ties %s): the sorted columns and the distances to a held reference, with and without values', async (rows, cols, dtype, ties) => {
    const refData = matrix(rows + 111, cols, dtype, ties);
    const current = matrix(rows, cols, dtype, !ties);
    const refSorted = Array.from({ length: cols }, (_, c) => reference(refData, rows + 111, cols, c));
    const packed = Float64Array.from(refSorted.flat());
    const starts = refSorted.map((_, c) => refSorted.slice(0, c).reduce((n, r) => n + r.length, 0));
    const held = backend.holdSamples(packed);
    const column = Float64Array.of(0, 2, cols - 1);
    const aStart = Float64Array.from(column, (c) => starts[c]);
    const aCount = Float64Array.from(column, (c) => refSorted[c].length);
    const out = new Float64Array(rows * cols);
    for (const measured of [
      backend.sortAndMeasure(current, rows, cols, 0, cols, held, aStart, aCount, column, out),
      await backend.sortAndMeasureAsync(current, rows, cols, 0, cols, held, aStart, aCount, column, out),
      backend.sortAndMeasure(current, rows, cols, 0, cols, held, aStart, aCount, column),
    ]) {
      for (let c = 0; c < cols; c++) expect(measured.counts[c]).toBe(reference(current, rows, cols, c).length);
      if (measured.values) {
        expect(measured.values).toBe(out);
        const want = reference(current, rows, cols, 1);
        expect(Array.from(out.subarray(rows, rows + want.length)).every((v, i) => v === want[i])).toBe(true);
      }
      Array.from(column).forEach((c, j) => {
        const want = ecdfReference(refSorted[c], reference(current, rows, cols, c));
        expect(measured.ks[j]).toBe(want.ks);
        expect(Math.abs(measured.wasserstein[j] - want.w)).toBeLessThanOrEqual(1e-12 * Math.max(1, want.w));
      });
    }
  });
});

describe.skipIf(!addon)('native drift kernels: argument checks', () => {
  const a = addon!;
  const v = new Float64Array(10);
  const one = Float64Array.of(0);
  it.each([
    ['firstCol past the end', () => a.sortColumns(new Float64Array(6), 3, 2, 2, 1), /firstCol \+ colCount <= cols/],
    ['colCount past the end', () => a.sortColumns(new Float64Array(6), 3, 2, 1, 2), /firstCol \+ colCount <= cols/],
    ['negative firstCol', () => a.sortColumns(new Float64Array(6), 3, 2, -1, 1), /non-negative integer for firstCol/],
    ['zero colCount', () => a.sortColumns(new Float64Array(6), 3, 2, 0, 0), /positive integer for colCount/],
    ['rows * cols != length', () => a.sortColumns(new Float32Array(5), 3, 2, 0, 1), /data.length == rows \* cols/],
    ['a too small out', () => a.sortColumns(new Float64Array(6), 3, 2, 0, 2, new Float64Array(5)), /out.length >= rows \* colCount \(6\)/],
    ['a Float32Array out', () => a.sortColumns(new Float64Array(6), 3, 2, 0, 1, new Float32Array(3) as never), /Float64Array for out/],
    ['an Int32Array', () => a.sortColumns(new Int32Array(6) as never, 3, 2, 0, 1), /Float32Array or Float64Array for data/],
    ['a window past the end', () => a.ecdfDistances(v, Float64Array.of(5), Float64Array.of(6), v, one, one), /window inside a \(length 10\)/],
    ['a fractional start', () => a.ecdfDistances(v, Float64Array.of(0.5), one, v, one, one), /window inside a/],
    ['a NaN count', () => a.ecdfDistances(v, one, one, v, one, Float64Array.of(NaN)), /window inside b/],
    ['mismatched lengths', () => a.ecdfDistances(v, one, Float64Array.of(1, 1), v, one, one), /of one length/],
    ['a Float32Array sample', () => a.ecdfDistances(new Float32Array(3) as never, one, one, v, one, one), /Float64Array for a/],
  ])('rejects %s', (_, call, message) => {
    expect(call).toThrow(message);
  });
  it.each([
    ['a short state', () => a.ecdfWalk(v, true, v, true, new Float64Array(8)), /state.length == 9/],
    ['a missing final flag', () => a.ecdfWalk(v, 1 as never, v, true, new Float64Array(9)), /boolean for aFinal/],
    ['a Float32Array block', () => a.ecdfWalk(v, true, new Float32Array(2) as never, true, new Float64Array(9)), /Float64Array for b/],
    ['a state of the wrong size', () => a.accumulateColumnStats(v, 5, 2, new Float64Array(13)), /state.length == 7 \* cols/],
    ['a block of the wrong shape', () => a.accumulateColumnStats(v, 3, 3, new Float64Array(21)), /data.length == rows \* cols/],
  ])('carried forms: rejects %s', (_, call, message) => {
    expect(call).toThrow(message);
  });
  it('rejects bad async arguments before queueing work', () => {
    expect(() => a.sortColumnsAsync(new Float64Array(6), 3, 2, 1, 5)).toThrow(/firstCol/);
    expect(() => a.ecdfDistancesAsync(v, Float64Array.of(9), Float64Array.of(2), v, one, one)).toThrow(/window/);
  });
});
