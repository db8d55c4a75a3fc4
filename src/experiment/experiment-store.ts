/**
 * ExperimentStore: experiments kept in the registry's database, so that an experiment outlives
 * the process that serves it and several server processes can log into one experiment.
 *
 * The definition (the ExperimentConfig) is written once, by create(). Outcomes are logged in
 * memory at full speed (Experiment.logOutcome) and folded into the database by sync(): in one
 * write transaction, the outcomes logged here since the last sync are merged into each
 * variant's stored sufficient statistics (OutcomeStats.merge), and the experiment takes the
 * totals back, so its analysis covers every process's outcomes. Write transactions are
 * serialized across processes (sql-store.ts), which is what makes the read-merge-write safe.
 * A sync that fails gives its outcomes back to the experiment, to be folded in by the next one.
 *
 * create() and end() are registry changes under 'experiment.manage', audited with the definition
 * and the final analysis; sync() is data (counts), checked against the same permission but not
 * audited, as a server may sync every second. Reads need 'model.read'. Audit events name the
 * resource "experiment:NAME".
 */
import { ExperimentStateError, RegistryNotFoundError, typeError } from '../errors.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import { endExperimentRow, experimentRow, experimentRows, experimentStats, insertExperiment, updateAlwaysValid, updateExperimentStats, type ExperimentRow } from '../store/experiment-rows.js';
import type { SqlTx } from '../store/sql-store.js';
import { Experiment, type ExperimentAnalysis, type ExperimentConfig } from './experiment.js';
import { OutcomeStats } from './outcome-stats.js';

/** An experiment as the database records it. */
export interface ExperimentRecord {
  name: string;
  config: ExperimentConfig;
  status: 'running' | 'ended';
  createdAt: number;
  createdBy: string;
  endedAt: number | null;
  endedBy: string | null;
  /** The analysis it ended with (null while running). */
  analysis: ExperimentAnalysis | null;
}

/** The audit trail's resource for an experiment. */
export const experimentResource = (name: string): string => `experiment:${name}`;

export class ExperimentStore {
  /** Experiments in `registry`'s database, acting as its actor. */
  constructor(private readonly registry: ModelRegistry) {
    if (typeof registry?.governedChange !== 'function') throw typeError('a ModelRegistry', 'registry', registry);
  }

  /**
   * Creates an experiment from its definition (checked as `new Experiment` checks it); every
   * variant's model must be in the registry. Returns the experiment, ready to log and sync.
   *
   * @throws ExperimentStateError when the name is taken; RegistryNotFoundError for a variant's unknown model; ForbiddenError
   */
  async create(config: ExperimentConfig): Promise<Experiment> {
    const experiment = new Experiment(config);
    for (const v of experiment.config.variants) if (v.model !== undefined) await this.registry.get(v.model);
    const definition = JSON.stringify(experiment.config);
    const guardrails = experiment.config.guardrails?.length ?? 0;
    const empty = JSON.stringify(new OutcomeStats(guardrails));
    await this.registry.governedChange('experiment.manage', experimentResource(experiment.name), async (tx, at) => {
      if (await experimentRow(tx, experiment.name)) throw new ExperimentStateError(experiment.name, 'exists already: open it, or choose another name');
      const variants = experiment.config.variants.map((v) => ({ name: v.name, stats: empty }));
      await insertExperiment(tx, experiment.name, definition, JSON.stringify(experiment.alwaysValidMinima()), variants, at, this.registry.actor);
      return { result: undefined, details: { operation: 'create', config: experiment.config } };
    });
    experiment.takeUnsynced(); // from now on, outcomes are kept apart until synced
    return experiment;
  }

  /**
   * The experiment with every outcome synced so far (ended ones too, to read their analysis).
   *
   * @throws RegistryNotFoundError when there is no experiment of that name
   */
  async open(name: string): Promise<Experiment> {
    const { row, totals } = await this.registry.governedAccess('model.read', experimentResource(name), false, async (tx) => {
      const row = await this.row(tx, name);
      return { row, totals: await experimentStats(tx, name) };
    });
    const experiment = new Experiment(JSON.parse(row.config) as ExperimentConfig);
    experiment.takeUnsynced(); // nothing logged yet: this starts keeping outcomes apart
    experiment.adoptSynced(this.parseStats(experiment, totals), JSON.parse(row.always_valid) as number[]);
    return experiment;
  }

