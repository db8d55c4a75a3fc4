/**
 * Experiment: an A/B (or A/B/n) test of model variants. Units are assigned by a seeded hash
 * (assignment.ts), outcomes are folded into sufficient statistics as they are logged, and
 * analyze() checks the sample ratio, estimates each treatment's effect against the control (the
 * first variant), with the always-valid sequential p-value when the design asks for it, checks
 * the guardrails, and decides: ship, no_ship, keep_running or invalid_srm, with the reason.
 */
import { rangeError, requireNumber, typeError } from '../errors.js';
import { bothHashes, BUCKETS, fnv1aBoth, prefixStates, rangeEnds } from './assignment.js';
import { OutcomeStats } from './outcome-stats.js';
import { cupedAdjust } from './stats/cuped.js';
import { mdeMeans, mdeProportions, powerMeans, powerProportions, sampleSizeMeans, sampleSizeProportions } from './stats/sample-size.js';
import { mixtureSprt } from './stats/sequential.js';
import { sampleRatioMismatch, type SrmResult } from './stats/srm.js';
import { twoProportionTest, type EffectEstimate } from './stats/two-proportion.js';
import { welchTest, type MeanSample } from './stats/welch.js';
import { promoteWinner } from './promote-winner.js';
import { NAME } from '../registry/model-ref.js';
import type { AliasChange, ModelRegistry } from '../registry/model-registry.js';

export interface VariantConfig {
  name: string;
  /** Share of the covered traffic, relative to the other weights (>= 0). */
  weight: number;
  /** The model it serves (a registry ref such as "fraud/4"), for promotion. */
  model?: string;
}

export interface ExperimentConfig {
  name: string;
  /** Seed of the assignment hash. Default: the name. */
  seed?: string;
  /** Share of units in the experiment, (0, 1]. Default 1. */
  coverage?: number;
  /** The control first. */
  variants: readonly VariantConfig[];
  /** The primary metric: a success rate or a mean, and which way is better. */
  metric: { name: string; kind: 'proportion' | 'mean'; better?: 'higher' | 'lower' };
  /** Metrics that must not get significantly worse (`worse` says which way is worse). */
  guardrails?: readonly { name: string; worse: 'higher' | 'lower' }[];
  design: {
    /** Default 0.05 (two-sided; split evenly over the treatments). */
    alpha?: number;
    /** Default 0.8. */
    power?: number;
    /** The smallest effect worth detecting: absolute, or relative to the baseline when mdeRelative. */
    mde: number;
    mdeRelative?: boolean;
    /** The control's expected rate (proportion) or mean (mean metric). */
    baseline: number;
    /** The metric's standard deviation (mean metric only). */
    sd?: number;
    /** Always-valid (mSPRT) inference: may be read and decided at any look. Default false (fixed horizon). */
    sequential?: boolean;
  };
  /** The SRM alarm: p below this (default 0.001) with at least minUnits units (default 1000). */
  srm?: { threshold?: number; minUnits?: number };
}

/** One unit's outcome: `success` for a proportion metric, `value` (and a pre-period `covariate`) for a mean, and guardrail values. */
export type UnitOutcome = { success?: boolean; value?: number; covariate?: number; guardrails?: Record<string, number> };

/** What the experiment decides now. */
export type Decision = 'ship' | 'no_ship' | 'keep_running' | 'invalid_srm';

export interface VariantAnalysis {
  name: string;
  units: number;
  /** The metric's estimate: the rate or the (CUPED-adjusted when covariates were logged) mean. */
  estimate: number;
  /** Against the control; null for the control itself. */
  effect: (EffectEstimate & { alwaysValidPValue: number | null; power: number }) | null;
  /** Per guardrail: the difference against the control and its p-value; worse says it got significantly worse. */
  guardrails: { name: string; difference: number; pValue: number; worse: boolean }[];
}

export interface ExperimentAnalysis {
  decision: Decision;
  /** Why, in a sentence. */
  reason: string;
  /** The variant to ship, when the decision is ship. */
  winner: string | null;
  srm: SrmResult;
  variants: VariantAnalysis[];
  /** Units per variant the design needs (fixed horizon). */
  plannedUnits: number;
  /** The significance level per comparison (alpha / treatments). */
  alphaPerComparison: number;
}

