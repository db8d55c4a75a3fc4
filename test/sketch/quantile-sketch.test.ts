import { afterAll, describe, expect, it } from 'vitest';
import { getBackend, QuantileSketch, useBackend } from '../../src/index.js';
import { SeededRandom } from '../../src/demo/random.js';
import { backendsUnderTest, describeEachBackend } from '../helpers/backends.js';
import { crc32 } from '../../src/persist/crc32.js';

const initial = getBackend().name;
afterAll(() => void useBackend(initial));

const QS = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 0.9999, 1];

function samples(kind: 'lognormal' | 'pareto' | 'bimodal', n: number, seed: number): Float64Array {
  const rng = new SeededRandom(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (kind === 'lognormal') out[i] = Math.exp(rng.normal(3, 1.5));
    else if (kind === 'pareto') out[i] = 2 / Math.pow(1 - rng.uniform(), 1 / 1.2); // x_m = 2, alpha = 1.2: heavy tail
    else out[i] = rng.uniform() < 0.7 ? Math.exp(rng.normal(2, 0.2)) : Math.exp(rng.normal(6, 0.3));
  }
  return out;
}

/** The element of rank floor(q (n - 1)) of the sorted sample: what the sketch's bound is about. */
function exactLower(sorted: Float64Array, q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))];
}

describeEachBackend('QuantileSketch on the %s backend', (backend) => {
  for (const kind of ['lognormal', 'pareto', 'bimodal'] as const) {
    it(`stays within its relative accuracy on ${kind} data (single and batch inserts)`, () => {
      useBackend(backend);
      const values = samples(kind, 200_000, kind.length);
      const sorted = Float64Array.from(values).sort();
      for (const alpha of [0.01, 0.05]) {
        const one = new QuantileSketch({ relativeAccuracy: alpha });
        for (const v of values) one.add(v);
        const batch = new QuantileSketch({ relativeAccuracy: alpha });
        batch.addMany(values);
        for (const sketch of [one, batch]) {
          expect(sketch.count).toBe(values.length);
          for (const q of QS) {
            const exact = exactLower(sorted, q);
            const got = sketch.quantile(q);
            expect(Math.abs(got - exact), `q=${q} alpha=${alpha}: ${got} vs ${exact}`).toBeLessThanOrEqual(alpha * exact * (1 + 1e-12));
          }
        }
        expect(one.min).toBe(sorted[0]);
        expect(one.max).toBe(sorted[sorted.length - 1]);
        expect(batch.sum).toBeCloseTo(one.sum, 6);
      }
    });
  }

  it('merges exactly: two streams merged answer as one sketch over both, also through bytes', () => {
    useBackend(backend);
    const a = samples('lognormal', 50_000, 1);
    const b = samples('pareto', 30_000, 2);
    const whole = new QuantileSketch();
    whole.addMany(a);
    whole.addMany(b);
    const left = new QuantileSketch();
    left.addMany(a);
    const right = new QuantileSketch();
    right.addMany(b);
    const merged = QuantileSketch.deserialize(left.serialize());
    merged.merge(QuantileSketch.deserialize(right.serialize()));
    expect(merged.count).toBe(whole.count);
    expect(Array.from(merged.quantiles(QS))).toEqual(Array.from(whole.quantiles(QS)));
    expect(merged.serialize()).toEqual(whole.serialize());
  });

  it('round-trips through serialize / deserialize', () => {
    useBackend(backend);
    const s = new QuantileSketch({ relativeAccuracy: 0.02, maxBins: 1000 });
    s.addMany([0, 1e-12, 0.5, 3, 3, 70, 1e6]);
    const copy = QuantileSketch.deserialize(s.serialize());
    expect(copy.relativeAccuracy).toBe(0.02);
    expect(copy.maxBins).toBe(1000);
    expect(copy.count).toBe(7);
    expect(copy.min).toBe(0);
    expect(copy.max).toBe(1e6);
    expect(Array.from(copy.quantiles(QS))).toEqual(Array.from(s.quantiles(QS)));
    expect(s.quantile(0)).toBe(0);
    expect(s.quantile(1)).toBe(1e6);
  });

  it('rejects invalid values without adding any', () => {
    useBackend(backend);
    const s = new QuantileSketch();
    expect(() => s.add(-1)).toThrow(/finite number >= 0 for value but received -1/);
    expect(() => s.add(NaN)).toThrow(RangeError);
    expect(() => s.addMany([1, 2, Infinity, -3])).toThrow(/values\[2\] but received Infinity \(2 invalid value\(s\); none added\)/);
    expect(s.count).toBe(0);
    expect(s.quantile(0.5)).toBeNaN();
    expect(() => s.quantile(1.5)).toThrow(/for q/);
  });
});

