/**
 * Experiments at traffic rates: Experiment.assign over 1 M distinct unit ids against GrowthBook's
 * JavaScript SDK (an instance per unit, run(experiment): its documented server-side use) and
 * against md5 bucketing with node:crypto (the common hand-written approach); logOutcome into
 * sufficient statistics (also with an experiment kept in the registry's database, which records
 * each outcome twice: in the totals and in what the next sync folds in) against pushing each
 * outcome into an array for a later pass.
 * Run: npm run bench -- experiment
 */
import { createHash } from 'node:crypto';
import { GrowthBook } from '@growthbook/growthbook';
import { Experiment } from '../src/experiment/experiment.js';

const UNITS = 1_000_000;

function rate(name: string, n: number, fn: () => void, rounds = 3): { name: string; perSecond: number } {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return { name, perSecond: n / (best / 1000) };
}

export async function benchExperiment(): Promise<void> {
  const ids = Array.from({ length: UNITS }, (_, i) => `user-${i * 7919}`);
  const experiment = new Experiment({
    name: 'checkout',
    variants: [
      { name: 'control', weight: 50 },
      { name: 'treatment', weight: 50 },
    ],
    metric: { name: 'revenue', kind: 'mean' },
    design: { mde: 0.5, baseline: 10, sd: 3 },
  });
  let sink = 0;
  const mlwatch = rate('mlwatch Experiment.assign', UNITS, () => {
    for (let i = 0; i < UNITS; i++) if (experiment.assign(ids[i]) === 'control') sink++;
  });
  const gbUnits = 100_000;
  const gbExperiment = { key: 'checkout', variations: ['control', 'treatment'] as [string, string], weights: [0.5, 0.5], hashAttribute: 'id' };
  const growthbook = rate('GrowthBook SDK 1.8: new GrowthBook({ attributes }).run()', gbUnits, () => {
    for (let i = 0; i < gbUnits; i++) sink += new GrowthBook({ attributes: { id: ids[i] } }).run(gbExperiment).variationId;
  });
  const md5 = rate('node:crypto md5(seed + id) mod 10 000', UNITS, () => {
    for (let i = 0; i < UNITS; i++) sink += createHash('md5').update(`checkout${ids[i]}`).digest().readUInt32BE(0) % 10_000 < 5_000 ? 1 : 0;
  });
  console.log('\nAssignment of 1 M distinct unit ids (best of 3)');
  for (const r of [mlwatch, growthbook, md5]) console.log(`${r.name.padEnd(60)} ${(r.perSecond / 1e6).toFixed(2).padStart(7)} M/s  ${(mlwatch.perSecond / r.perSecond).toFixed(1)}x`);

  const values = Float64Array.from({ length: UNITS }, (_, i) => 10 + Math.sin(i) * 3);
  const outcome = { value: 0 };
  const logged = rate('mlwatch Experiment.logOutcome (sufficient statistics)', UNITS, () => {
    for (let i = 0; i < UNITS; i++) {
      outcome.value = values[i];
      experiment.logOutcome(ids[i], i & 1 ? 'treatment' : 'control', outcome);
    }
  });
  // an experiment kept in the registry's database also keeps the outcomes since its last sync apart
  const synced = new Experiment(experiment.config);
  synced.takeUnsynced();
  const loggedSynced = rate('mlwatch logOutcome, experiment kept in the database', UNITS, () => {
    for (let i = 0; i < UNITS; i++) {
      outcome.value = values[i];
      synced.logOutcome(ids[i], i & 1 ? 'treatment' : 'control', outcome);
    }
  });
  const pushed = rate('an array of { unit, variant, value } per outcome, then a pass', UNITS, () => {
    const rows: { unit: string; variant: string; value: number }[] = [];
    for (let i = 0; i < UNITS; i++) rows.push({ unit: ids[i], variant: i & 1 ? 'treatment' : 'control', value: values[i] });
    let s = 0;
    for (const r of rows) s += r.value;
    sink += s > 0 ? 1 : 0;
  });
  console.log('\nOutcome logging, 1 M outcomes (best of 3)');
  for (const r of [logged, loggedSynced, pushed]) console.log(`${r.name.padEnd(60)} ${(r.perSecond / 1e6).toFixed(2).padStart(7)} M/s  ${(logged.perSecond / r.perSecond).toFixed(1)}x`);
  if (sink === -1) console.log(sink);
}
