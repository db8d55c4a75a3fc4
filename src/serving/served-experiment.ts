/**
 * An experiment served under one model name: each request is routed by its unit id (the
 * `x-mlwatch-unit` header, or `parameters.unit_id` in the body) to the model of the variant the
 * experiment assigns; units outside the coverage get the control's model and are not counted.
 * Outcomes posted for units are logged into the experiment for the variant that served them and,
 * when the experiment lives in the registry's database, synced there on a timer (and once more
 * when the experiment stops being served), so that the database holds every server's outcomes.
 */
import { InferInputError } from '../errors.js';
import type { Experiment, UnitOutcome } from '../experiment/experiment.js';
import type { ExperimentStore } from '../experiment/experiment-store.js';
import type { ServedModel } from './served-model.js';

/** The header that carries the unit id, and the one that answers with the variant. */
export const UNIT_HEADER = 'x-mlwatch-unit';
export const VARIANT_HEADER = 'x-mlwatch-variant';

/** How an experiment's outcomes reach the registry's database. */
export interface ExperimentSync {
  store: ExperimentStore;
  /** Milliseconds between syncs (>= 10). Default 1000. */
  everyMs?: number;
}

export class ServedExperiment {
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;
  /** The time of the last sync that worked (epoch ms), and the last sync's error (null when it worked). */
  readonly syncState = { lastSyncAt: null as number | null, lastError: null as string | null };

  constructor(
    readonly experiment: Experiment,
    /** The variants' models, the control first. */
    readonly variants: ReadonlyMap<string, ServedModel>,
    private readonly sync?: ExperimentSync,
  ) {
    if (sync) this.timer = setInterval(() => void this.syncNow().catch(() => {}), sync.everyMs ?? 1000).unref();
  }

  /**
   * Syncs the outcomes logged so far to the database now (one sync at a time; a call during a
   * sync waits for it and then syncs again). Resolves at once when there is no store.
   *
   * @throws the store's errors (recorded in syncState as well; the outcomes stay for the next sync)
   */
  async syncNow(): Promise<void> {
    if (!this.sync) return;
    while (this.syncing) await this.syncing.catch(() => {});
    this.syncing = this.sync.store.sync(this.experiment);
    try {
      await this.syncing;
      this.syncState.lastSyncAt = Date.now();
      this.syncState.lastError = null;
    } catch (e) {
      this.syncState.lastError = (e as Error).message;
      throw e;
    } finally {
      this.syncing = null;
    }
  }

  /**
   * Stops the timer and syncs a last time. A failure is kept in syncState, not thrown: the
   * experiment may have ended in the database already (its late outcomes are not counted), and
   * stopping must go on either way.
   */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.syncNow().catch(() => {});
  }

  /** The control's model (metadata, readiness, units outside the coverage). */
  get control(): ServedModel {
    return this.variants.values().next().value!;
  }

  /** The unit id of a request, from the header or the body's parameters. */
  unitOf(header: unknown, body: unknown): string {
    const fromBody = (body as { parameters?: { unit_id?: unknown } } | null)?.parameters?.unit_id;
    const unit = typeof header === 'string' ? header : fromBody;
    if (typeof unit !== 'string' || unit === '') {
      throw new InferInputError(`this model runs experiment ${JSON.stringify(this.experiment.name)}: send the unit id (a non-empty string) in the ${UNIT_HEADER} header or in parameters.unit_id`);
    }
    return unit;
  }

  /** The variant and model serving a unit (the control's, outside the coverage). */
  route(unit: string): { variant: string; model: ServedModel; inExperiment: boolean } {
    const variant = this.experiment.assign(unit);
    if (variant === null) return { variant: this.experiment.config.variants[0].name, model: this.control, inExperiment: false };
    return { variant, model: this.variants.get(variant)!, inExperiment: true };
  }

  /**
   * Logs `{ "outcomes": [{ "unit": string, "success"?: boolean, "value"?: number, "covariate"?: number,
   * "guardrails"?: { name: number } }] }`; returns how many were logged and the units outside the experiment.
   *
   * @throws InferInputError naming the first outcome that cannot be logged (nothing is logged then)
   */
  logOutcomes(body: unknown): { logged: number; outsideExperiment: string[] } {
    const outcomes = (body as { outcomes?: unknown } | null)?.outcomes;
    if (!Array.isArray(outcomes)) throw new InferInputError('outcomes: expected { "outcomes": [{ "unit": string, "success"?: boolean, "value"?: number }] }');
    const placed = outcomes.map((x, k) => {
      const o = (x ?? {}) as { unit?: unknown; success?: unknown; value?: unknown; covariate?: unknown; guardrails?: unknown };
      if (typeof o.unit !== 'string' || o.unit === '') throw new InferInputError(`outcomes[${k}].unit: expected the unit id (a non-empty string)`);
      return { unit: o.unit, variant: this.experiment.assign(o.unit), outcome: o as UnitOutcome };
    });
    // check every outcome before logging any, so a bad one leaves the statistics as they were
    const check = this.experiment.checkOutcome.bind(this.experiment);
    placed.forEach((p, k) => {
      if (p.variant === null) return;
      try {
        check(p.variant, p.outcome);
      } catch (e) {
        throw new InferInputError(`outcomes[${k}]: ${(e as Error).message}`);
      }
    });
    const outsideExperiment: string[] = [];
    let logged = 0;
    for (const p of placed) {
      if (p.variant === null) outsideExperiment.push(p.unit);
      else {
        this.experiment.logOutcome(p.unit, p.variant, p.outcome);
        logged++;
      }
    }
    return { logged, outsideExperiment };
  }
}
