import { afterAll, describe, expect, it } from 'vitest';
import { getBackend, percentiles, quantiles, useBackend } from '../../src/index.js';
import { describeEachBackend, mismatches, sameBytes } from '../helpers/backends.js';
import { percentileCases, quantileCases } from '../helpers/fixtures.js';

const initial = getBackend().name;
afterAll(() => void useBackend(initial));

describeEachBackend('quantiles on the %s backend', (backend) => {
  for (const c of quantileCases) {
    it(`matches numpy.quantile: ${c.name}`, () => {
      useBackend(backend);
      const before = c.data.slice();
      const got = quantiles(c.data, c.q);
      // Same order statistics and NumPy's own interpolation formula: equal to the last bits.
      expect(mismatches(got, c.expectedValues, 1e-15, 1e-300)).toEqual([]);
      expect(sameBytes(c.data, before)).toBe(true); // the caller's array is never modified
    });
  }

  for (const c of percentileCases) {
    it(`matches numpy.percentile: ${c.name}`, () => {
      useBackend(backend);
      expect(mismatches(percentiles(c.data, c.p), c.expectedValues, 1e-15)).toEqual([]);
    });
  }

  it('accepts number[] and a single q, and returns a Float64Array', () => {
    useBackend(backend);
    const got = quantiles([5, 1, 4, 2, 3], 0.5);
    expect(got).toBeInstanceOf(Float64Array);
    expect(Array.from(got)).toEqual([3]);
    expect(Array.from(percentiles([5, 1, 4, 2, 3], [0, 100]))).toEqual([1, 5]);
  });

  it('agrees with a full sort on random data with many ties', () => {
    useBackend(backend);
    let seed = 12345;
    const values = new Float64Array(300_000).map(() => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % 1000;
    });
    const sorted = Float64Array.from(values).sort();
    const q = [0, 0.1, 0.5, 0.5001, 0.9, 1];
    const expected = q.map((p) => {
      const h = (values.length - 1) * p;
      const lo = Math.floor(h);
      const hi = Math.min(lo + 1, values.length - 1);
      return sorted[lo] + (sorted[hi] - sorted[lo]) * (h - lo);
    });
    expect(mismatches(quantiles(values, q), expected, 1e-12)).toEqual([]);
  });
});

describe('quantiles rejects bad input', () => {
  it.each([
    ['empty values', () => quantiles([], [0.5]), /at least one value for values but received an empty array/],
    ['q above 1', () => quantiles([1, 2], [0.5, 1.5]), /number in \[0, 1\] for q\[1\] but received 1.5/],
    ['NaN q', () => quantiles([1, 2], NaN), /for q\[0\] but received NaN/],
    ['p above 100', () => percentiles([1, 2], [101]), /number in \[0, 100\] for p\[0\] but received 101/],
    ['a string in values', () => quantiles([1, 'x' as never], [0.5]), /Expected a number for values\[1\] but received string/],
    ['an Int32Array', () => quantiles(new Int32Array(3) as never, [0.5]), /Float32Array, Float64Array or number\[\] for values but received Int32Array/],
    ['q as a string', () => quantiles([1], '0.5' as never), /for q but received string/],
  ])('throws a clear error for %s', (_, call, message) => {
    expect(call).toThrow(message);
  });
});
