/**
 * A pipeline stage: a name, a function from the run's context to a JSON output, and an optional
 * gate that reads the context (this stage's output included) and says whether the run may go on.
 * Outputs must be JSON because they are stored: after a crash, a resumed run reads the outputs of
 * its finished stages back from the database instead of running those stages again.
 */
import { PipelineConfigError } from '../errors.js';
import type { ModelRegistry } from '../registry/model-registry.js';

/** What a run is about: passed to every stage and gate. */
export interface RunInfo {
  /** The run's id in the registry's database. */
  readonly id: number;
  readonly model: string;
  /** The pipeline's name. */
  readonly pipeline: string;
  /** What started it (unique per model: a second start with this key finds this run). */
  readonly key: string;
  /** Every audit event of this run carries it as details.correlationId; registered versions carry it as a tag. */
  readonly correlationId: string;
  /** The JSON the run was started with (e.g. { source: 'trigger', decision }). */
  readonly trigger: unknown;
  readonly startedAt: number;
}

/** A stage's view of the run: the run, the outputs of the stages before it, and the registry. */
export interface StageContext {
  readonly run: RunInfo;
  /** Stage name -> output (as stored: JSON), for every stage finished so far. */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** The registry the run is stored in, acting for the pipeline's actor. */
  readonly registry: ModelRegistry;
  /** True when this stage runs again after an interrupted or failed attempt. */
  readonly retry: boolean;
}

/** A gate's answer: passed, and why not. */
export interface GateResult {
  passed: boolean;
  reason?: string;
}

export interface StageDefinition {
  /** Unique within the pipeline: letters, digits, '.', '_' and '-'. */
  name: string;
  /** Does the stage's work; resolves to its output (JSON: it is stored with the stage). */
  run: (ctx: StageContext) => Promise<unknown> | unknown;
  /** Decides from the context (ctx.outputs[name] is this stage's output) whether the run goes on. */
  gate?: (ctx: StageContext) => boolean | GateResult | Promise<boolean | GateResult>;
  /** Names of earlier stages whose outputs this stage reads (checked when the pipeline is built). */
  needs?: readonly string[];
  /** Extra details for the audit event of the stage's completion (e.g. the version registered). */
  audit?: (output: unknown) => Record<string, unknown>;
}

const STAGE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** Checks a list of stages: names unique and well formed, functions where functions belong, needs naming earlier stages. */
export function checkStages(stages: unknown): StageDefinition[] {
  if (!Array.isArray(stages) || stages.length === 0) throw new PipelineConfigError('stages', 'expected a non-empty array of stages { name, run, gate?, needs? }');
  const seen = new Set<string>();
  return stages.map((s: unknown, i) => {
    const where = `stages[${i}]`;
    if (typeof s !== 'object' || s === null) throw new PipelineConfigError(where, 'expected a stage { name, run, gate?, needs? }');
    const stage = s as StageDefinition;
    if (typeof stage.name !== 'string' || !STAGE_NAME.test(stage.name)) {
      throw new PipelineConfigError(`${where}.name`, `expected 1 to 64 letters, digits, '.', '_' or '-' but received ${JSON.stringify(stage.name)}`);
    }
    if (seen.has(stage.name)) throw new PipelineConfigError(`${where}.name`, `the stage name ${JSON.stringify(stage.name)} is used twice: stage names must be unique (outputs are keyed by them)`);
    if (typeof stage.run !== 'function') throw new PipelineConfigError(`${where}.run`, `expected a function (ctx) => Promise<output> for stage ${JSON.stringify(stage.name)} but received ${typeof stage.run}`);
    if (stage.gate !== undefined && typeof stage.gate !== 'function') {
      throw new PipelineConfigError(`${where}.gate`, `expected a function (ctx) => boolean | { passed, reason } for stage ${JSON.stringify(stage.name)} but received ${typeof stage.gate}`);
    }
    if (stage.audit !== undefined && typeof stage.audit !== 'function') throw new PipelineConfigError(`${where}.audit`, `expected a function (output) => details but received ${typeof stage.audit}`);
    for (const need of stage.needs ?? []) {
      if (!seen.has(need)) {
        throw new PipelineConfigError(`${where}.needs`, `stage ${JSON.stringify(stage.name)} reads the output of ${JSON.stringify(need)}, which is not a stage before it (stages before it: ${[...seen].map((n) => JSON.stringify(n)).join(', ') || 'none'})`);
      }
    }
    seen.add(stage.name);
    return stage;
  });
}

/** A gate's answer as { passed, reason } (a bare false gets a reason naming the stage). */
export function gateResult(stage: string, answer: unknown): GateResult {
  if (typeof answer === 'boolean') return answer ? { passed: true } : { passed: false, reason: `the gate of stage ${JSON.stringify(stage)} did not pass` };
  if (typeof answer === 'object' && answer !== null && typeof (answer as GateResult).passed === 'boolean') {
    const { passed, reason } = answer as GateResult;
    return passed ? { passed, ...(reason === undefined ? {} : { reason: String(reason) }) } : { passed, reason: reason === undefined ? `the gate of stage ${JSON.stringify(stage)} did not pass` : String(reason) };
  }
  throw new TypeError(`the gate of stage ${JSON.stringify(stage)} returned ${JSON.stringify(answer)}: expected a boolean or { passed, reason }`);
}

/** The output as stored: JSON text, and the value read back from it (what a resumed run sees). */
export function storedOutput(stage: string, output: unknown): { text: string; value: unknown } {
  let text: string | undefined;
  try {
    text = JSON.stringify(output === undefined ? null : output);
  } catch (error) {
    throw new TypeError(`stage ${JSON.stringify(stage)} returned an output that is not JSON (${(error as Error).message}): stage outputs are stored so that a resumed run can read them`);
  }
  if (text === undefined) throw new TypeError(`stage ${JSON.stringify(stage)} returned ${typeof output}, which is not JSON: stage outputs are stored so that a resumed run can read them`);
  return { text, value: JSON.parse(text) as unknown };
}
