/**
 * Experiment: the pinned assignment fixture, uniform buckets, coverage increases that move no
 * unit, decisions from logged outcomes, bad input refused by name, and seeded simulations of the
 * error rates: A/A false positives at alpha, peeking with and without the sequential test, power
 * at the designed MDE, and the sample-ratio check.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Experiment, type ExperimentConfig } from '../../src/experiment/experiment.js';
import { bucketsOf, BUCKETS } from '../../src/experiment/assignment.js';
import { twoProportionTest } from '../../src/experiment/stats/two-proportion.js';
import { mixtureSprt } from '../../src/experiment/stats/sequential.js';
import { sampleSizeProportions } from '../../src/experiment/stats/sample-size.js';
import { sampleRatioMismatch } from '../../src/experiment/stats/srm.js';
import { chiSquareSf } from '../../src/drift/gamma.js';
import { SeededRandom } from '../../src/demo/random.js';

const pinned = JSON.parse(readFileSync(new URL('../fixtures/experiment/assignment.json', import.meta.url), 'utf8')) as { seed: string; unit: string; coverage: number; variant: number }[];

function config(overrides: Partial<ExperimentConfig> = {}): ExperimentConfig {
  return {
    name: 'checkout',
    variants: [
      { name: 'control', weight: 50 },
      { name: 'treatment', weight: 50 },
    ],
    metric: { name: 'conversion', kind: 'proportion' },
    design: { mde: 0.02, baseline: 0.1 },
    ...overrides,
  };
}

/** Units that succeed with probability p (a Bernoulli sum, drawn unit by unit). */
function binomial(rng: SeededRandom, n: number, p: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) if (rng.uniform() < p) s++;
  return s;
}

describe('Experiment: assignment', () => {
  it('matches the pinned fixture (an independent FNV-1a over UTF-8) exactly', () => {
    for (const row of pinned) expect(bucketsOf(row.seed, row.unit), `${row.seed} ${row.unit}`).toEqual({ coverage: row.coverage, variant: row.variant });
    // and Experiment.assign (one pass for both hashes) places those units by the same buckets
    for (const row of pinned) {
      const e = new Experiment(config({ name: 'x', seed: row.seed, coverage: 0.5 }));
      expect(e.assign(row.unit), `${row.seed} ${row.unit}`).toBe(row.coverage >= 5000 ? null : row.variant < 5000 ? 'control' : 'treatment');
    }
  });

  it('spreads 1 M ids uniformly over the 10 000 buckets (chi-square p > 0.001) and over the variants by weight', () => {
    const counts = new Float64Array(BUCKETS);
    const experiment = new Experiment(config({ variants: [{ name: 'a', weight: 70 }, { name: 'b', weight: 30 }] }));
    let a = 0;
    for (let i = 0; i < 1_000_000; i++) {
      counts[bucketsOf('uniformity', `u${i}`).variant]++;
      if (experiment.assign(`u${i}`) === 'a') a++;
    }
    const expected = 1_000_000 / BUCKETS;
    const chi2 = counts.reduce((s, c) => s + ((c - expected) * (c - expected)) / expected, 0);
    expect(chiSquareSf(chi2, BUCKETS - 1)).toBeGreaterThan(0.001);
    expect(sampleRatioMismatch([a, 1_000_000 - a], [70, 30]).pValue).toBeGreaterThan(0.001);
  });

  it('raising the coverage only adds units; a weight change moves only the units whose range changed hands', () => {
    const narrow = new Experiment(config({ coverage: 0.3 }));
    const wide = new Experiment(config({ coverage: 0.6 }));
    const shifted = new Experiment(config({ variants: [{ name: 'control', weight: 60 }, { name: 'treatment', weight: 40 }] }));
    const full = new Experiment(config());
    let inNarrow = 0;
    let moved = 0;
    for (let i = 0; i < 100_000; i++) {
      const id = `unit-${i}`;
      const n = narrow.assign(id);
      if (n !== null) {
        inNarrow++;
        expect(wide.assign(id)).toBe(n);
      }
      if (shifted.assign(id) !== full.assign(id)) moved++;
    }
    expect(inNarrow / 100_000).toBeCloseTo(0.3, 2);
    expect(moved / 100_000).toBeCloseTo(0.1, 2); // 50/50 -> 60/40: a tenth of the units change variant
  });
});

