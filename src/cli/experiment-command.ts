/**
 * `mlwatch experiment`: A/B experiments kept in the registry's database.
 *
 *   mlwatch experiment create --config FILE.json   define one (an ExperimentConfig; audited)
 *   mlwatch experiment list                        every experiment, newest first
 *   mlwatch experiment show NAME                   its definition and the analysis of every outcome synced so far
 *   mlwatch experiment end NAME [--promote] [--alias A]   end it with that analysis (audited); with
 *                                                  --promote, move the winner's alias (default champion) when it says ship
 *
 * Exit codes: 0 done; 1 `end --promote` found no winner to promote; 2 usage or input errors
 * (unknown experiment, refused by access control or policy). The experiment is ended before the
 * promotion is tried, so a refused promotion (an unapproved winner, say) leaves it ended with its
 * analysis on record: promote afterwards with `mlwatch registry alias`.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { setting } from '../config.js';
import { ExperimentStore, type ExperimentRecord } from '../experiment/experiment-store.js';
import type { ExperimentAnalysis, ExperimentConfig } from '../experiment/experiment.js';
import { ModelRegistry } from '../registry/model-registry.js';
import { UsageError } from './options.js';

const SUBCOMMANDS = ['create', 'list', 'show', 'end'] as const;

/** Runs `mlwatch experiment ...` (argv after 'experiment'); returns the exit code. */
export async function runExperiment(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      db: { type: 'string' },
      actor: { type: 'string' },
      config: { type: 'string' },
      format: { type: 'string', default: 'text' },
      promote: { type: 'boolean', default: false },
      alias: { type: 'string', default: 'champion' },
    },
    allowPositionals: true,
  });
  const [sub, ...args] = positionals;
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`experiment: expected one of ${SUBCOMMANDS.join(', ')}, got ${sub === undefined ? 'nothing' : JSON.stringify(sub)}`);
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format: expected text or json, got ${JSON.stringify(values.format)}`);
  const db = values.db ?? setting('MLWATCH_REGISTRY');
  if (!db) throw new UsageError('experiment needs --db sqlite:FILE or --db postgres://… (or MLWATCH_REGISTRY)');
  const named = () => {
    if (args.length !== 1) throw new UsageError(`experiment ${sub} takes one NAME`);
    return args[0];
  };
  let config: ExperimentConfig | undefined;
  if (sub === 'create') {
    if (args.length) throw new UsageError('experiment create takes --config FILE only');
    if (!values.config) throw new UsageError('experiment create needs --config FILE (a JSON ExperimentConfig)');
    try {
      config = JSON.parse(readFileSync(values.config, 'utf8')) as ExperimentConfig;
    } catch (error) {
      throw new UsageError(`--config ${values.config}: ${(error as Error).message}`);
    }
  }
  const registry = await ModelRegistry.open({ db, actor: values.actor ?? userInfo().username });
  const store = new ExperimentStore(registry);
  const json = values.format === 'json';
  const print = (value: unknown, text: string) => process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : text);
  try {
    switch (sub) {
      case 'create': {
        const experiment = await store.create(config!);
        const plan = experiment.plannedUnits();
        print(await store.get(experiment.name), `experiment ${experiment.name} created: ${experiment.config.variants.map((v) => `${v.name} ${v.weight}${v.model ? ` (${v.model})` : ''}`).join(' / ')}; ${plan} units per variant planned\n`);
        return 0;
      }
      case 'list': {
        if (args.length) throw new UsageError('experiment list takes no arguments');
        const records = await store.list();
        print(records, records.map(recordLine).join('') || 'no experiments\n');
        return 0;
      }
      case 'show': {
        const name = named();
        const record = await store.get(name);
        const analysis = record.analysis ?? (await store.open(name)).analyze();
        print({ ...record, analysis }, recordLine(record) + analysisText(analysis));
        return 0;
      }
      case 'end': {
        const experiment = await store.open(named());
        const record = await store.end(experiment);
        const analysis = record.analysis!;
        let promoted: Awaited<ReturnType<typeof experiment.promoteWinner>> | null = null;
        let line = '';
        if (values.promote && analysis.decision === 'ship') {
          promoted = await experiment.promoteWinner(registry, analysis, values.alias);
          line = `promoted ${promoted.winner}: ${promoted.name}@${promoted.alias} -> ${promoted.version}${promoted.previous === null ? '' : ` (was ${promoted.previous})`}\n`;
        } else if (values.promote) line = `not promoted: the decision is ${analysis.decision}\n`;
        print({ ...record, promoted }, recordLine(record) + analysisText(analysis) + line);
        return values.promote && promoted === null ? 1 : 0;
      }
    }
  } finally {
    await registry.close();
  }
  return 0;
}

function recordLine(r: ExperimentRecord): string {
  const variants = r.config.variants.map((v) => `${v.name}${v.model ? `=${v.model}` : ''}`).join(' vs ');
  const ended = r.endedAt === null ? '' : ` ${new Date(r.endedAt).toISOString()} by ${r.endedBy}: ${r.analysis?.decision}`;
  return `${r.name}  ${r.status}${ended}  (${variants}; ${r.config.metric.kind} ${r.config.metric.name}; created ${new Date(r.createdAt).toISOString()} by ${r.createdBy})\n`;
}

function analysisText(a: ExperimentAnalysis): string {
  const lines = [`  decision: ${a.decision} — ${a.reason}`, `  sample ratio: p = ${a.srm.pValue.toPrecision(3)}${a.srm.mismatch ? ' (MISMATCH)' : ''}; planned ${a.plannedUnits} units per variant`];
  for (const v of a.variants) {
    const e = v.effect;
    const effect = e ? `  lift ${e.difference.toPrecision(3)} (${(100 * e.relativeLift).toFixed(1)} %), CI [${e.interval[0].toPrecision(3)}, ${e.interval[1].toPrecision(3)}], p = ${e.pValue.toPrecision(3)}${e.alwaysValidPValue === null ? '' : `, always-valid p = ${e.alwaysValidPValue.toPrecision(3)}`}` : '  (control)';
    lines.push(`  ${v.name}: ${v.units} units, estimate ${v.estimate.toPrecision(4)}${effect}`);
  }
  return `${lines.join('\n')}\n`;
}
