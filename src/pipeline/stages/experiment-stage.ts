/**
 * The experiment stages: a pipeline starts an A/B experiment of the version it registered, kept
 * in the registry's database (ExperimentStore), and promotes the winner when the experiment ships.
 *
 * startExperimentStage creates the experiment from the run's definition and hands it to the
 * caller to serve (ModelServer.startExperiment, say). Never twice: a resumed run finds the
 * experiment of that name and opens it (output.reused), and hands it over again, since the
 * process that served it is gone.
 *
 * promoteWhenShippedStage waits for the caller's `decided` (an analysis whose decision is not
 * keep_running: a daily look, say), ends the experiment with that analysis, and when it says ship
 * moves the alias (default champion) to the winner's version by compare-and-set, with the
 * analysis and the run's correlation id in the audit event. The stage's gate passes only on ship:
 * an experiment that does not ship ends the run as rejected, with the decision's reason. A
 * resumed run reads the analysis of an experiment already ended and finds an alias already moved.
 */
import { ExperimentStateError, PipelineConfigError } from '../../errors.js';
import type { Experiment, ExperimentAnalysis, ExperimentConfig } from '../../experiment/experiment.js';
import type { ExperimentStore } from '../../experiment/experiment-store.js';
import type { AliasChange } from '../../registry/model-registry.js';
import type { StageContext, StageDefinition } from '../stage.js';
import { previousOfOwnMove } from './promote-alias.js';
import { aliasVersion } from './register-model.js';

export interface StartExperimentOptions {
  /** Stage name (default 'experiment'). */
  name?: string;
  store: ExperimentStore;
  /** The experiment's definition for this run (name it after the run: one experiment per run). */
  config: (ctx: StageContext) => ExperimentConfig | Promise<ExperimentConfig>;
  /** Serves it (e.g. server.startExperiment); called again when a resumed run reopens it. */
  onStarted?: (experiment: Experiment, ctx: StageContext) => unknown;
  /** Stages whose outputs config reads (default ['register']). */
  needs?: readonly string[];
}

export interface StartedExperiment {
  experiment: string;
  variants: { name: string; weight: number; model: string | null }[];
  /** True when a resumed run found the experiment it had created. */
  reused: boolean;
}

export interface PromoteWhenShippedOptions {
  /** Stage name (default 'ship'). */
  name?: string;
  store: ExperimentStore;
  /** The startExperimentStage whose experiment this is (default 'experiment'). */
  experimentStage?: string;
  /** Resolves with the analysis that decides (ship, no_ship or invalid_srm), e.g. after daily looks. */
  decided: (experiment: string, ctx: StageContext) => Promise<ExperimentAnalysis>;
  /** The alias the winner takes (default 'champion'). */
  alias?: string;
  /** Called after the alias moved (e.g. to end the experiment on the server with the winner). */
  onPromoted?: (change: AliasChange & { winner: string; ref: string }, ctx: StageContext) => unknown;
  /** Called when the experiment ended without a winner (e.g. to go back to the champion alone). */
  onNotShipped?: (analysis: ExperimentAnalysis, ctx: StageContext) => unknown;
}

export interface ShippedOutput {
  experiment: string;
  decision: ExperimentAnalysis['decision'];
  reason: string;
  winner: string | null;
  /** The alias move, or null when the experiment did not ship. */
  promoted: { alias: string; version: number; previous: number | null; ref: string; reused: boolean } | null;
}

/** The stage that starts the run's experiment (see the file comment). */
export function startExperimentStage(options: StartExperimentOptions): StageDefinition {
  checkOptions('startExperimentStage', options, ['config']);
  return {
    name: options.name ?? 'experiment',
    needs: options.needs ?? ['register'],
    run: async (ctx): Promise<StartedExperiment> => {
      const config = await options.config(ctx);
      let experiment: Experiment;
      let reused = false;
      try {
        experiment = await options.store.create(config);
      } catch (error) {
        if (!(error instanceof ExperimentStateError) || !ctx.retry) throw error;
        experiment = await options.store.open(config.name); // created before the crash
        reused = true;
      }
      await options.onStarted?.(experiment, ctx);
      return { experiment: experiment.name, variants: experiment.config.variants.map((v) => ({ name: v.name, weight: v.weight, model: v.model ?? null })), reused };
    },
    audit: (output) => ({ experiment: (output as StartedExperiment).experiment, reused: (output as StartedExperiment).reused }),
  };
}

