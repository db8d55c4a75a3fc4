/**
 * Property-based parity (fast-check): on random small inputs full of the values that break
 * kernels (NaN, ±Infinity, ±0, huge and tiny magnitudes, ties), every backend gives the js
 * backend's answer: columnStats within 1e-12 (counts and extremes exact), sortColumns and
 * quantiles bit for bit, ecdfDistances' KS exactly and Wasserstein within 1e-12, a dense layer's
 * NaN pattern exactly and its values within 1e-5 of the output scale.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { getBackend, useBackend, type Backend } from '../../src/index.js';
import { backendObjects, backendsUnderTest, close } from '../helpers/backends.js';

const initial = getBackend().name;
afterAll(() => void useBackend(initial));

const [js, ...others] = backendObjects(['js', ...backendsUnderTest.filter((b) => b !== 'js')]);
const RUNS = Number(process.env.MLWATCH_PROPERTY_RUNS ?? 60);

const special = fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1e300, -1e300, 1e-300, 3.5, 3.5, -2);
const value = fc.oneof({ weight: 3, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) }, { weight: 1, arbitrary: special });
const matrix = fc
  .record({ rows: fc.integer({ min: 1, max: 40 }), cols: fc.integer({ min: 1, max: 5 }), f32: fc.boolean() })
  .chain(({ rows, cols, f32 }) =>
    fc.array(value, { minLength: rows * cols, maxLength: rows * cols }).map((values) => ({
      rows,
      cols,
      data: f32 ? Float32Array.from(values) : Float64Array.from(values),
    })),
  );

function sameBits(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

describe.each(others.map((b) => [b.name, b] as const))('%s against js on random inputs', (_name, backend: Backend) => {
  it('columnStats', () => {
    fc.assert(
      fc.property(matrix, ({ data, rows, cols }) => {
        const a = js.columnStats(data, rows, cols);
        const b = backend.columnStats(data, rows, cols);
        for (let c = 0; c < cols; c++) {
          for (const f of ['count', 'nanCount', 'min', 'max'] as const) expect(sameBits(b[f][c], a[f][c]) || b[f][c] === a[f][c], `${f}[${c}]`).toBe(true);
          expect(close(b.mean[c], a.mean[c], 1e-12, 1e-300), `mean[${c}] ${b.mean[c]} vs ${a.mean[c]}`).toBe(true);
          expect(close(b.std[c], a.std[c], 1e-9, 1e-9 * Math.abs(a.mean[c])), `std[${c}] ${b.std[c]} vs ${a.std[c]}`).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('sortColumns', () => {
    fc.assert(
      fc.property(matrix, ({ data, rows, cols }) => {
        const a = js.sortColumns(data, rows, cols, 0, cols);
        const b = backend.sortColumns(data, rows, cols, 0, cols);
        expect(Array.from(b.counts)).toEqual(Array.from(a.counts));
        for (let c = 0; c < cols; c++) {
          // == : -0 and +0 may come in either order on the js backend
          for (let i = 0; i < a.counts[c]; i++) expect(b.values[c * rows + i] === a.values[c * rows + i]).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('quantiles', () => {
    fc.assert(
      fc.property(matrix, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 }), ({ data }, q) => {
        const qs = Float64Array.from(q);
        const a = js.quantiles(data, qs);
        const b = backend.quantiles(data, qs);
        for (let i = 0; i < qs.length; i++) expect(sameBits(b[i], a[i]) || b[i] === a[i], `q=${qs[i]}: ${b[i]} vs ${a[i]}`).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('ecdfDistances', () => {
    const sample = fc.array(fc.oneof(fc.double({ min: -50, max: 50, noNaN: true }), fc.constantFrom(0, -0, 1, 1, 2)), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(sample, sample, (x, y) => {
        const a = Float64Array.from(x).sort();
        const b = Float64Array.from(y).sort();
        const one = Float64Array.of(0);
        const args = [a, one, Float64Array.of(a.length), b, one, Float64Array.of(b.length)] as const;
        const want = js.ecdfDistances(...args);
        const got = backend.ecdfDistances(...args);
        expect(got.ks[0]).toBe(want.ks[0]);
        expect(close(got.wasserstein[0], want.wasserstein[0], 1e-12, 1e-12)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('denseForward', () => {
    const layer = fc
      .record({ rows: fc.integer({ min: 1, max: 9 }), nIn: fc.integer({ min: 1, max: 7 }), nOut: fc.integer({ min: 1, max: 7 }), act: fc.constantFrom('linear', 'relu', 'sigmoid', 'tanh', 'softmax') })
      .chain(({ rows, nIn, nOut, act }) =>
        fc.record({
          rows: fc.constant(rows),
          nIn: fc.constant(nIn),
          nOut: fc.constant(nOut),
          act: fc.constant(act as 'linear'),
          x: fc.array(fc.oneof({ weight: 4, arbitrary: fc.float({ min: -4, max: 4, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(0, Infinity, NaN) }), { minLength: rows * nIn, maxLength: rows * nIn }),
          w: fc.array(fc.oneof(fc.float({ min: -2, max: 2, noNaN: true }), fc.constant(0)), { minLength: nIn * nOut, maxLength: nIn * nOut }),
        }),
      );
    fc.assert(
      fc.property(layer, ({ rows, nIn, nOut, act, x, w }) => {
        const xs = Float32Array.from(x);
        const ws = Float32Array.from(w);
        const b = new Float32Array(nOut).fill(0.25);
        const want = new Float32Array(rows * nOut);
        const got = new Float32Array(rows * nOut);
        js.denseForward(xs, rows, nIn, ws, b, nOut, act, want);
        backend.denseForward(xs, rows, nIn, ws, b, nOut, act, got);
        const scale = Math.max(1, ...Array.from(want).filter(Number.isFinite).map(Math.abs));
        for (let i = 0; i < want.length; i++) {
          if (Number.isNaN(want[i]) || !Number.isFinite(want[i])) expect(sameBits(got[i], want[i]), `[${i}] ${got[i]} vs ${want[i]}`).toBe(true);
          else expect(Math.abs(got[i] - want[i]), `[${i}] ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(1e-5 * scale);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

it('has a backend to compare with js', () => {
  expect(js.name).toBe('js');
  expect(others.length + 1).toBe(backendsUnderTest.length);
});