export class Experiment {
  readonly name: string;
  readonly config: ExperimentConfig;
  private readonly ends: Int32Array;
  private readonly coverageCut: number;
  private readonly states: { coverage: number; variant: number };
  private readonly stats: OutcomeStats[];
  /** The outcomes logged since the last sync to the registry's database (null until the first sync). */
  private unsynced: OutcomeStats[] | null = null;
  private readonly indexOf = new Map<string, number>();
  private readonly guardrailIndex = new Map<string, number>();
  /** Running minimum of each treatment's always-valid p-value over the looks so far. */
  private readonly alwaysValid: number[];

  constructor(config: ExperimentConfig) {
    if (typeof config !== 'object' || config === null) throw typeError('an experiment config', 'config', config);
    if (typeof config.name !== 'string' || !NAME.test(config.name)) throw typeError('a name of letters, digits, ".", "_" or "-"', 'config.name', config.name);
    if (!Array.isArray(config.variants) || config.variants.length < 2) throw rangeError('at least two variants (the control first)', 'config.variants', String(config.variants?.length ?? config.variants));
    config.variants.forEach((v, k) => {
      if (typeof v?.name !== 'string' || !NAME.test(v.name)) throw typeError('a variant name of letters, digits, ".", "_" or "-"', `config.variants[${k}].name`, v?.name);
      if (this.indexOf.has(v.name)) throw rangeError('distinct variant names', `config.variants[${k}].name`, JSON.stringify(v.name));
      this.indexOf.set(v.name, k);
      requireNumber(v.weight, `config.variants[${k}].weight`, 0);
    });
    if (!config.variants.some((v) => v.weight > 0)) throw rangeError('weights with a positive sum', 'config.variants[].weight', config.variants.map((v) => v.weight).join(', '));
    const coverage = requireNumber(config.coverage ?? 1, 'config.coverage', 0, 1);
    if (!(coverage > 0)) throw rangeError('a coverage in (0, 1]', 'config.coverage', String(coverage));
    if (!['proportion', 'mean'].includes(config.metric?.kind)) throw typeError("a metric { name, kind: 'proportion' | 'mean' }", 'config.metric', config.metric);
    (config.guardrails ?? []).forEach((g, k) => {
      if (typeof g?.name !== 'string' || !['higher', 'lower'].includes(g.worse)) throw typeError("a guardrail { name, worse: 'higher' | 'lower' }", `config.guardrails[${k}]`, g);
      this.guardrailIndex.set(g.name, k);
    });
    const d = config.design;
    if (typeof d !== 'object' || d === null) throw typeError('a design { mde, baseline, ... }', 'config.design', d);
    requireNumber(d.mde, 'config.design.mde');
    requireNumber(d.baseline, 'config.design.baseline');
    if (config.metric.kind === 'mean') requireNumber(d.sd, 'config.design.sd (the metric standard deviation)', 0);
    this.name = config.name;
    this.config = config;
    this.ends = rangeEnds(config.variants.map((v) => v.weight));
    this.coverageCut = Math.round(coverage * BUCKETS);
    this.states = prefixStates(config.seed ?? config.name);
    this.stats = config.variants.map(() => new OutcomeStats(config.guardrails?.length ?? 0));
    this.alwaysValid = config.variants.map(() => 1);
    this.plannedUnits(); // checks the design's numbers
  }

  /** The variant serving `unitId`, or null when the unit is outside the coverage. */
  assign(unitId: string): string | null {
    if (typeof unitId !== 'string' || unitId === '') throw typeError('a non-empty unit id', 'unitId', unitId);
    fnv1aBoth(this.states.coverage, this.states.variant, unitId);
    if (bothHashes[0] % BUCKETS >= this.coverageCut) return null;
    const bucket = bothHashes[1] % BUCKETS;
    const ends = this.ends;
    let k = 0;
    while (bucket >= ends[k]) k++;
    return this.config.variants[k].name;
  }

