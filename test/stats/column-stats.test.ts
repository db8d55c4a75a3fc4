import { afterAll, describe, expect, it } from 'vitest';
import { columnStats, columnStatsAsync, getBackend, useBackend } from '../../src/index.js';
import { describeEachBackend, mismatches, sameBytes } from '../helpers/backends.js';
import { decode, statsCases } from '../helpers/fixtures.js';
import { SeededRandom } from '../../src/demo/random.js';
import { columnStatsOfState, newColumnStatsState } from '../../src/backend/column-stats-state.js';

const FIELDS = ['count', 'nanCount', 'mean', 'std', 'min', 'max'] as const;
const initial = getBackend().name;
afterAll(() => void useBackend(initial));

describeEachBackend('columnStats on the %s backend', (backend) => {
  for (const c of statsCases) {
    it(`matches NumPy: ${c.name}`, () => {
      useBackend(backend);
      const before = c.matrix.data.slice();
      const stats = columnStats(c.matrix);
      for (const field of FIELDS) {
        // 1e-12 relative; std of exact-zero spread columns compares with an absolute floor
        expect(mismatches(stats[field], decode(c.expected[field]), 1e-12, field === 'std' ? 1e-9 : 0), field).toEqual([]);
      }
      expect(sameBytes(c.matrix.data, before)).toBe(true);
    });
  }

  it('keeps unit std on a column of 1e8 + N(0, 1)', () => {
    useBackend(backend);
    const c = statsCases.find((x) => x.name === 'float64 mixed columns')!;
    const stats = columnStats(c.matrix);
    expect(stats.std[3]).toBeGreaterThan(0.9);
    expect(stats.std[3]).toBeLessThan(1.1);
  });

  it('keeps the spread of 1e12 + N(0, 0.01) in every column of a wide matrix (the vectorised strips too)', () => {
    useBackend(backend);
    const rows = 20_000;
    const cols = 19; // two 8-wide strips of doubles and a remainder
    const rng = new SeededRandom(21);
    const data = Float64Array.from({ length: rows * cols }, () => 1e12 + rng.normal() * 0.01);
    const stats = columnStats({ data, rows, cols });
    for (let c = 0; c < cols; c++) {
      // reference: differences from the first value are exact here (Sterbenz), then a two-pass std
      const d = Float64Array.from({ length: rows }, (_, r) => data[r * cols + c] - data[c]);
      const mean = d.reduce((a, b) => a + b, 0) / rows;
      const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / rows);
      expect(Math.abs(stats.std[c] - std) / std, `column ${c}: ${stats.std[c]} vs ${std}`).toBeLessThan(1e-12);
    }
  });

  it('gives NaN statistics, not an exception, for a column with no value', () => {
    useBackend(backend);
    const stats = columnStats({ data: new Float32Array([NaN, 1, NaN, 2]), rows: 2, cols: 2 });
    expect(Array.from(stats.count)).toEqual([0, 2]);
    expect(Array.from(stats.nanCount)).toEqual([2, 0]);
    for (const field of ['mean', 'std', 'min', 'max'] as const) expect(stats[field][0]).toBeNaN();
    expect(stats.mean[1]).toBe(1.5);
  });

  it('accumulateColumnStats: one call on a fresh state is columnStats; blocks agree within 1e-12 (counts and extremes exactly)', () => {
    useBackend(backend);
    const kernels = getBackend();
    for (const c of statsCases) {
      const { data, rows, cols } = c.matrix;
      const whole = columnStats(c.matrix);
      const once = newColumnStatsState(cols);
      kernels.accumulateColumnStats(data, rows, cols, once);
      const one = columnStatsOfState(once, cols);
      for (const field of FIELDS) {
        // exact on the host backends; cuda's columnStats may run on the device, another order of sums
        if (backend !== 'cuda') expect(sameBytes(one[field], whole[field]), `${c.name} ${field}`).toBe(true);
        else expect(mismatches(one[field], whole[field], 1e-12, field === 'std' ? 1e-9 : 0), `${c.name} ${field}`).toEqual([]);
      }
      const blocked = newColumnStatsState(cols);
      const blockRows = Math.max(1, Math.floor(rows / 7));
      for (let r0 = 0; r0 < rows; r0 += blockRows) {
        const r1 = Math.min(rows, r0 + blockRows);
        kernels.accumulateColumnStats(data.subarray(r0 * cols, r1 * cols), r1 - r0, cols, blocked);
      }
      const got = columnStatsOfState(blocked, cols);
      for (const field of FIELDS) {
        const exact = field === 'count' || field === 'nanCount' || field === 'min' || field === 'max';
        expect(mismatches(got[field], whole[field], exact ? 0 : 1e-12, field === 'std' ? 1e-9 : 0), `${c.name} ${field}`).toEqual([]);
      }
    }
  });

  it('accumulateColumnStats: a column whose first blocks are all NaN keeps the spread of 1e12 + N(0, 0.01)', () => {
    useBackend(backend);
    const rng = new SeededRandom(22);
    const rows = 30_000;
    const data = Float64Array.from({ length: rows }, (_, r) => (r < 5_000 ? NaN : 1e12 + rng.normal() * 0.01));
    const state = newColumnStatsState(1);
    for (let r0 = 0; r0 < rows; r0 += 1000) getBackend().accumulateColumnStats(data.subarray(r0, r0 + 1000), 1000, 1, state);
    const values = data.subarray(5_000);
    const d = values.map((x) => x - values[0]); // exact differences (Sterbenz), then a two-pass std
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
    const got = columnStatsOfState(state, 1);
    expect(got.nanCount[0]).toBe(5_000);
    expect(Math.abs(got.std[0] - std) / std, `${got.std[0]} vs ${std}`).toBeLessThan(1e-12);
  });

  it('columnStatsAsync gives the same numbers as columnStats', async () => {
    useBackend(backend);
    const c = statsCases.find((x) => x.name.startsWith('generated float32'))!;
    const sync = columnStats(c.matrix);
    const async = await columnStatsAsync(c.matrix);
    for (const field of FIELDS) expect(Array.from(async[field])).toEqual(Array.from(sync[field]));
  });
});

describe('columnStats rejects bad input before any backend sees it', () => {
  const cases: [string, unknown, RegExp][] = [
    ['a non-object', 42, /Expected a FeatureMatrix .* but received number 42/],
    ['number[] data', { data: [1, 2], rows: 1, cols: 2 }, /Expected a Float32Array or Float64Array for matrix.data but received Array/],
    ['Int32Array data', { data: new Int32Array(2), rows: 1, cols: 2 }, /for matrix.data but received Int32Array/],
    ['rows * cols != length', { data: new Float64Array(5), rows: 2, cols: 3 }, /matrix.data.length == rows \* cols \(2 \* 3 = 6\).*length 5/],
    ['an empty matrix', { data: new Float64Array(0), rows: 0, cols: 3 }, /positive integer.*matrix.rows but received 0/],
    ['fractional cols', { data: new Float64Array(3), rows: 2, cols: 1.5 }, /matrix.cols but received 1.5/],
    ['string rows', { data: new Float64Array(3), rows: '3', cols: 1 }, /Expected a positive integer for matrix.rows but received string/],
    ['names of the wrong length', { data: new Float64Array(4), rows: 2, cols: 2, names: ['a'] }, /2 names .* received 1/],
  ];
  for (const [label, input, message] of cases) {
    it(`throws a clear error for ${label}`, () => {
      expect(() => columnStats(input as never)).toThrow(message);
    });
  }
});