describe('Experiment: decisions', () => {
  it('keeps running without data, ships a clear winner at the planned sample, refuses on SRM, and stops on a guardrail', () => {
    const rng = new SeededRandom(3);
    const e = new Experiment(config({ guardrails: [{ name: 'latency_ms', worse: 'higher' }] }));
    expect(e.analyze()).toMatchObject({ decision: 'keep_running', winner: null });
    const planned = e.plannedUnits();
    expect(planned).toBe(sampleSizeProportions(0.1, 0.02).control);
    for (let i = 0; i < planned; i++) {
      e.logOutcome(`c${i}`, 'control', { success: rng.uniform() < 0.1, guardrails: { latency_ms: 10 + rng.normal() } });
      e.logOutcome(`t${i}`, 'treatment', { success: rng.uniform() < 0.14, guardrails: { latency_ms: 10 + rng.normal() } });
    }
    const shipped = e.analyze();
    expect(shipped.decision).toBe('ship');
    expect(shipped.winner).toBe('treatment');
    expect(shipped.variants[1].effect!.pValue).toBeLessThan(0.05);
    expect(shipped.variants[1].effect!.interval[0]).toBeGreaterThan(0);

    const slow = new Experiment(config({ guardrails: [{ name: 'latency_ms', worse: 'higher' }] }));
    for (let i = 0; i < planned; i++) {
      slow.logOutcome(`c${i}`, 'control', { success: rng.uniform() < 0.1, guardrails: { latency_ms: 10 + rng.normal() } });
      slow.logOutcome(`t${i}`, 'treatment', { success: rng.uniform() < 0.14, guardrails: { latency_ms: 11 + rng.normal() } });
    }
    expect(slow.analyze()).toMatchObject({ decision: 'no_ship', reason: expect.stringMatching(/guardrail latency_ms got significantly worse in treatment/) });

    const skewed = new Experiment(config());
    for (let i = 0; i < 5050; i++) skewed.logOutcome(`c${i}`, 'control', { success: false });
    for (let i = 0; i < 4950; i++) skewed.logOutcome(`t${i}`, 'treatment', { success: false });
    expect(skewed.analyze().decision).toBe('no_ship'); // 50.5/49.5 of 10 000 is within chance: read, and no difference
    for (let i = 0; i < 45_000; i++) skewed.logOutcome(`c${i}`, 'control', { success: false });
    for (let i = 0; i < 44_000; i++) skewed.logOutcome(`t${i}`, 'treatment', { success: false });
    expect(skewed.analyze()).toMatchObject({ decision: 'invalid_srm' });
  });

  it('plans the sample and the runtime from the design', () => {
    const e = new Experiment(config({ coverage: 0.5, variants: [{ name: 'control', weight: 80 }, { name: 'treatment', weight: 20 }] }));
    const plan = e.plan(10_000);
    expect(plan.unitsPerVariant).toBe(sampleSizeProportions(0.1, 0.02).control);
    expect(plan.totalUnits).toBe(Math.ceil(plan.unitsPerVariant / 0.2));
    expect(plan.days).toBeCloseTo(plan.totalUnits / 5_000, 10);
  });

  it('uses CUPED when every outcome carries a covariate: a smaller standard error for the same data', () => {
    const rng = new SeededRandom(9);
    const mean = (cuped: boolean) => {
      const e = new Experiment(config({ metric: { name: 'revenue', kind: 'mean' }, design: { mde: 0.5, baseline: 10, sd: 3 } }));
      const r2 = new SeededRandom(10);
      for (let i = 0; i < 2000; i++) {
        for (const [variant, lift] of [['control', 0], ['treatment', 0.3]] as const) {
          const x = 10 + 3 * r2.normal();
          const y = x + lift + r2.normal();
          e.logOutcome(`${variant}${i}`, variant, cuped ? { value: y, covariate: x } : { value: y });
        }
      }
      return e.analyze().variants[1].effect!;
    };
    void rng;
    const plain = mean(false);
    const adjusted = mean(true);
    expect(adjusted.standardError).toBeLessThan(plain.standardError / 2);
    expect(Math.abs(adjusted.difference - 0.3)).toBeLessThan(0.1);
  });

  it('refuses bad configurations and outcomes by name', () => {
    expect(() => new Experiment(config({ variants: [{ name: 'a', weight: -1 }, { name: 'b', weight: 1 }] }))).toThrow(/weight/);
    expect(() => new Experiment(config({ variants: [{ name: 'a', weight: 0 }, { name: 'b', weight: 0 }] }))).toThrow(/positive sum/);
    expect(() => new Experiment(config({ variants: [{ name: 'a', weight: 1 }, { name: 'a', weight: 1 }] }))).toThrow(/distinct variant names/);
    const e = new Experiment(config());
    expect(() => e.assign('')).toThrow(/non-empty unit id/);
    expect(() => e.logOutcome('u', 'nope', { success: true })).toThrow(/one of the variants "control", "treatment"/);
    expect(() => e.logOutcome('u', 'control', { value: 1 })).toThrow(/boolean outcome.success/);
    const m = new Experiment(config({ metric: { name: 'revenue', kind: 'mean' }, design: { mde: 1, baseline: 10, sd: 2 } }));
    expect(() => m.logOutcome('u', 'control', { value: NaN })).toThrow(/finite outcome.value/);
    expect(() => m.logOutcome('u', 'control', { value: Infinity })).toThrow(/finite outcome.value/);
    expect(m.analyze().decision).toBe('keep_running');
  });
});

