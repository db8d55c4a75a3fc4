/**
 * ContinuousLearner: starts a pipeline's runs from three sources:
 * - RetrainingTrigger decisions: it listens to the trigger's 'retrain' events (or takes decisions
 *   through acceptDecision). A decision's key is `retrain:<start of its coalesceMs window>`, so
 *   duplicate events for one cause (ten in one second) make one run, also across processes;
 * - a schedule: every N ms or a cron expression; key `schedule:<due time>`;
 * - data freshness: when newestData() is more than maxAgeDays old; key `freshness:<that date>`,
 *   so one state of the data makes one run.
 * One run at a time: a source that fires while a run is in progress is skipped ('skipped' event,
 * reason 'busy'); the pipeline also refuses a second running run of the model across processes.
 *
 * Backoff: after n failed runs in a row, nothing starts for min(initialMs * 2^(n-1), maxMs) ms
 * (skipped, reason 'backoff'; skipped starts are dropped, not queued: the next decision or due
 * time after the wait starts the run). A succeeded run resets the count; a rejected run (a gate
 * said no) is a verdict, not a fault, and leaves it as it is.
 *
 * Time comes from options.now and timers from options.timers, so tests drive it with tick()
 * instead of sleeping. stop() clears the timer and the subscription.
 */
import { EventEmitter } from 'node:events';
import { clockOption, type Clock } from '../clock.js';
import { errorCode, PipelineConfigError, requireNumber, typeError } from '../errors.js';
import { RetrainingTrigger, type RetrainingDecision } from '../trigger/retraining-trigger.js';
import { backoffMs, checkBackoff, type BackoffOptions } from './backoff.js';
import { Pipeline } from './pipeline.js';
import type { PipelineRun } from './pipeline-run.js';
import { parseSchedule, type NextDue, type ScheduleOption } from './schedule.js';

const DAY_MS = 86_400_000;

export type LearnerSource = 'trigger' | 'schedule' | 'freshness';

export interface FreshnessOption {
  /** When the newest training data was produced (e.g. the newest row's time). */
  newestData: () => Date | Promise<Date>;
  /** Start a run when that is older than this many days. */
  maxAgeDays: number;
}

/** Timer functions (default: setTimeout / clearTimeout). */
export interface LearnerTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface ContinuousLearnerOptions {
  pipeline: Pipeline;
  /** Runs start from its 'retrain' events for the pipeline's model. */
  trigger?: RetrainingTrigger;
  schedule?: ScheduleOption;
  freshness?: FreshnessOption;
  /** How often the timer checks the schedule and freshness, ms (default 60 000). */
  pollMs?: number;
  /** Decisions within one window of this many ms share a run (default 60 000). */
  coalesceMs?: number;
  backoff?: BackoffOptions;
  now?: Clock;
  timers?: LearnerTimers;
}

/** What one firing of a source did. */
export type LearnerOutcome =
  | { source: LearnerSource; key: string; run: PipelineRun }
  | { source: LearnerSource; key: string; skipped: 'busy' | 'backoff' | 'stopped'; detail?: string }
  | { source: LearnerSource; key: string; error: Error };

export interface ContinuousLearner {
  on(event: 'run', listener: (outcome: Extract<LearnerOutcome, { run: PipelineRun }>) => void): this;
  on(event: 'skipped', listener: (outcome: Extract<LearnerOutcome, { skipped: string }>) => void): this;
  /** A start that threw (the database was unreachable, access denied…); counts as a failure. */
  on(event: 'failure', listener: (outcome: Extract<LearnerOutcome, { error: Error }>) => void): this;
}

/** Starts pipeline runs from decisions, a schedule and data freshness (see the file comment). */
export class ContinuousLearner extends EventEmitter {
  readonly pipeline: Pipeline;
  private readonly now: Clock;
  private readonly timers: LearnerTimers;
  private readonly pollMs: number;
  private readonly coalesceMs: number;
  private readonly backoff: Required<BackoffOptions>;
  private readonly nextDue: NextDue | undefined;
  private readonly freshness: FreshnessOption | undefined;
  private readonly trigger: RetrainingTrigger | undefined;
  private readonly onRetrain = (decision: RetrainingDecision, model: string) => {
    if (model === this.pipeline.model) void this.acceptDecision(decision);
  };
  private due: number | null = null;
  private timer: unknown = undefined;
  private running = false;
  private stopped = false;
  private inFlight: Promise<LearnerOutcome> | null = null;
  private failures = 0;
  private waitUntil = 0;