describe('QuantileSketch limits and errors', () => {
  it('keeps at most maxBins buckets, losing accuracy only at the low end', () => {
    const s = new QuantileSketch({ relativeAccuracy: 0.01, maxBins: 100 });
    for (let e = -6; e <= 6; e += 0.01) s.add(10 ** e);
    expect(s.byteLength).toBeLessThanOrEqual(100 * 8);
    const top = s.quantile(1);
    expect(Math.abs(top - 1e6) / 1e6).toBeLessThanOrEqual(0.01);
    expect(s.quantile(0.99)).toBeGreaterThan(1e5 * 0.99);
  });

  it.each(backendsUnderTest)('a batch spanning 1e-8 to 1e300 at 1e-6 accuracy stays within maxBins on the %s backend, and matches add()', (backend) => {
    useBackend(backend);
    const batch = new QuantileSketch({ relativeAccuracy: 1e-6 });
    batch.addMany([1e-8, 1e300, 5, 1e300]);
    const one = new QuantileSketch({ relativeAccuracy: 1e-6 });
    for (const x of [1e-8, 1e300, 5, 1e300]) one.add(x);
    expect(batch.byteLength).toBeLessThanOrEqual(batch.maxBins * 8);
    expect(batch.count).toBe(4);
    expect(Math.abs(batch.quantile(1) - 1e300) / 1e300).toBeLessThanOrEqual(1e-6);
    expect(Array.from(batch.quantiles([0, 0.3, 0.7, 1]))).toEqual(Array.from(one.quantiles([0, 0.3, 0.7, 1])));
  });

  it('refuses to merge sketches of different accuracy and corrupt bytes', () => {
    const a = new QuantileSketch({ relativeAccuracy: 0.01 });
    const b = new QuantileSketch({ relativeAccuracy: 0.02 });
    b.add(1);
    expect(() => a.merge(b)).toThrow(/relativeAccuracy 0.01 for other but received relativeAccuracy 0.02/);
    const bytes = b.serialize();
    expect(() => QuantileSketch.deserialize(bytes.subarray(0, 10))).toThrow(/at least 72 bytes/);
    const wrong = bytes.slice();
    wrong[0] ^= 0xff;
    expect(() => QuantileSketch.deserialize(wrong)).toThrow(/magic MLQS/);
    const tampered = bytes.slice();
    const view = new DataView(tampered.buffer);
    view.setFloat64(16, 5, true); // count no longer matches the buckets
    expect(() => QuantileSketch.deserialize(tampered)).toThrow(/CRC-32 mismatch/);
    view.setUint32(tampered.length - 4, crc32(tampered.subarray(0, tampered.length - 4)), true); // a checksum that fits the lie
    expect(() => QuantileSketch.deserialize(tampered)).toThrow(/adding up to the count 5/);
    expect(() => new QuantileSketch({ relativeAccuracy: 0 })).toThrow(/options.relativeAccuracy/);
  });
});

describe('sketchBins kernel parity', () => {
  it('gives the same buckets on every backend (200 000 lognormal values)', () => {
    const values = samples('lognormal', 200_000, 99);
    const multiplier = 1 / Math.log(1.01 / 0.99);
    const results = backendsUnderTest.map((b) => useBackend(b).sketchBins(values, multiplier, 1e-9, 4096));
    for (const r of results.slice(1)) {
      expect(r.minKey).toBe(results[0].minKey);
      expect(Array.from(r.counts)).toEqual(Array.from(results[0].counts));
      expect(r.sum).toBeCloseTo(results[0].sum, 6);
      expect([r.min, r.max, r.validCount, r.zeroCount]).toEqual([results[0].min, results[0].max, results[0].validCount, results[0].zeroCount]);
    }
    useBackend(initial);
  });
});