describe('Experiment statistics: seeded simulations of the error rates', () => {
  const rng = new SeededRandom(20261126);
  const N = 2000;

  it('A/A: the z-test rejects in 4.5-5.5 % of 10 000 experiments at alpha 0.05', () => {
    let rejections = 0;
    for (let e = 0; e < 10_000; e++) {
      const a = binomial(rng, N, 0.3);
      const b = binomial(rng, N, 0.3);
      if (twoProportionTest({ successes: a, n: N }, { successes: b, n: N }).pValue < 0.05) rejections++;
    }
    expect(rejections / 10_000).toBeGreaterThanOrEqual(0.045);
    expect(rejections / 10_000).toBeLessThanOrEqual(0.055);
  });

  it('peeking 14 times: the fixed-horizon test exceeds 10 % false positives, the sequential test stays at or below 5 %', () => {
    let fixed = 0;
    let sequential = 0;
    const experiments = 2000;
    const perLook = 300;
    for (let e = 0; e < experiments; e++) {
      let sa = 0;
      let sb = 0;
      let fixedHit = false;
      let minP = 1;
      for (let look = 1; look <= 14; look++) {
        sa += binomial(rng, perLook, 0.3);
        sb += binomial(rng, perLook, 0.3);
        const n = look * perLook;
        const r = twoProportionTest({ successes: sa, n }, { successes: sb, n });
        if (r.pValue < 0.05) fixedHit = true;
        minP = Math.min(minP, mixtureSprt(r.difference, r.standardError ** 2, 0.03 ** 2).pValue);
      }
      if (fixedHit) fixed++;
      if (minP < 0.05) sequential++;
    }
    expect(fixed / experiments).toBeGreaterThan(0.1);
    expect(sequential / experiments).toBeLessThanOrEqual(0.05);
  });

  it('power at the designed MDE is 0.80 +- 0.02', () => {
    const { control } = sampleSizeProportions(0.3, 0.03);
    let rejections = 0;
    const experiments = 4000;
    for (let e = 0; e < experiments; e++) {
      const a = binomial(rng, control, 0.3);
      const b = binomial(rng, control, 0.33);
      if (twoProportionTest({ successes: a, n: control }, { successes: b, n: control }).pValue < 0.05) rejections++;
    }
    expect(Math.abs(rejections / experiments - 0.8)).toBeLessThanOrEqual(0.02);
  });

  it('flags a 50.5/49.5 split of 1 M units as SRM, and not a correct 70/30 split', () => {
    expect(sampleRatioMismatch([505_000, 495_000], [50, 50]).mismatch).toBe(true);
    const a = binomial(rng, 1_000_000, 0.7);
    expect(sampleRatioMismatch([a, 1_000_000 - a], [70, 30]).mismatch).toBe(false);
  });
});