  /**
   * Logs one unit's outcome for the variant that served it: `success` for a proportion metric,
   * `value` for a mean (with an optional pre-period `covariate` for CUPED), and guardrail values.
   * Log once per unit: the sample-ratio check counts units by their outcomes.
   */
  logOutcome(unitId: string, variant: string, outcome: UnitOutcome): void {
    if (typeof unitId !== 'string' || unitId === '') throw typeError('a non-empty unit id', 'unitId', unitId);
    const k = this.checkOutcome(variant, outcome);
    this.record(this.stats[k], outcome);
    if (this.unsynced !== null) this.record(this.unsynced[k], outcome);
  }

  private record(s: OutcomeStats, outcome: UnitOutcome): void {
    const guardrails = outcome.guardrails;
    s.units++;
    if (this.config.metric.kind === 'proportion') {
      if (outcome.success) s.successes++;
    } else {
      s.addValue(outcome.value!);
      if (outcome.covariate !== undefined) s.addPair(outcome.value!, outcome.covariate);
    }
    if (guardrails !== undefined) for (const name in guardrails) s.addGuardrail(this.guardrailIndex.get(name)!, guardrails[name]);
  }

  /**
   * For ExperimentStore: hands over the outcomes logged since the last sync (on the first call,
   * every outcome so far) and keeps the ones logged from now on apart, for the next sync.
   */
  takeUnsynced(): OutcomeStats[] {
    const guardrails = this.config.guardrails?.length ?? 0;
    const taken = this.unsynced ?? this.stats.map((s) => OutcomeStats.fromJSON(s.toJSON(), guardrails));
    this.unsynced = this.stats.map(() => new OutcomeStats(this.config.guardrails?.length ?? 0));
    return taken;
  }

  /** For ExperimentStore: gives back what takeUnsynced() handed over when the sync failed, so no outcome is lost. */
  returnUnsynced(taken: readonly OutcomeStats[]): void {
    if (this.unsynced === null) this.unsynced = this.stats.map(() => new OutcomeStats(this.config.guardrails?.length ?? 0));
    taken.forEach((t, k) => this.unsynced![k].merge(t));
  }

  /**
   * For ExperimentStore: the totals now in the database (every process's outcomes) become this
   * experiment's statistics, plus what was logged here since they were written; the always-valid
   * p-values keep the lower of each. It keeps `totals` (the caller gives them up).
   */
  adoptSynced(totals: OutcomeStats[], alwaysValid: readonly number[]): void {
    totals.forEach((t, k) => {
      this.stats[k] = t;
      if (this.unsynced !== null) t.merge(this.unsynced[k]);
      this.alwaysValid[k] = Math.min(this.alwaysValid[k], alwaysValid[k]);
    });
  }

  /** Per variant, the lowest always-valid p-value over the looks so far (1 for the control and before any look). */
  alwaysValidMinima(): readonly number[] {
    return this.alwaysValid;
  }

  /**
   * Checks an outcome as logOutcome would, without logging it; returns the variant's index.
   *
   * @throws TypeError or RangeError naming the field
   */
  checkOutcome(variant: string, outcome: UnitOutcome): number {
    const k = this.indexOf.get(variant);
    if (k === undefined) throw rangeError(`one of the variants ${[...this.indexOf.keys()].map((n) => JSON.stringify(n)).join(', ')}`, 'variant', JSON.stringify(variant));
    if (this.config.metric.kind === 'proportion') {
      if (typeof outcome?.success !== 'boolean') throw typeError('a boolean outcome.success (the metric is a proportion)', 'outcome.success', outcome?.success);
    } else {
      const v = outcome?.value;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw typeError('a finite outcome.value (the metric is a mean)', 'outcome.value', v);
      const x = outcome.covariate;
      if (x !== undefined && (typeof x !== 'number' || !Number.isFinite(x))) throw typeError('a finite outcome.covariate', 'outcome.covariate', x);
    }
    const guardrails = outcome.guardrails;
    if (guardrails !== undefined) {
      if (typeof guardrails !== 'object' || guardrails === null) throw typeError('an object of guardrail values', 'outcome.guardrails', guardrails);
      for (const name in guardrails) {
        const g = this.guardrailIndex.get(name);
        const v = guardrails[name];
        if (g === undefined) throw rangeError('a configured guardrail', `outcome.guardrails.${name}`, 'an unknown name');
        if (typeof v !== 'number' || !Number.isFinite(v)) throw typeError('a finite number', `outcome.guardrails.${name}`, v);
      }
    }
    return k;
  }

