/**
 * wassersteinDistance on every backend: the integral of |F_a - F_b| taken by a direct walk over
 * both samples' finite values sorted (written here, independently of the kernels), to 1e-12
 * relative, on samples chosen to stress the bins and their closed forms: smooth, shifted, drawn
 * alike (the ECDF difference crosses 0 in many bins), heavy-tailed, tied, clustered, disjoint,
 * constant, huge and tiny magnitudes, -0 with +0, NaN and ±Infinity mixed in, float32 against
 * float64.
 */
import { describe, expect, it } from 'vitest';
import { backendsUnderTest, backendObjects } from '../helpers/backends.js';
import { rng } from '../helpers/random-json.js';
import type { Backend } from '../../src/backend/contract.js';
import { binOf, valueBinsOf } from '../../src/backend/js/value-bins.js';

const backends: Backend[] = backendObjects(backendsUnderTest);

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Σ |i/na - j/nb| × (next pooled value - x) after each distinct pooled value x, summed with Kahan–Babuška compensation. */
function referenceW(a: ArrayLike<number>, b: ArrayLike<number>): { wasserstein: number; na: number; nb: number } {
  const finite = (v: ArrayLike<number>) => Array.from(v).filter(Number.isFinite).sort((x, y) => x - y);
  const sa = finite(a);
  const sb = finite(b);
  const na = sa.length;
  const nb = sb.length;
  if (na === 0 || nb === 0) return { wasserstein: NaN, na, nb };
  let i = 0;
  let j = 0;
  let sum = 0;
  let c = 0;
  let previous = NaN;
  let previousDiff = 0;
  while (i < na || j < nb) {
    const x = j >= nb || (i < na && sa[i] <= sb[j]) ? sa[i] : sb[j];
    if (!Number.isNaN(previous)) {
      const term = previousDiff * (x - previous);
      const t = sum + term;
      c += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
      sum = t;
    }
    while (i < na && sa[i] <= x) i++;
    while (j < nb && sb[j] <= x) j++;
    previous = x;
    previousDiff = Math.abs(i / na - j / nb);
  }
  return { wasserstein: sum + c, na, nb };
}

function close(got: number, want: number): boolean {
  if (!Number.isFinite(want)) return Object.is(got, want);
  return Math.abs(got - want) <= 1e-12 * Math.abs(want) + 1e-300;
}

type Maker = (random: () => number, n: number) => Float64Array;
const samples: Record<string, Maker> = {
  normal: (r, n) => Float64Array.from({ length: n }, () => normal(r)),
  'shifted normal': (r, n) => Float64Array.from({ length: n }, () => 0.01 + normal(r)),
  lognormal: (r, n) => Float64Array.from({ length: n }, () => Math.exp(2 * normal(r))),
  cauchy: (r, n) => Float64Array.from({ length: n }, () => Math.tan(Math.PI * (r() - 0.5))),
  'small integers (ties)': (r, n) => Float64Array.from({ length: n }, () => Math.floor(r() * 7)),
  'two tight clusters': (r, n) => Float64Array.from({ length: n }, () => (r() < 0.5 ? 1 : 1e6) + r() * 1e-9),
  'large offset': (r, n) => Float64Array.from({ length: n }, () => 1e9 + r()),
  'huge magnitudes': (r, n) => Float64Array.from({ length: n }, () => (r() < 0.5 ? -1 : 1) * 1.7e308 * r()),
  denormals: (r, n) => Float64Array.from({ length: n }, () => (r() - 0.5) * 1e-310),
  'signed zeros': (r, n) => Float64Array.from({ length: n }, () => [0, -0, 1, -1][Math.floor(r() * 4)]),
  'with NaN and infinities': (r, n) => Float64Array.from({ length: n }, () => [NaN, Infinity, -Infinity, normal(r)][Math.floor(r() * 4)]),
  'a constant': (_r, n) => new Float64Array(n).fill(3.5),
  'above the other': (r, n) => Float64Array.from({ length: n }, () => 10 + r()),
};

