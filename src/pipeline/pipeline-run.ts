/** PipelineRun: a stored run and its stages as the pipeline returns them (read from pipeline-rows.ts). */
import type { RunRow, RunStatus, StageRow, StageStatus } from '../store/pipeline-rows.js';
import type { GateResult } from './stage.js';

export type { RunStatus, StageStatus };

export interface StageRecord {
  name: string;
  /** 0, 1, 2, … in the pipeline's order. */
  ordinal: number;
  status: StageStatus;
  /** 1 on the first attempt; more after a resume ran the stage again. */
  attempts: number;
  /** The stage's JSON output (null until done; kept on a rejected stage). */
  output: unknown;
  /** The gate's answer, or null when the stage has no gate or has not finished. */
  gate: GateResult | null;
  /** Why the stage failed, or null. */
  error: string | null;
  startedAt: number;
  finishedAt: number | null;
}

export interface PipelineRun {
  id: number;
  model: string;
  pipeline: string;
  /** What started the run; unique per model. */
  key: string;
  /** running, succeeded, failed (a stage threw) or rejected (a gate said no). */
  status: RunStatus;
  correlationId: string;
  /** The JSON the run was started with. */
  trigger: unknown;
  /** Why it failed or was rejected, or null. */
  error: string | null;
  startedAt: number;
  startedBy: string;
  finishedAt: number | null;
  /** The stages that have started, in order (later ones have no record yet). */
  stages: StageRecord[];
}

const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

/** A run and its stage rows as a PipelineRun. */
export function toPipelineRun(run: RunRow, stages: readonly StageRow[]): PipelineRun {
  return {
    id: run.id,
    model: run.model_name,
    pipeline: run.pipeline,
    key: run.trigger_key,
    status: run.status,
    correlationId: run.correlation_id,
    trigger: (parse(run.context) as { trigger?: unknown } | null)?.trigger ?? null,
    error: run.error,
    startedAt: run.started_at,
    startedBy: run.started_by,
    finishedAt: run.finished_at,
    stages: stages.map((s) => ({
      name: s.stage,
      ordinal: s.ordinal,
      status: s.status,
      attempts: s.attempts,
      output: parse(s.output),
      gate: parse(s.gate) as GateResult | null,
      error: s.error,
      startedAt: s.started_at,
      finishedAt: s.finished_at,
    })),
  };
}
