/**
 * Promotion of an experiment's winner through the registry: the alias (champion by default) of
 * the winner's model moves to the winner's version by compare-and-set against where it pointed
 * when read, and the move's audit event carries the analysis (decision, reason, effect). The
 * registry's policy still applies: an unapproved version cannot become champion. A server that
 * follows the alias (ModelServer.follow) picks the new version up. `context` adds fields to the
 * event's reason (a pipeline run's correlation id, say).
 */
import { ExperimentDecisionError, RegistryNotFoundError, typeError } from '../errors.js';
import type { AliasChange, ModelRegistry } from '../registry/model-registry.js';
import type { Experiment, ExperimentAnalysis } from './experiment.js';

export async function promoteWinner(experiment: Experiment, registry: ModelRegistry, analysis: ExperimentAnalysis, alias = 'champion', context: Record<string, unknown> = {}): Promise<AliasChange & { winner: string; ref: string }> {
  if (analysis.decision !== 'ship' || analysis.winner === null) throw new ExperimentDecisionError(experiment.name, analysis.decision, analysis.reason);
  const variant = experiment.config.variants.find((v) => v.name === analysis.winner)!;
  if (typeof variant.model !== 'string') throw typeError(`a registry ref in the winning variant's model (e.g. "fraud/4")`, `variants.${variant.name}.model`, variant.model);
  const winner = await registry.get(variant.model);
  let current: number | null = null;
  try {
    current = (await registry.get(`${winner.name}@${alias}`)).version;
  } catch (e) {
    if (!(e instanceof RegistryNotFoundError)) throw e;
  }
  const effect = analysis.variants.find((v) => v.name === analysis.winner)!.effect;
  const reason = {
    ...context,
    experiment: experiment.name,
    decision: analysis.decision,
    reason: analysis.reason,
    winner: analysis.winner,
    units: analysis.variants.map((v) => ({ variant: v.name, units: v.units, estimate: v.estimate })),
    effect: effect && { difference: effect.difference, relativeLift: effect.relativeLift, interval: effect.interval, pValue: effect.pValue, alwaysValidPValue: effect.alwaysValidPValue },
    srmPValue: analysis.srm.pValue,
  };
  const change = await registry.setAlias(winner.name, alias, winner.version, { expectedVersion: current, reason });
  return { ...change, winner: analysis.winner, ref: winner.ref };
}