describe.each(backends.map((b) => [b.name, b] as const))('wassersteinDistance (%s)', (_name, backend) => {
  it('equals a direct walk over the sorted samples to 1e-12 relative, for every pair of sample kinds', () => {
    const random = rng(23);
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
          const got = backend.wassersteinDistance(a, b);
          const want = referenceW(a, b);
          if (!close(got.wasserstein, want.wasserstein) || got.na !== want.na || got.nb !== want.nb) {
            bad.push(`${nameA} (${na}) vs ${nameB} (${nb}): ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
          }
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('agrees with the walk on large samples drawn alike, shifted a little, and scaled', () => {
    const random = rng(29);
    const a = Float64Array.from({ length: 300_000 }, () => normal(random));
    for (const b of [
      Float64Array.from({ length: 250_000 }, () => normal(random)),
      Float64Array.from({ length: 250_000 }, () => 0.002 + normal(random)),
      Float64Array.from({ length: 250_000 }, () => 1.5 * normal(random)),
      a.map((x, i) => (i % 1000 === 0 ? x + 1e-6 : x)),
    ]) {
      const got = backend.wassersteinDistance(a, b);
      const want = referenceW(a, b);
      expect(close(got.wasserstein, want.wasserstein), `${got.wasserstein} vs ${want.wasserstein}`).toBe(true);
      expect(got.wasserstein).toBeGreaterThan(0);
    }
  });

  it('keeps its accuracy where tied values of the two samples sit on either side of a bin boundary', () => {
    // A background shared by both samples, and a cluster of ties in each: a's at the largest
    // value of a bin, b's just above, in the next bin. W is tiny, and the closed form over a's
    // bin cancels (its values crowd at the top): the kernel must not lose W's precision there.
    const background = Array.from({ length: 100_000 }, (_, i) => i / 100_000).filter((x) => x < 0.49 || x > 0.51);
    const cluster = 100_000;
    const make = (top: number, delta: number) => [Float64Array.from([...background, ...new Array(cluster).fill(top)]), Float64Array.from([...background, ...new Array(cluster).fill(top + delta)])];
    for (const delta of [1e-7, 1e-9, 1e-12]) {
      let top = 0.5;
      for (let round = 0; round < 3; round++) {
        // the bins depend on the samples: find the largest value of 0.5's bin for these samples
        const bins = valueBinsOf(...(make(top, delta) as [Float64Array, Float64Array]));
        const k = binOf(0.5, bins);
        let lo = 0.5;
        let hi = 0.6;
        for (let step = 0; step < 200; step++) {
          const mid = (lo + hi) / 2;
          if (binOf(mid, bins) <= k) lo = mid;
          else hi = mid;
        }
        top = lo;
      }
      const [a, b] = make(top, delta);
      const got = backend.wassersteinDistance(a, b).wasserstein;
      const want = referenceW(a, b).wasserstein;
      expect(close(got, want), `delta ${delta}: ${got} vs ${want}`).toBe(true);
      expect(want).toBeGreaterThan(0);
    }
  });

  it('reads float32 and float64 samples alike, in any mix', () => {
    const random = rng(3);
    const a32 = Float32Array.from({ length: 5_000 }, () => normal(random));
    const b32 = Float32Array.from({ length: 4_000 }, () => 0.05 + normal(random));
    const want = backend.wassersteinDistance(Float64Array.from(a32), Float64Array.from(b32));
    expect(close(want.wasserstein, referenceW(a32, b32).wasserstein)).toBe(true);
    for (const [a, b] of [[a32, b32], [a32, Float64Array.from(b32)], [Float64Array.from(a32), b32]] as const) {
      expect(backend.wassersteinDistance(a, b)).toEqual(want);
    }
  });

  it('is NaN with the counts when a sample has no finite value', () => {
    expect(backend.wassersteinDistance(new Float64Array(0), Float64Array.of(1, 2))).toEqual({ wasserstein: NaN, na: 0, nb: 2 });
    expect(backend.wassersteinDistance(Float64Array.of(1), Float64Array.of(NaN, Infinity))).toEqual({ wasserstein: NaN, na: 1, nb: 0 });
  });

  it('is 0 for identical samples and the shift for a shifted copy', () => {
    const random = rng(11);
    const a = Float64Array.from({ length: 10_000 }, () => normal(random));
    expect(backend.wassersteinDistance(a, a.slice().reverse()).wasserstein).toBe(0);
    // Disjoint: every value of a below every value of b, W = mean(b) - mean(a) = 100 (to rounding).
    expect(Math.abs(backend.wassersteinDistance(a, a.map((x) => x + 100)).wasserstein - 100)).toBeLessThan(1e-9);
  });

  if (backend.name !== 'js') {
    it('rejects what is not a Float32Array or Float64Array, and does not crash', () => {
      for (const bad of [undefined, null, 3, 'x', [1, 2], new Int32Array(3), new Uint8Array(4), {}]) {
        expect(() => backend.wassersteinDistance(bad as never, new Float64Array(3))).toThrow(/Expected a Float32Array or Float64Array for a/);
        expect(() => backend.wassersteinDistance(new Float64Array(3), bad as never)).toThrow(/Expected a Float32Array or Float64Array for b/);
      }
    });

    it('reads a detached buffer as an empty sample', () => {
      const a = new Float64Array(8).fill(1);
      structuredClone(a.buffer, { transfer: [a.buffer] });
      expect(backend.wassersteinDistance(a, Float64Array.of(1, 2))).toEqual({ wasserstein: NaN, na: 0, nb: 2 });
    });
  }
});
