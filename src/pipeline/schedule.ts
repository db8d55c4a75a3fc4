/**
 * When the continuous learner's schedule is next due: every N ms, or by a cron expression
 * (croner's syntax, 5 or 6 fields; parsed at construction so a bad expression fails early).
 */
import { Cron } from 'croner';
import { PipelineConfigError, requireNumber } from '../errors.js';

export type ScheduleOption = { everyMs: number } | { cron: string; timezone?: string };

/** Next due time strictly after `after` (epoch ms), or null when a cron expression has no later run. */
export type NextDue = (after: number) => number | null;

/** The schedule as a function from a time to the next due time; PipelineConfigError for a bad one. */
export function parseSchedule(schedule: ScheduleOption): NextDue {
  if (typeof schedule !== 'object' || schedule === null) throw new PipelineConfigError('options.schedule', 'expected { everyMs } or { cron }');
  if ('everyMs' in schedule) {
    const every = requireNumber(schedule.everyMs, 'options.schedule.everyMs', 1);
    return (after) => after + every;
  }
  if (typeof schedule.cron !== 'string') throw new PipelineConfigError('options.schedule.cron', `expected a cron expression string but received ${typeof schedule.cron}`);
  let cron: Cron;
  try {
    cron = new Cron(schedule.cron, { paused: true, timezone: schedule.timezone });
  } catch (error) {
    throw new PipelineConfigError('options.schedule.cron', `${JSON.stringify(schedule.cron)} is not a cron expression croner can parse: ${(error as Error).message}`);
  }
  return (after) => cron.nextRun(new Date(after))?.getTime() ?? null;
}