/** The stage that waits for the experiment's decision and promotes its winner (see the file comment). */
export function promoteWhenShippedStage(options: PromoteWhenShippedOptions): StageDefinition {
  checkOptions('promoteWhenShippedStage', options, ['decided']);
  const from = options.experimentStage ?? 'experiment';
  const alias = options.alias ?? 'champion';
  return {
    name: options.name ?? 'ship',
    needs: [from],
    run: async (ctx): Promise<ShippedOutput> => {
      const name = (ctx.outputs[from] as StartedExperiment).experiment;
      const record = await options.store.get(name);
      let analysis = record.analysis;
      const experiment = await options.store.open(name);
      if (analysis === null) {
        analysis = await options.decided(name, ctx);
        if (analysis?.decision === 'keep_running') throw new TypeError(`decided() resolved with keep_running for experiment ${JSON.stringify(name)}: it must resolve once the experiment has decided`);
        analysis = (await options.store.end(experiment, analysis)).analysis!;
      }
      const summary = { experiment: name, decision: analysis.decision, reason: analysis.reason, winner: analysis.winner };
      if (analysis.decision !== 'ship' || analysis.winner === null) {
        await options.onNotShipped?.(analysis, ctx);
        return { ...summary, promoted: null };
      }
      const winnerRef = experiment.config.variants.find((v) => v.name === analysis.winner)!.model!;
      const winner = await ctx.registry.get(winnerRef);
      const current = await aliasVersion(ctx, alias, winner.name);
      let change: AliasChange & { winner: string; ref: string };
      let reused = false;
      if (current === winner.version) {
        // moved before a crash
        change = { name: winner.name, alias, version: winner.version, previous: await previousOfOwnMove(ctx, winner.name, alias), winner: analysis.winner, ref: winner.ref };
        reused = true;
      } else {
        change = await experiment.promoteWinner(ctx.registry, analysis, alias, { correlationId: ctx.run.correlationId, pipeline: ctx.run.pipeline, run: ctx.run.id });
      }
      await options.onPromoted?.(change, ctx);
      return { ...summary, promoted: { alias, version: change.version, previous: change.previous, ref: change.ref, reused } };
    },
    gate: (ctx) => {
      const o = ctx.outputs[options.name ?? 'ship'] as ShippedOutput;
      return o.promoted ? { passed: true } : { passed: false, reason: `experiment ${o.experiment} did not ship: ${o.decision} (${o.reason})` };
    },
    audit: (output) => {
      const o = output as ShippedOutput;
      return { experiment: o.experiment, decision: o.decision, winner: o.winner, promoted: o.promoted && `${o.promoted.alias} -> ${o.promoted.version}` };
    },
  };
}

function checkOptions(factory: string, options: unknown, functions: string[]): void {
  const o = options as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null) throw new PipelineConfigError(`${factory} options`, 'expected an object { store, ... }');
  if (typeof (o.store as ExperimentStore | undefined)?.create !== 'function') throw new PipelineConfigError(`${factory} options.store`, 'expected an ExperimentStore');
  for (const f of [...functions, 'onStarted', 'onPromoted', 'onNotShipped']) {
    if (o[f] !== undefined && typeof o[f] !== 'function') throw new PipelineConfigError(`${factory} options.${f}`, `expected a function but received ${typeof o[f]}`);
    if (functions.includes(f) && typeof o[f] !== 'function') throw new PipelineConfigError(`${factory} options.${f}`, `expected a function but received ${typeof o[f]}`);
  }
}
