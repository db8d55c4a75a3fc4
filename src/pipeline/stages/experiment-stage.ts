/**
 * The extension point for A/B experiments (the experiment store is wired in later): two stage
 * factories that each take the user's function, so a pipeline can already say "start an
 * experiment of the new version against the champion" and "promote when the experiment ships".
 * Each function gets the stage context (the registered version is in ctx.outputs of the
 * registration stage) and returns JSON, stored as the stage's output. Like any stage, it may run
 * again after a crash: the function must find an experiment it started before (e.g. by
 * ctx.run.correlationId) rather than start a second one.
 */
import { PipelineConfigError } from '../../errors.js';
import type { GateResult, StageContext, StageDefinition } from '../stage.js';

export interface ExperimentStageOptions {
  /** Stage name (default 'experiment' / 'ship'). */
  name?: string;
  /** Stages whose outputs the function reads (default ['register']). */
  needs?: readonly string[];
  /** Optional gate, e.g. reject the run when the experiment says the candidate loses. */
  gate?: (ctx: StageContext) => boolean | GateResult | Promise<boolean | GateResult>;
}

function stage(kind: string, fn: unknown, options: ExperimentStageOptions): StageDefinition {
  if (typeof fn !== 'function') throw new PipelineConfigError(`${kind}`, `expected a function (ctx) => Promise<JSON> but received ${typeof fn}`);
  return { name: options.name ?? kind, needs: options.needs ?? ['register'], run: fn as StageDefinition['run'], gate: options.gate };
}

/** A stage that starts an A/B experiment of the registered version with the user's function. */
export function startExperimentStage(start: (ctx: StageContext) => Promise<unknown>, options: ExperimentStageOptions = {}): StageDefinition {
  return stage('experiment', start, options);
}

/** A stage that waits for or checks the experiment's decision and promotes when it ships, with the user's function. */
export function promoteWhenShippedStage(promote: (ctx: StageContext) => Promise<unknown>, options: ExperimentStageOptions = {}): StageDefinition {
  return stage('ship', promote, { needs: ['experiment'], ...options });
}