  /** Units per variant the design needs (for the smallest-weight comparison, fixed horizon). */
  plannedUnits(): number {
    const d = this.config.design;
    const mde = d.mdeRelative ? d.mde * d.baseline : d.mde;
    const design = { alpha: this.alphaPerComparison(), power: d.power ?? 0.8 };
    const n = this.config.metric.kind === 'proportion' ? sampleSizeProportions(d.baseline, mde, design) : sampleSizeMeans(d.sd!, mde, design);
    return n.control;
  }

  /** The sample the design needs and how long it takes at unitsPerDay units (before coverage). */
  plan(unitsPerDay: number): { unitsPerVariant: number; totalUnits: number; days: number } {
    requireNumber(unitsPerDay, 'unitsPerDay', 0);
    const perVariant = this.plannedUnits();
    const weights = this.config.variants.map((v) => v.weight);
    const sum = weights.reduce((s, w) => s + w, 0);
    const smallest = Math.min(...weights.filter((w) => w > 0)) / sum;
    const totalUnits = Math.ceil(perVariant / smallest);
    const coverage = this.coverageCut / BUCKETS;
    return { unitsPerVariant: perVariant, totalUnits, days: unitsPerDay > 0 ? totalUnits / (unitsPerDay * coverage) : Infinity };
  }

  private alphaPerComparison(): number {
    const treatments = this.config.variants.filter((v, k) => k > 0 && v.weight > 0).length;
    return (this.config.design.alpha ?? 0.05) / Math.max(1, treatments);
  }

  /** Checks, estimates and decides (see ExperimentAnalysis). Each call is one look for the sequential test. */
  analyze(): ExperimentAnalysis {
    const cfg = this.config;
    const alpha = this.alphaPerComparison();
    const plannedUnits = this.plannedUnits();
    const units = this.stats.map((s) => s.units);
    const srm = sampleRatioMismatch(units, cfg.variants.map((v) => v.weight), cfg.srm);
    const samples = this.metricSamples();
    const better = cfg.metric.better ?? 'higher';
    const d = cfg.design;
    const mde = d.mdeRelative ? d.mde * d.baseline : d.mde;
    const variants: VariantAnalysis[] = cfg.variants.map((v, k) => ({
      name: v.name,
      units: units[k],
      estimate: samples[k].mean,
      effect: k === 0 ? null : this.effect(k, samples, alpha, mde),
      guardrails: k === 0 ? [] : this.guardrailChecks(k, alpha),
    }));
    const base = { srm, variants, plannedUnits, alphaPerComparison: alpha };
    const decide = (decision: Decision, reason: string, winner: string | null = null): ExperimentAnalysis => ({ decision, reason, winner, ...base });
    if (srm.mismatch) return decide('invalid_srm', `sample ratio mismatch: units ${units.join(' / ')} against weights ${cfg.variants.map((v) => v.weight).join(' / ')} (p = ${srm.pValue.toExponential(2)}); check the assignment and the logging before reading any effect`);
    const treatments = variants.filter((v, k) => k > 0 && cfg.variants[k].weight > 0);
    if (units[0] < 2 || treatments.some((t) => t.units < 2)) return decide('keep_running', 'not enough outcomes yet: every variant needs at least 2');
    const harmed = treatments.find((t) => t.guardrails.some((g) => g.worse));
    if (harmed) return decide('no_ship', `guardrail ${harmed.guardrails.find((g) => g.worse)!.name} got significantly worse in ${harmed.name}`);
    const sign = better === 'higher' ? 1 : -1;
    const reached = treatments.every((t) => t.units >= plannedUnits) && units[0] >= plannedUnits;
    const significant = (t: VariantAnalysis) => (d.sequential ? t.effect!.alwaysValidPValue! < alpha : reached && t.effect!.pValue < alpha);
    const winners = treatments.filter((t) => significant(t) && sign * t.effect!.difference > 0).sort((x, y) => sign * (y.effect!.difference - x.effect!.difference));
    if (winners.length > 0) return decide('ship', `${winners[0].name} is significantly ${better} than ${cfg.variants[0].name} on ${cfg.metric.name} (${d.sequential ? 'always-valid ' : ''}p = ${(d.sequential ? winners[0].effect!.alwaysValidPValue! : winners[0].effect!.pValue).toExponential(2)} < ${alpha})`, winners[0].name);
    if (treatments.every((t) => significant(t) && sign * t.effect!.difference < 0)) return decide('no_ship', `every treatment is significantly ${better === 'higher' ? 'lower' : 'higher'} than the control on ${cfg.metric.name}`);
    if (reached) return decide('no_ship', `no significant difference on ${cfg.metric.name} at the planned ${plannedUnits} units per variant`);
    return decide('keep_running', `${Math.min(...units)} of the planned ${plannedUnits} units per variant${d.sequential ? ', and no always-valid p-value below alpha yet' : ''}`);
  }