  /** Checks the options; a schedule that does not parse throws PipelineConfigError. */
  constructor(options: ContinuousLearnerOptions) {
    super();
    if (typeof options !== 'object' || options === null) throw typeError('an object { pipeline, trigger?, schedule?, freshness? }', 'options', options);
    if (!(options.pipeline instanceof Pipeline)) throw new PipelineConfigError('options.pipeline', 'expected a Pipeline');
    if (options.trigger !== undefined && !(options.trigger instanceof RetrainingTrigger)) throw new PipelineConfigError('options.trigger', 'expected a RetrainingTrigger');
    if (options.trigger && options.trigger.modelName !== options.pipeline.model) {
      throw new PipelineConfigError('options.trigger', `the trigger watches model ${JSON.stringify(options.trigger.modelName)} but the pipeline retrains ${JSON.stringify(options.pipeline.model)}`);
    }
    if (options.freshness !== undefined) {
      if (typeof options.freshness !== 'object' || options.freshness === null || typeof options.freshness.newestData !== 'function') {
        throw new PipelineConfigError('options.freshness', 'expected { newestData: () => Date, maxAgeDays }');
      }
      requireNumber(options.freshness.maxAgeDays, 'options.freshness.maxAgeDays', 0);
    }
    if (options.timers !== undefined && (typeof options.timers?.set !== 'function' || typeof options.timers?.clear !== 'function')) throw new PipelineConfigError('options.timers', 'expected { set(fn, ms), clear(handle) }');
    this.pipeline = options.pipeline;
    this.trigger = options.trigger;
    this.freshness = options.freshness;
    this.nextDue = options.schedule === undefined ? undefined : parseSchedule(options.schedule);
    this.pollMs = requireNumber(options.pollMs ?? 60_000, 'options.pollMs', 1);
    this.coalesceMs = requireNumber(options.coalesceMs ?? 60_000, 'options.coalesceMs', 1);
    this.backoff = checkBackoff(options.backoff);
    this.now = clockOption(options.now);
    this.timers = options.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) };
    if (this.nextDue) this.due = this.nextDue(this.now());
  }

  /** Failed runs in a row (0 after a success). */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** No run starts before this time (epoch ms) because of failures; 0 when not backing off. */
  get backingOffUntil(): number {
    return this.waitUntil;
  }

  /** When the schedule is next due (epoch ms), or null without a schedule. */
  get nextScheduledAt(): number | null {
    return this.due;
  }

  /** Subscribes to the trigger and arms the timer for the schedule and freshness checks. */
  start(): this {
    if (this.stopped) throw new PipelineConfigError('start()', 'this learner was stopped; make a new one');
    if (this.running) return this;
    this.running = true;
    this.trigger?.on('retrain', this.onRetrain);
    if (this.nextDue || this.freshness) this.arm();
    return this;
  }

  /** Clears the timer and the subscription; resolves when a run in progress has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.running = false;
    this.trigger?.off('retrain', this.onRetrain);
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    await this.inFlight?.catch(() => undefined);
  }

  /** Starts a run for a decision that says retrain (others are ignored: null). */
  async acceptDecision(decision: RetrainingDecision): Promise<LearnerOutcome | null> {
    if (typeof decision !== 'object' || decision === null || typeof decision.shouldRetrain !== 'boolean' || !Number.isFinite(decision.timestamp)) {
      throw typeError('a RetrainingDecision (from RetrainingTrigger.shouldRetrain)', 'decision', decision);
    }
    if (!decision.shouldRetrain) return null;
    const window = Math.floor(decision.timestamp / this.coalesceMs) * this.coalesceMs;
    return this.fire('trigger', `retrain:${window}`, { source: 'trigger', decision });
  }

  /** Checks the schedule and data freshness now (what the timer calls); returns what each due source did. */
  async tick(): Promise<LearnerOutcome[]> {
    const outcomes: LearnerOutcome[] = [];
    const now = this.now();
    if (this.nextDue && this.due !== null && now >= this.due) {
      const due = this.due;
      this.due = this.nextDue(now); // a missed due time fires once, not once per missed period
      outcomes.push(await this.fire('schedule', `schedule:${due}`, { source: 'schedule', dueAt: due }));
    }
    if (this.freshness) {
      const newest = await this.freshness.newestData();
      if (!(newest instanceof Date) || Number.isNaN(newest.getTime())) throw typeError('a valid Date', 'freshness.newestData()', newest);
      if (now - newest.getTime() > this.freshness.maxAgeDays * DAY_MS) {
        outcomes.push(await this.fire('freshness', `freshness:${newest.getTime()}`, { source: 'freshness', newestData: newest.toISOString(), maxAgeDays: this.freshness.maxAgeDays }));
      }
    }
    return outcomes;
  }

  private arm(): void {
    const now = this.now();
    const delay = this.due === null ? this.pollMs : Math.max(0, Math.min(this.pollMs, this.due - now));
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      void this.tick()
        .catch((error: unknown) => this.emit('failure', { source: 'freshness', key: '', error: error as Error }))
        .finally(() => {
          if (this.running) this.arm();
        });
    }, delay);
  }

  private fire(source: LearnerSource, key: string, trigger: Record<string, unknown>): Promise<LearnerOutcome> {
    const skip = (skipped: 'busy' | 'backoff' | 'stopped', detail?: string): Promise<LearnerOutcome> => {
      const outcome = { source, key, skipped, ...(detail === undefined ? {} : { detail }) };
      this.emit('skipped', outcome);
      return Promise.resolve(outcome);
    };
    if (this.stopped) return skip('stopped');
    if (this.inFlight) return skip('busy', 'a run started by this learner is in progress');
    if (this.now() < this.waitUntil) return skip('backoff', `${this.failures} failed run(s) in a row: waiting until ${new Date(this.waitUntil).toISOString()}`);
    // set before the first await, so that events arriving in the same tick see it
    const flight = this.pipeline.start({ key, trigger }).then(
      (run): LearnerOutcome => {
        if (run.status === 'failed') this.recordFailure();
        else if (run.status === 'succeeded') this.failures = this.waitUntil = 0;
        const outcome = { source, key, run };
        this.emit('run', outcome);
        return outcome;
      },
      (error: Error): LearnerOutcome => {
        if (errorCode(error) === 'ERR_MLWATCH_PIPELINE_BUSY') {
          const outcome = { source, key, skipped: 'busy' as const, detail: error.message };
          this.emit('skipped', outcome);
          return outcome;
        }
        this.recordFailure();
        const outcome = { source, key, error };
        this.emit('failure', outcome);
        return outcome;
      },
    );
    this.inFlight = flight.finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private recordFailure(): void {
    this.failures++;
    this.waitUntil = this.now() + backoffMs(this.failures, this.backoff);
  }
}
