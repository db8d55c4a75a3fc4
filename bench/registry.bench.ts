/**
 * The model registry on SQLite and PostgreSQL, in one run: register() rate (a small DenseModel and
 * a 16 KiB artifact each, one durable transaction per call), get() by alias, and search() with a
 * tag filter over 100 000 versions (first page and a page deep in the cursor chain). The 100 000
 * versions are written with the same statements as register(), 1 000 per transaction, to keep
 * the fill short. PostgreSQL runs on a private server started here (skipped where it is missing).
 * Run: npm run bench -- registry
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DenseModel, ModelRegistry, openStore, type SqlStore } from '../src/index.js';
import { appendAuditEvent } from '../src/governance/audit-log.js';
import { insertVersion, nextVersion } from '../src/store/registry-rows.js';
import { postgresSkipReason, startPostgres } from '../test/helpers/postgres.js';
import { timeRuns, type Timing } from './lib/measure.js';

const VERSIONS = 100_000;
const MODELS = 100;
const TEAMS = 10;
const SIGNATURE = { inputs: [{ name: 'x0', type: 'float32' as const }, { name: 'x1', type: 'float32' as const }], outputs: [{ name: 'y', type: 'float32' as const }] };

/** 100 000 versions over 100 models, tag team = one of 10 (10 % match), written in transactions of 1 000. */
async function fill(store: SqlStore): Promise<void> {
  const signature = JSON.stringify(SIGNATURE);
  for (let start = 0; start < VERSIONS; start += 1000) {
    await store.write(async (tx) => {
      for (let i = start; i < start + 1000; i++) {
        const name = `model-${i % MODELS}`;
        const version = await nextVersion(tx, name, i, 'bench');
        await insertVersion(tx, {
          name,
          version,
          created_at: i,
          created_by: 'bench',
          description: null,
          compression: null,
          signature,
          lineage: '{}',
          model_sha256: null,
          tags: { team: `team-${i % TEAMS}`, shard: String(i % 1000) },
          metrics: { accuracy: 0.8 + (i % 997) / 5000 },
          artifacts: [],
        });
        await appendAuditEvent(tx, { at: i, actor: 'bench', action: 'model.register', resource: `${name}/${version}`, outcome: 'ok', details: { version } });
      }
    });
  }
}

async function benchStore(kind: string, db: string, artifacts: string): Promise<Timing[]> {
  const registry = await ModelRegistry.open({ db, artifacts, actor: 'bench' });
  const model = new DenseModel([{ inputSize: 2, outputSize: 1, weights: new Float32Array([0.5, -0.25]), bias: new Float32Array([0.1]), activation: 'sigmoid' }]);
  let n = 0;
  const blob = new Uint8Array(16 * 1024);
  const timings: Timing[] = [];
  const register = await timeRuns(`${kind}: register (model + 16 KiB artifact)`, async () => {
    blob[0] = n & 255;
    blob[1] = (n++ >> 8) & 255; // new bytes every time: a real write
    await registry.register('fresh', { model, signature: SIGNATURE, artifacts: { 'blob.bin': blob }, tags: { team: 'x' } });
  }, 200, 10);
  timings.push(register);
  process.stderr.write(`  ${kind}: filling ${VERSIONS} versions…\n`);
  const fillStart = performance.now();
  const store = await openStore(db);
  await fill(store);
  await store.close();
  process.stderr.write(`  ${kind}: filled in ${((performance.now() - fillStart) / 1000).toFixed(1)} s\n`);
  await registry.setAlias('model-42', 'champion', 500, { expectedVersion: null }).catch(async () => {
    // the default policy protects champion: approve first (by someone other than the registrant)
    await registry.as('reviewer').approve('model-42/500').catch(() => undefined);
  });
  await registry.setAlias('model-42', 'staging', 500, { expectedVersion: null });
  timings.push(await timeRuns(`${kind}: get model-42@staging`, () => registry.get('model-42@staging'), 200, 5));
  timings.push(await timeRuns(`${kind}: get model-42@latest`, () => registry.get('model-42@latest'), 200, 5));
  timings.push(await timeRuns(`${kind}: search team=team-3, first 50`, () => registry.search({ tags: { team: 'team-3' } }, { limit: 50 }), 50, 5));
  // a cursor 100 pages deep (5 000 matches skipped): keyset paging costs the same as page 1
  let cursor: string | null = null;
  for (let p = 0; p < 100; p++) cursor = (await registry.search({ tags: { team: 'team-3' } }, { limit: 50, cursor })).nextCursor;
  timings.push(await timeRuns(`${kind}: search team=team-3, page 101`, () => registry.search({ tags: { team: 'team-3' } }, { limit: 50, cursor }), 50, 5));
  timings.push(await timeRuns(`${kind}: search team + shard (0.1 %), first 50`, () => registry.search({ tags: { team: 'team-3', shard: '13' } }, { limit: 50 }), 20, 5));
  timings.push(await timeRuns(`${kind}: search by accuracy (desc), first 50`, () => registry.search({}, { limit: 50, orderBy: { metric: 'accuracy' } }), 20, 5));
  await registry.close();
  return timings;
}

export async function benchRegistry(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mlwatch-bench-registry-'));
  const rows: Timing[] = [];
  try {
    rows.push(...(await benchStore('sqlite', `sqlite:${join(dir, 'registry.sqlite')}`, join(dir, 'artifacts-sqlite'))));
    const skip = postgresSkipReason();
    if (skip) console.log(`postgres: skipped (${skip})`);
    else {
      const server = await startPostgres();
      try {
        rows.push(...(await benchStore('postgres', await server.createDatabase('bench'), join(dir, 'artifacts-pg'))));
      } finally {
        await server.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nmodel registry: ${VERSIONS.toLocaleString('en')} versions of ${MODELS} models (tag team: 10 % of versions each)`);
  console.log(`${'operation'.padEnd(46)} ${'best ms'.padStart(9)} ${'median ms'.padStart(10)} ${'runs'.padStart(5)}  rate (median)`);
  for (const t of rows) console.log(`${t.name.padEnd(46)} ${t.bestMs.toFixed(2).padStart(9)} ${t.medianMs.toFixed(2).padStart(10)} ${String(t.runs).padStart(5)}  ${(1000 / t.medianMs).toFixed(0).padStart(7)}/s`);
}
