import { afterAll, describe, expect, it } from 'vitest';
import { chiSquareTest, getBackend, jensenShannon, ksTest, psi, useBackend, wassersteinDistance, wassersteinNorm, zTest } from '../../src/index.js';
import { gammaQ } from '../../src/drift/gamma.js';
import { kolmogorovSf } from '../../src/drift/kolmogorov.js';
import { close, describeEachBackend } from '../helpers/backends.js';
import { categoricalPairs, distributionCases, numericPairs } from '../helpers/drift-fixtures.js';

const initial = getBackend().name;
afterAll(() => void useBackend(initial));

// The tolerances: statistics 1e-9 relative, p-values 1e-6 relative or 1e-12 absolute.
const statistic = (actual: number, expected: number) => close(actual, expected, 1e-9, 1e-15);
const pValue = (actual: number, expected: number) => close(actual, expected, 1e-6, 1e-12);

describeEachBackend('p-value distributions against SciPy on the %s backend', () => {
  it('kolmogorovSf equals scipy.stats.kstwo.sf over every method branch', () => {
    const bad = distributionCases.kstwoSf.filter(([n, x, p]) => !pValue(kolmogorovSf(n, x), p));
    expect(bad).toEqual([]);
  });
  it('kolmogorovSf equals kstwo.sf for n ~ 5e5 across the one-sided sum (p from 0.02 to 1e-320)', () => {
    expect(distributionCases.kstwoSfLarge.length).toBeGreaterThan(40);
    const bad = distributionCases.kstwoSfLarge.filter(([n, x, p]) => !pValue(kolmogorovSf(n, x), p));
    expect(bad).toEqual([]);
  });
  it('the backend smirnovSf equals scipy.special.smirnov', () => {
    const bad = distributionCases.smirnov.filter(([n, x, p]) => !pValue(getBackend().smirnovSf(n, x), p));
    expect(bad).toEqual([]);
    expect(getBackend().smirnovSf(0, 0.5)).toBeNaN();
    expect(getBackend().smirnovSf(10, 1.5)).toBeNaN();
  });
});

describe('p-value distributions against SciPy', () => {
  it('gammaQ equals scipy.special.gammaincc', () => {
    const bad = distributionCases.gammaQ.filter(([a, x, q]) => !pValue(gammaQ(a, x), q));
    expect(bad).toEqual([]);
  });
});

describeEachBackend('two-sample tests on the %s backend', (backend) => {
  it.each(numericPairs.map((c) => [c.name, c] as const))('numbers: %s', (_name, c) => {
    useBackend(backend);
    const e = c.expected;
    const ks = ksTest(c.a, c.b);
    expect(statistic(ks.statistic, e.ks[0]), `ks D ${ks.statistic} vs ${e.ks[0]}`).toBe(true);
    expect(pValue(ks.pValue, e.ks[1]), `ks p ${ks.pValue} vs ${e.ks[1]}`).toBe(true);
    expect(statistic(wassersteinDistance(c.a, c.b), e.wasserstein)).toBe(true);
    expect(statistic(wassersteinNorm(c.a, c.b), e.wassersteinNorm)).toBe(true);
    expect(statistic(psi(c.a, c.b), e.psi), `psi ${psi(c.a, c.b)} vs ${e.psi}`).toBe(true);
    expect(statistic(jensenShannon(c.a, c.b), e.jensenShannon), `js ${jensenShannon(c.a, c.b)} vs ${e.jensenShannon}`).toBe(true);
    if (e.chiSquare) {
      const chi = chiSquareTest(c.a, c.b);
      expect(statistic(chi.statistic, e.chiSquare[0])).toBe(true);
      expect(pValue(chi.pValue, e.chiSquare[1])).toBe(true);
    }
  });

  it('float32 samples give the statistics of their float64 values', () => {
    useBackend(backend);
    const c = numericPairs.find((p) => p.name === 'small equal sizes')!;
    const a32 = Float32Array.from(c.a);
    const b32 = Float32Array.from(c.b);
    expect(ksTest(a32, b32)).toEqual(ksTest(Float64Array.from(a32), Float64Array.from(b32)));
    expect(wassersteinNorm(a32, b32)).toBe(wassersteinNorm(Float64Array.from(a32), Float64Array.from(b32)));
    expect(ksTest([...c.a], [...c.b])).toEqual(ksTest(c.a, c.b));
  });

  it.each(categoricalPairs.map((c) => [c.name, c] as const))('categories: %s', (_name, c) => {
    useBackend(backend);
    const e = c.expected;
    const chi = chiSquareTest(c.a, c.b);
    expect(statistic(chi.statistic, e.chiSquare[0]), `chi ${chi.statistic} vs ${e.chiSquare[0]}`).toBe(true);
    expect(pValue(chi.pValue, e.chiSquare[1]), `chi p ${chi.pValue} vs ${e.chiSquare[1]}`).toBe(true);
    if (e.z) {
      const z = zTest(c.a, c.b);
      expect(statistic(z.statistic, e.z[0])).toBe(true);
      expect(pValue(z.pValue, e.z[1])).toBe(true);
    }
    expect(statistic(psi(c.a, c.b), e.psi)).toBe(true);
    expect(statistic(jensenShannon(c.a, c.b), e.jensenShannon)).toBe(true);
  });

  it('rejects empty samples and mixed kinds with clear errors', () => {
    useBackend(backend);
    expect(() => ksTest([NaN, Infinity], [1, 2])).toThrow(/Expected at least one finite value .* for a/);
    expect(() => ksTest([1, 2], new Float64Array(0))).toThrow(/for b/);
    expect(() => ksTest(['x'], [1])).toThrow(TypeError);
    expect(() => chiSquareTest(['x', 'y'], [1, 2])).toThrow(/Expected string\[\] like a for b/);
    expect(() => psi([1, 'x' as unknown as number], [1])).toThrow(TypeError);
    expect(() => zTest([null as unknown as string], ['a'])).toThrow(/at least one/);
  });
});
