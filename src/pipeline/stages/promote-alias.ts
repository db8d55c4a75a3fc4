/**
 * The promotion stage: points an alias (default 'champion') at the version the registration stage
 * registered, through ModelRegistry.setAlias with compare-and-set: the expected version is what
 * the alias pointed at when the stage read it, so if someone moved it meanwhile the stage fails
 * (AliasConflictError) instead of overwriting their move. The move's audit event carries the run's
 * correlation id in details.reason.
 *
 * Never twice: when a resumed run finds the alias already at its version, the stage does not move
 * it again; it reads the previous version from the audit event of its own earlier move.
 * A protected alias (champion) also needs the governance policy met (approvals, checks), or the
 * stage fails with the PolicyError's message; promote to an unprotected alias and let people
 * approve, or configure the policy, as your process requires.
 */
import { PipelineConfigError } from '../../errors.js';
import { checkAlias } from '../../registry/model-ref.js';
import type { StageContext, StageDefinition } from '../stage.js';
import { aliasVersion, type RegistrationOutput } from './register-model.js';

export interface PromoteAliasOptions {
  /** Stage name (default 'promote'). */
  name?: string;
  /** Default 'champion'. */
  alias?: string;
  /** The registration stage whose version is promoted (default 'register'). */
  registrationStage?: string;
}

export interface PromotionOutput {
  alias: string;
  version: number;
  /** The version the alias pointed at before, or null. */
  previous: number | null;
  /** True when a resumed run found its own earlier move. */
  reused: boolean;
}

/** The promotion stage (see the file comment). */
export function promoteAliasStage(options: PromoteAliasOptions = {}): StageDefinition {
  if (typeof options !== 'object' || options === null) throw new PipelineConfigError('promoteAliasStage options', 'expected { alias?, registrationStage? }');
  const alias = options.alias ?? 'champion';
  checkAlias(alias);
  const registration = options.registrationStage ?? 'register';
  return {
    name: options.name ?? 'promote',
    needs: [registration],
    run: async (ctx): Promise<PromotionOutput> => {
      const { registry, run } = ctx;
      const version = (ctx.outputs[registration] as RegistrationOutput).version;
      const current = await aliasVersion(ctx, alias);
      if (current === version) return { alias, version, previous: await previousOfOwnMove(ctx, run.model, alias), reused: true };
      const moved = await registry.setAlias(run.model, alias, version, { expectedVersion: current, reason: { correlationId: run.correlationId, pipeline: run.pipeline, run: run.id } });
      return { alias, version, previous: moved.previous, reused: false };
    },
    audit: (output) => {
      const o = output as PromotionOutput;
      return { promoted: `${o.alias} -> ${o.version}`, previous: o.previous, reused: o.reused };
    },
  };
}

/**
 * The version an alias pointed at before this run moved it, read from the audit event of the
 * run's own move (its reason carries the correlation id); null when the run did not move it
 * (someone else did) or the alias was new. For stages that find their move done after a crash.
 */
export async function previousOfOwnMove(ctx: StageContext, model: string, alias: string): Promise<number | null> {
  // the move happened during this run: reading from its start keeps the search short however often the alias moved before
  const events = await ctx.registry.auditEvents({ resource: `${model}@${alias}`, since: ctx.run.startedAt });
  const ours = events.find((e) => e.outcome === 'ok' && (e.details.reason as { correlationId?: string } | undefined)?.correlationId === ctx.run.correlationId);
  return ours ? (ours.details.previous as number | null) : null;
}