  /** Per variant, the primary metric as a mean sample (a rate is the mean of 0/1 outcomes). */
  private metricSamples(): MeanSample[] {
    if (this.config.metric.kind === 'proportion') return this.stats.map((s) => ({ n: s.units, mean: s.units ? s.successes / s.units : NaN, variance: 0 }));
    const withCovariates = this.stats.every((s) => s.paired === s.n && s.n > 1);
    return withCovariates ? cupedAdjust(this.stats.map((s) => s.pairedMoments())).adjusted : this.stats.map((s) => s.valueSample());
  }

  private effect(k: number, samples: MeanSample[], alpha: number, mde: number): VariantAnalysis['effect'] {
    const cfg = this.config;
    const a = this.stats[0];
    const b = this.stats[k];
    if (a.units < 2 || b.units < 2) return null;
    const e = cfg.metric.kind === 'proportion' ? twoProportionTest({ successes: a.successes, n: a.units }, { successes: b.successes, n: b.units }, alpha) : welchTest(samples[0], samples[k], alpha);
    let alwaysValidPValue: number | null = null;
    if (cfg.design.sequential) {
      const look = mixtureSprt(e.difference, e.standardError * e.standardError, mde * mde, alpha);
      this.alwaysValid[k] = Math.min(this.alwaysValid[k], look.pValue);
      alwaysValidPValue = this.alwaysValid[k];
    }
    const ratio = b.units / a.units;
    const power =
      cfg.metric.kind === 'proportion'
        ? cfg.design.baseline + mde > 0 && cfg.design.baseline + mde < 1
          ? powerProportions(cfg.design.baseline, mde, a.units, { alpha, ratio })
          : NaN
        : powerMeans(cfg.design.sd!, mde, a.units, { alpha, ratio });
    return { ...e, alwaysValidPValue, power };
  }

  private guardrailChecks(k: number, alpha: number): VariantAnalysis['guardrails'] {
    return (this.config.guardrails ?? []).map((g, i) => {
      const a = this.stats[0].guardrailSample(i);
      const b = this.stats[k].guardrailSample(i);
      if (a.n < 2 || b.n < 2) return { name: g.name, difference: NaN, pValue: 1, worse: false };
      const t = welchTest(a, b, alpha);
      const worse = t.pValue < alpha && (g.worse === 'higher' ? t.difference > 0 : t.difference < 0);
      return { name: g.name, difference: t.difference, pValue: t.pValue, worse };
    });
  }

  /**
   * Moves `alias` (default champion) of the winner's registry model to the winner's version, as
   * compare-and-set, with this analysis (and `context`'s fields) in the audit event (promote-winner.ts).
   *
   * @throws ExperimentDecisionError unless analysis.decision is 'ship'; the registry's errors (PolicyError, AliasConflictError, ...)
   */
  promoteWinner(registry: ModelRegistry, analysis: ExperimentAnalysis, alias = 'champion', context: Record<string, unknown> = {}): Promise<AliasChange & { winner: string; ref: string }> {
    return promoteWinner(this, registry, analysis, alias, context);
  }

  /** The MDE the design detects with `units` per variant. */
  mdeAt(units: number): number {
    const d = this.config.design;
    const design = { alpha: this.alphaPerComparison(), power: d.power ?? 0.8 };
    return this.config.metric.kind === 'proportion' ? mdeProportions(d.baseline, units, design) : mdeMeans(d.sd!, units, design);
  }
}
