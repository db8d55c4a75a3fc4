/**
 * The experiment statistics against SciPy (test/fixtures/experiment/make_stats_fixtures.py):
 * z-test and Welch p-values and intervals, the SRM chi-square, sample sizes and power, and the
 * special functions under them, to 1e-9 relative (1e-14 absolute near 0).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { twoProportionTest } from '../../src/experiment/stats/two-proportion.js';
import { welchTest } from '../../src/experiment/stats/welch.js';
import { sampleRatioMismatch } from '../../src/experiment/stats/srm.js';
import { mdeMeans, powerMeans, powerProportions, sampleSizeMeans, sampleSizeProportions, mdeProportions } from '../../src/experiment/stats/sample-size.js';
import { normalQuantile, normalSf } from '../../src/stats/normal.js';
import { studentTwoSided } from '../../src/stats/student-t.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/experiment/stats.json', import.meta.url), 'utf8'));

function close(got: number, want: number, rel = 1e-9, abs = 1e-14): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= Math.max(abs, rel * Math.abs(want));
}

function expectClose(got: number, want: number, what: string, rel = 1e-9): void {
  expect(close(got, want, rel), `${what}: ${got} vs SciPy ${want}`).toBe(true);
}

describe('experiment statistics against SciPy', () => {
  it('the normal quantile and tail, and Student t two-sided p-values (df from 1 to 1e9)', () => {
    for (const [p, z] of fx.special.normalQuantile) expectClose(normalQuantile(p), z, `normalQuantile(${p})`);
    for (const [z, p] of fx.special.normalSf) expectClose(normalSf(z), p, `normalSf(${z})`);
    for (const [t, df, p] of fx.special.studentTwoSided) expectClose(studentTwoSided(t, df), p, `studentTwoSided(${t}, ${df})`);
  });

  it('two-proportion z-tests: statistic, p-value and interval', () => {
    for (const c of fx.proportions) {
      const r = twoProportionTest({ successes: c.a[0], n: c.a[1] }, { successes: c.b[0], n: c.b[1] }, fx.alpha);
      const what = `z-test ${c.a} vs ${c.b}`;
      expectClose(r.statistic, c.z, `${what} z`);
      expectClose(r.pValue, c.p, `${what} p`);
      expectClose(r.interval[0], c.lo, `${what} lower`, 1e-9);
      expectClose(r.interval[1], c.hi, `${what} upper`, 1e-9);
    }
  });

  it("Welch's t-tests from sufficient statistics: t, degrees of freedom, p-value and interval", () => {
    for (const c of fx.welch) {
      const r = welchTest({ n: c.a[0], mean: c.a[1], variance: c.a[2] }, { n: c.b[0], mean: c.b[1], variance: c.b[2] }, fx.alpha);
      const what = `welch ${c.a} vs ${c.b}`;
      expectClose(r.statistic, c.t, `${what} t`);
      expectClose(r.pValue, c.p, `${what} p`);
      if (Number.isFinite(c.df)) expectClose(r.degreesOfFreedom, c.df, `${what} df`);
      expectClose(r.interval[0], c.lo, `${what} lower`, 1e-8);
      expectClose(r.interval[1], c.hi, `${what} upper`, 1e-8);
    }
  });

  it('both variances zero: an infinite t and p = 0 when the means differ, p = 1 when equal (SciPy gives NaN)', () => {
    expect(welchTest({ n: 5, mean: 1, variance: 0 }, { n: 5, mean: 2, variance: 0 }).pValue).toBe(0);
    expect(welchTest({ n: 5, mean: 1, variance: 0 }, { n: 5, mean: 1, variance: 0 }).pValue).toBe(1);
  });

  it('the SRM chi-square against the configured weights', () => {
    for (const c of fx.srm) {
      const r = sampleRatioMismatch(c.observed, c.weights, { minUnits: 0 });
      expectClose(r.statistic, c.statistic, `srm ${c.observed} statistic`);
      expectClose(r.pValue, c.p, `srm ${c.observed} p`);
    }
    expect(sampleRatioMismatch([505_000, 495_000], [1, 1]).mismatch).toBe(true);
    expect(sampleRatioMismatch([700_300, 299_700], [70, 30]).mismatch).toBe(false);
    expect(sampleRatioMismatch([60, 40], [1, 1]).mismatch).toBe(false); // below the minimum sample
  });

  it('sample sizes, power and MDE by the closed forms', () => {
    for (const c of fx.sizes) {
      const design = { alpha: c.alpha, power: c.power, ratio: c.ratio };
      if (c.kind === 'proportions') {
        expect(sampleSizeProportions(c.baseline, c.mde, design)).toEqual({ control: c.control, treatment: c.treatment });
        expectClose(powerProportions(c.baseline, c.mde, c.control, design), c.powerAtN, `power ${c.baseline}+${c.mde}`);
        const mde = mdeProportions(c.baseline, c.control, design);
        expect(powerProportions(c.baseline, mde, c.control, design)).toBeCloseTo(c.power, 9);
      } else {
        expect(sampleSizeMeans(c.sd, c.mde, design)).toEqual({ control: c.control, treatment: c.treatment });
        expectClose(powerMeans(c.sd, c.mde, c.control, design), c.powerAtN, `power means ${c.sd}`);
        expectClose(mdeMeans(c.sd, c.control, design), c.mdeAtN, `mde means ${c.sd}`);
      }
    }
  });

  it('refuses unusable arguments by name', () => {
    expect(() => twoProportionTest({ successes: 3, n: 2 }, { successes: 1, n: 2 })).toThrow(/a.successes/);
    expect(() => welchTest({ n: 1, mean: 0, variance: 1 }, { n: 5, mean: 0, variance: 1 })).toThrow(/a.n/);
    expect(() => welchTest({ n: 3, mean: NaN, variance: 1 }, { n: 5, mean: 0, variance: 1 })).toThrow(/a.mean/);
    expect(() => sampleRatioMismatch([1, 2], [0, 0])).toThrow(/positive sum/);
    expect(() => sampleSizeProportions(0.5, 0.6)).toThrow(/mde/);
    expect(() => sampleSizeMeans(1, 0.1, { alpha: 1.5 })).toThrow(/design.alpha/);
  });
});