  /**
   * Folds the outcomes logged into `experiment` since its last sync into the database, and gives
   * it back the totals of every process. Nothing is lost when it throws: the outcomes stay for
   * the next sync.
   *
   * @throws ExperimentStateError when the experiment ended or its definition differs from the stored one; RegistryNotFoundError; ForbiddenError; StoreError
   */
  async sync(experiment: Experiment): Promise<void> {
    if (!(experiment instanceof Experiment)) throw typeError('an Experiment (from create or open)', 'experiment', experiment);
    const taken = experiment.takeUnsynced();
    try {
      const { totals, minima } = await this.registry.governedAccess('experiment.manage', experimentResource(experiment.name), true, async (tx, at) => {
        const row = await this.running(tx, experiment);
        const totals = this.parseStats(experiment, await experimentStats(tx, experiment.name));
        for (const [k, v] of experiment.config.variants.entries()) {
          if (taken[k].units === 0 && taken[k].guardrails.every((x) => x === 0)) continue;
          totals[k].merge(taken[k]);
          await updateExperimentStats(tx, experiment.name, v.name, JSON.stringify(totals[k]), at);
        }
        const stored = JSON.parse(row.always_valid) as number[];
        const minima = stored.map((p, k) => Math.min(p, experiment.alwaysValidMinima()[k]));
        if (minima.some((p, k) => p !== stored[k])) await updateAlwaysValid(tx, experiment.name, JSON.stringify(minima));
        return { totals, minima };
      });
      experiment.adoptSynced(totals, minima);
    } catch (error) {
      experiment.returnUnsynced(taken);
      throw error;
    }
  }

  /**
   * Syncs, then ends the experiment with `analysis` (default: a fresh analyze() of every
   * process's outcomes), audited with the decision, reason and units. Promotion is separate
   * (Experiment.promoteWinner): ending records the result whatever it is.
   *
   * @throws ExperimentStateError when it ended already; the errors of sync()
   */
  async end(experiment: Experiment, analysis?: ExperimentAnalysis): Promise<ExperimentRecord> {
    await this.sync(experiment);
    const final = analysis ?? experiment.analyze();
    const summary = { decision: final.decision, reason: final.reason, winner: final.winner, units: final.variants.map((v) => ({ variant: v.name, units: v.units, estimate: v.estimate })) };
    await this.registry.governedChange('experiment.manage', experimentResource(experiment.name), async (tx, at) => {
      await this.running(tx, experiment);
      await endExperimentRow(tx, experiment.name, JSON.stringify(final), at, this.registry.actor);
      return { result: undefined, details: { operation: 'end', ...summary } };
    });
    return this.get(experiment.name);
  }

  /**
   * The experiment's record: definition, status and, once ended, its final analysis.
   *
   * @throws RegistryNotFoundError
   */
  async get(name: string): Promise<ExperimentRecord> {
    return toRecord(await this.registry.governedAccess('model.read', experimentResource(name), false, (tx) => this.row(tx, name)));
  }

  /** Every experiment, newest first. */
  async list(): Promise<ExperimentRecord[]> {
    return (await this.registry.governedAccess('model.read', 'experiment:*', false, (tx) => experimentRows(tx))).map(toRecord);
  }

  private async row(tx: SqlTx, name: string): Promise<ExperimentRow> {
    if (typeof name !== 'string' || name === '') throw typeError('an experiment name', 'name', name);
    const row = await experimentRow(tx, name);
    if (!row) throw new RegistryNotFoundError(experimentResource(name), 'no experiment of that name');
    return row;
  }

  /** The experiment's row, checked: running, with the definition this object has. */
  private async running(tx: SqlTx, experiment: Experiment): Promise<ExperimentRow> {
    const row = await this.row(tx, experiment.name);
    if (row.status === 'ended') throw new ExperimentStateError(experiment.name, `ended at ${new Date(row.ended_at!).toISOString()}: it takes no more outcomes`);
    if (row.config !== JSON.stringify(experiment.config)) throw new ExperimentStateError(experiment.name, 'is stored with another definition than this object has: open it from the store instead of constructing it');
    return row;
  }

  private parseStats(experiment: Experiment, stored: Map<string, string>): OutcomeStats[] {
    const guardrails = experiment.config.guardrails?.length ?? 0;
    return experiment.config.variants.map((v) => {
      const json = stored.get(v.name);
      if (json === undefined) throw new ExperimentStateError(experiment.name, `has no stored statistics for variant ${JSON.stringify(v.name)}`);
      return OutcomeStats.fromJSON(JSON.parse(json), guardrails);
    });
  }
}

function toRecord(row: ExperimentRow): ExperimentRecord {
  return {
    name: row.name,
    config: JSON.parse(row.config) as ExperimentConfig,
    status: row.status,
    createdAt: row.created_at,
    createdBy: row.created_by,
    endedAt: row.ended_at,
    endedBy: row.ended_by,
    analysis: row.analysis === null ? null : (JSON.parse(row.analysis) as ExperimentAnalysis),
  };
}
