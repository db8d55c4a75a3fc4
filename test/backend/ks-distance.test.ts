/**
 * ksDistance on every backend: bit for bit the KS distance of a direct walk over both samples'
 * finite values sorted (written here, independently of the kernels), on samples chosen to stress
 * the bins: smooth, shifted, heavy-tailed, tied, clustered, disjoint, constant, huge and tiny
 * magnitudes, -0 with +0, NaN and ±Infinity mixed in, float32 against float64.
 */
import { describe, expect, it } from 'vitest';
import { backendsUnderTest, backendObjects } from '../helpers/backends.js';
import { rng } from '../helpers/random-json.js';
import type { Backend } from '../../src/backend/contract.js';

const backends: Backend[] = backendObjects(backendsUnderTest);

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** max |i/na - j/nb| after each distinct pooled value, from the finite values sorted. */
function referenceKs(a: ArrayLike<number>, b: ArrayLike<number>): { ks: number; na: number; nb: number } {
  const finite = (v: ArrayLike<number>) => Array.from(v).filter(Number.isFinite).sort((x, y) => x - y);
  const sa = finite(a);
  const sb = finite(b);
  const na = sa.length;
  const nb = sb.length;
  if (na === 0 || nb === 0) return { ks: NaN, na, nb };
  let i = 0;
  let j = 0;
  let ks = 0;
  while (i < na || j < nb) {
    const x = j >= nb || (i < na && sa[i] <= sb[j]) ? sa[i] : sb[j];
    while (i < na && sa[i] <= x) i++;
    while (j < nb && sb[j] <= x) j++;
    ks = Math.max(ks, Math.abs(i / na - j / nb));
  }
  return { ks, na, nb };
}

type Maker = (random: () => number, n: number) => Float64Array;
const samples: Record<string, Maker> = {
  normal: (r, n) => Float64Array.from({ length: n }, () => normal(r)),
  'shifted normal': (r, n) => Float64Array.from({ length: n }, () => 0.01 + normal(r)),
  lognormal: (r, n) => Float64Array.from({ length: n }, () => Math.exp(2 * normal(r))),
  cauchy: (r, n) => Float64Array.from({ length: n }, () => Math.tan(Math.PI * (r() - 0.5))),
  'small integers (ties)': (r, n) => Float64Array.from({ length: n }, () => Math.floor(r() * 7)),
  'two tight clusters': (r, n) => Float64Array.from({ length: n }, () => (r() < 0.5 ? 1 : 1e6) + r() * 1e-9),
  'huge magnitudes': (r, n) => Float64Array.from({ length: n }, () => (r() < 0.5 ? -1 : 1) * 1.7e308 * r()),
  denormals: (r, n) => Float64Array.from({ length: n }, () => (r() - 0.5) * 1e-310),
  'signed zeros': (r, n) => Float64Array.from({ length: n }, () => [0, -0, 1, -1][Math.floor(r() * 4)]),
  'with NaN and infinities': (r, n) => Float64Array.from({ length: n }, () => [NaN, Infinity, -Infinity, normal(r)][Math.floor(r() * 4)]),
  'a constant': (_r, n) => new Float64Array(n).fill(3.5),
  'above the other': (r, n) => Float64Array.from({ length: n }, () => 10 + r()),
};

describe.each(backends.map((b) => [b.name, b] as const))('ksDistance (%s)', (_name, backend) => {
  it('equals a direct walk over the sorted samples, bit for bit, for every pair of sample kinds', () => {
    const random = rng(19);
    const kinds = Object.entries(samples);
    const bad: string[] = [];
    for (const [nameA, makeA] of kinds) {
      for (const [nameB, makeB] of kinds) {
        // The largest size (binned: at least 2^17 values in all; the others are sorted and walked)
        // for each kind against itself and against a normal sample.
        const large = nameA === nameB || nameB === 'normal' ? [[70_000, 65_000]] : [];
        for (const [na, nb] of [[1, 1], [3, 50], [2_000, 700], ...large]) {
          const a = makeA(random, na);
          const b = makeB(random, nb);
          const got = backend.ksDistance(a, b);
          const want = referenceKs(a, b);
          if (!Object.is(got.ks, want.ks) || got.na !== want.na || got.nb !== want.nb) {
            bad.push(`${nameA} (${na}) vs ${nameB} (${nb}): ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
          }
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('finds the maximum inside a bin where two near-identical samples differ most', () => {
    // 200 000 values each: the bins are fine, and the difference lives on single values.
    const random = rng(7);
    const a = Float64Array.from({ length: 200_000 }, () => normal(random));
    const b = a.map((x, i) => (i % 1000 === 0 ? x + 1e-6 : x));
    const got = backend.ksDistance(a, b);
    expect(got.ks).toBe(referenceKs(a, b).ks);
    expect(got.ks).toBeGreaterThan(0);
  });

  it('reads float32 and float64 samples alike, in any mix', () => {
    const random = rng(3);
    const a32 = Float32Array.from({ length: 5_000 }, () => normal(random));
    const b32 = Float32Array.from({ length: 4_000 }, () => 0.05 + normal(random));
    const a64 = Float64Array.from(a32);
    const b64 = Float64Array.from(b32);
    const want = referenceKs(a64, b64);
    for (const [a, b] of [[a32, b32], [a32, b64], [a64, b32], [a64, b64]] as const) expect(backend.ksDistance(a, b)).toEqual(want);
  });

  it('is NaN with the counts when a sample has no finite value', () => {
    expect(backend.ksDistance(new Float64Array(0), Float64Array.of(1, 2))).toEqual({ ks: NaN, na: 0, nb: 2 });
    expect(backend.ksDistance(Float64Array.of(1), Float64Array.of(NaN, Infinity))).toEqual({ ks: NaN, na: 1, nb: 0 });
  });

  it('is 0 for identical samples and 1 for disjoint ones', () => {
    const random = rng(11);
    const a = Float64Array.from({ length: 10_000 }, () => normal(random));
    expect(backend.ksDistance(a, a.slice().reverse()).ks).toBe(0);
    expect(backend.ksDistance(a, a.map((x) => x + 100)).ks).toBe(1);
  });

  if (backend.name !== 'js') {
    it('rejects what is not a Float32Array or Float64Array, and does not crash', () => {
      for (const bad of [undefined, null, 3, 'x', [1, 2], new Int32Array(3), new Uint8Array(4), {}]) {
        expect(() => backend.ksDistance(bad as never, new Float64Array(3))).toThrow(/Expected a Float32Array or Float64Array for a/);
        expect(() => backend.ksDistance(new Float64Array(3), bad as never)).toThrow(/Expected a Float32Array or Float64Array for b/);
      }
    });

    it('reads a detached buffer as an empty sample', () => {
      const a = new Float64Array(8).fill(1);
      structuredClone(a.buffer, { transfer: [a.buffer] });
      expect(backend.ksDistance(a, Float64Array.of(1, 2))).toEqual({ ks: NaN, na: 0, nb: 2 });
    });
  }
});
