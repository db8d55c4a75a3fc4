/**
 * A variant's outcomes as sufficient statistics, updated in place (no allocation per outcome):
 * the count of units, successes (for a proportion metric), and running means and co-moments of
 * the value and the pre-period covariate (Welford's updates, so sums of squares never cancel),
 * plus a running mean and M2 per guardrail metric. Two of them merge exactly as if one had seen
 * both streams (Chan et al.'s pairwise update), which is how outcomes logged by several server
 * processes add up in the registry's database (experiment-store.ts).
 */
import type { PairedMoments } from './stats/cuped.js';
import type { MeanSample } from './stats/welch.js';

export class OutcomeStats {
  units = 0;
  successes = 0;
  /** Outcomes with a value. */
  n = 0;
  meanY = 0;
  m2Y = 0;
  /** Outcomes with both a value and a covariate. */
  paired = 0;
  pairedMeanY = 0;
  meanX = 0;
  m2X = 0;
  m2PairedY = 0;
  cXY = 0;
  readonly guardrails: Float64Array;

  constructor(guardrailCount: number) {
    this.guardrails = new Float64Array(3 * guardrailCount); // n, mean, M2 each
  }

  addValue(y: number): void {
    this.n++;
    const d = y - this.meanY;
    this.meanY += d / this.n;
    this.m2Y += d * (y - this.meanY);
  }

  addPair(y: number, x: number): void {
    this.paired++;
    const dx = x - this.meanX;
    const dy = y - this.pairedMeanY;
    this.meanX += dx / this.paired;
    this.pairedMeanY += dy / this.paired;
    this.m2X += dx * (x - this.meanX);
    this.m2PairedY += dy * (y - this.pairedMeanY);
    this.cXY += dx * (y - this.pairedMeanY);
  }

  addGuardrail(k: number, v: number): void {
    const g = this.guardrails;
    const n = ++g[3 * k];
    const d = v - g[3 * k + 1];
    g[3 * k + 1] += d / n;
    g[3 * k + 2] += d * (v - g[3 * k + 1]);
  }

  /** Adds `other`'s outcomes to these (Chan et al.'s update for the means and co-moments). */
  merge(other: OutcomeStats): void {
    this.units += other.units;
    this.successes += other.successes;
    const nb = other.n;
    if (nb > 0) {
      const n = this.n + nb;
      const d = other.meanY - this.meanY;
      this.m2Y += other.m2Y + (d * d * this.n * nb) / n;
      this.meanY += (d * nb) / n;
      this.n = n;
    }
    const pb = other.paired;
    if (pb > 0) {
      const pa = this.paired;
      const p = pa + pb;
      const dx = other.meanX - this.meanX;
      const dy = other.pairedMeanY - this.pairedMeanY;
      const w = (pa * pb) / p;
      this.m2X += other.m2X + dx * dx * w;
      this.m2PairedY += other.m2PairedY + dy * dy * w;
      this.cXY += other.cXY + dx * dy * w;
      this.meanX += (dx * pb) / p;
      this.pairedMeanY += (dy * pb) / p;
      this.paired = p;
    }
    const g = this.guardrails;
    const h = other.guardrails;
    for (let k = 0; k < g.length; k += 3) {
      const nb = h[k];
      if (nb === 0) continue;
      const n = g[k] + nb;
      const d = h[k + 1] - g[k + 1];
      g[k + 2] += h[k + 2] + (d * d * g[k] * nb) / n;
      g[k + 1] += (d * nb) / n;
      g[k] = n;
    }
  }

  /** The statistics as a plain object (JSON keeps every double exactly). */
  toJSON(): OutcomeStatsJson {
    const { units, successes, n, meanY, m2Y, paired, pairedMeanY, meanX, m2X, m2PairedY, cXY } = this;
    return { units, successes, n, meanY, m2Y, paired, pairedMeanY, meanX, m2X, m2PairedY, cXY, guardrails: [...this.guardrails] };
  }

  /**
   * Statistics read back from toJSON()'s form.
   *
   * @throws TypeError when a field is missing or not a finite number, or the guardrails do not match
   */
  static fromJSON(json: unknown, guardrailCount: number): OutcomeStats {
    const s = new OutcomeStats(guardrailCount);
    const o = json as Record<string, unknown> | null;
    for (const key of SCALARS) {
      const v = o?.[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`outcome statistics: expected a finite number in ${key}, got ${JSON.stringify(v)}`);
      s[key] = v;
    }
    const g = o?.guardrails;
    if (!Array.isArray(g) || g.length !== 3 * guardrailCount || !g.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new TypeError(`outcome statistics: expected ${3 * guardrailCount} finite guardrail numbers, got ${JSON.stringify(g)}`);
    }
    s.guardrails.set(g as number[]);
    return s;
  }

  /** The value's sample (sample variance, ddof = 1). */
  valueSample(): MeanSample {
    return { n: this.n, mean: this.meanY, variance: this.n > 1 ? this.m2Y / (this.n - 1) : 0 };
  }

  pairedMoments(): PairedMoments {
    return { n: this.paired, meanY: this.pairedMeanY, meanX: this.meanX, m2Y: this.m2PairedY, m2X: this.m2X, cXY: this.cXY };
  }

  guardrailSample(k: number): MeanSample {
    const n = this.guardrails[3 * k];
    return { n, mean: this.guardrails[3 * k + 1], variance: n > 1 ? this.guardrails[3 * k + 2] / (n - 1) : 0 };
  }
}

const SCALARS = ['units', 'successes', 'n', 'meanY', 'm2Y', 'paired', 'pairedMeanY', 'meanX', 'm2X', 'm2PairedY', 'cXY'] as const;

/** OutcomeStats as stored: its scalar fields and the guardrails' (n, mean, M2) triples. */
export type OutcomeStatsJson = Record<(typeof SCALARS)[number], number> & { guardrails: number[] };
