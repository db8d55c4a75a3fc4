/**
 * An experiment served under one model name: each request is routed by its unit id (the
 * `x-mlwatch-unit` header, or `parameters.unit_id` in the body) to the model of the variant the
 * experiment assigns; units outside the coverage get the control's model and are not counted.
 * Outcomes posted for units are logged into the experiment for the variant that served them.
 */
import { InferInputError } from '../errors.js';
import type { Experiment } from '../experiment/experiment.js';
import type { ServedModel } from './served-model.js';

/** The header that carries the unit id, and the one that answers with the variant. */
export const UNIT_HEADER = 'x-mlwatch-unit';
export const VARIANT_HEADER = 'x-mlwatch-variant';

export class ServedExperiment {
  constructor(
    readonly experiment: Experiment,
    /** The variants' models, the control first. */
    readonly variants: ReadonlyMap<string, ServedModel>,
  ) {}

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
      return { unit: o.unit, variant: this.experiment.assign(o.unit), outcome: o as { success?: boolean; value?: number; covariate?: number; guardrails?: Record<string, number> } };
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
