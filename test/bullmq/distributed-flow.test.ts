/**
 * mlwatch/bullmq against a real redis-server: three `mlwatch worker` processes give exactly the
 * report of DriftDetector on the concatenated partitions; a worker SIGKILLed mid-job is replaced
 * by BullMQ's stalled-job retry with the report unchanged; a corrupt partial, a missing partition
 * file and an unreachable Redis are named errors, with the run's files removed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Job, Queue, QueueEvents } from 'bullmq';
import { DriftDetector, ReferenceProfile, type ColumnTable, type DatasetDriftResult } from '../../src/index.js';
import { runDistributedDrift, startDriftWorker, type DistributedRunStats } from '../../src/engines/bullmq/index.js';
import { ROOT } from '../helpers/cli.js';
import { freePort, redisSkipReason, startRedis, type TestServer } from '../helpers/servers.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
}

const LABELS = ['red', 'green', 'blue', 'grey'];

/** A mixed table: a shifted normal, a heavy tail with ties, a few-valued column, labels; some missing values. */
function table(n: number, seed: number, drift: number): ColumnTable {
  const u = rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const x = Float64Array.from({ length: n }, (_, i) => (i % 101 === 7 ? NaN : drift + normal()));
  const tail = Float64Array.from({ length: n }, () => Math.round(Math.exp(normal() * (1 + drift)) * 100) / 100);
  const few = Float64Array.from({ length: n }, () => Math.floor(u() * (drift > 0 ? 5 : 4)));
  const label = Array.from({ length: n }, (_, i) => (i % 53 === 3 ? null : LABELS[Math.floor(u() * (drift > 0 ? 4 : 3))])) as string[];
  return { x, tail, few, label };
}

function rows(t: ColumnTable, from: number, to: number): ColumnTable {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, (v as Float64Array | string[]).slice(from, to)])) as ColumnTable;
}

/** CSV the readers parse back to the same doubles (String(x) round-trips; NaN and null as empty fields). */
function writeCsv(path: string, t: ColumnTable): void {
  const names = Object.keys(t);
  const n = (t[names[0]] as ArrayLike<unknown>).length;
  const lines = [names.join(',')];
  for (let i = 0; i < n; i++) lines.push(names.map((k) => { const v = (t[k] as ArrayLike<unknown>)[i]; return v === null || (typeof v === 'number' && Number.isNaN(v)) ? '' : String(v); }).join(','));
  writeFileSync(path, `${lines.join('\n')}\n`);
}

const skip = redisSkipReason();
const ROWS = 60_000;
const PARTS = 4;

describe.skipIf(skip !== undefined)(`mlwatch/bullmq distributed drift${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let redis: TestServer;
  let dir: string;
  let storage: string;
  let files: string[];
  let reference: ReferenceProfile;
  let expected: DatasetDriftResult;
  let expectedAuto: DatasetDriftResult;
  const children: ChildProcess[] = [];

  /** One `mlwatch worker` process through tsx; resolves when it printed its ready line. */
  async function worker(queue: string, extra: string[] = []): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker', '--redis', redis.url, '--queue', queue, ...extra], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d) => {
        out += d;
        if (out.includes(' ready on ')) resolve();
      });
      child.stderr!.on('data', (d) => (out += d));
      child.once('exit', (code) => reject(new Error(`worker exited ${code}: ${out}`)));
    });
    return child;
  }

  function kill(child: ChildProcess): void {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
  }

  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'mlwatch-bullmq-'));
    storage = join(dir, 'storage');
    const ref = table(ROWS, 1, 0);
    const current = table(ROWS, 2, 0.05);
    reference = ReferenceProfile.fromTable(ref, Object.keys(ref), undefined);
    const cuts = [0, 9000, 9000, 31_000, ROWS]; // uneven, one empty partition
    files = Array.from({ length: PARTS }, (_, p) => join(dir, `part-${p}.csv`));
    files.forEach((f, p) => writeCsv(f, rows(current, cuts[p], cuts[p + 1])));
    expected = new DriftDetector(ref, { test: 'ks' }).detect(current);
    expectedAuto = new DriftDetector(ref).detect(current);
  }, 60_000);

  afterEach(() => {
    for (const c of children.splice(0)) kill(c);
  });

  afterAll(async () => {
    for (const c of children.splice(0)) kill(c);
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function expectSameReport(report: DatasetDriftResult, expected: DatasetDriftResult): void {
    expect(Object.keys(report.columns)).toEqual(Object.keys(expected.columns));
    for (const [name, e] of Object.entries(expected.columns)) {
      const c = report.columns[name];
      expect(c.test, name).toBe(e.test);
      expect(c.driftDetected, name).toBe(e.driftDetected);
      expect(c.status, name).toBe(e.status);
      expect(c.missingShare, name).toBe(e.missingShare);
      if (e.test === 'ks') {
        expect(Object.is(c.statistic, e.statistic), `${name}: D ${c.statistic} vs ${e.statistic}`).toBe(true);
        expect(Object.is(c.pValue, e.pValue), `${name}: p`).toBe(true);
      } else expect(c.statistic!).toBeCloseTo(e.statistic!, 10);
    }
    expect(report.driftedColumns).toEqual(expected.driftedColumns);
    expect(report.datasetDrift).toBe(expected.datasetDrift);
  }

  it('three worker processes give DriftDetector\'s report on the concatenated data (KS D bit for bit)', async () => {
    await Promise.all([worker('t-three'), worker('t-three'), worker('t-three')]);
    let stats: DistributedRunStats | undefined;
    const report = await runDistributedDrift({ partitions: files, reference, connection: redis.url, storage, options: { queue: 't-three', test: 'ks', onStats: (s) => (stats = s) } });
    expectSameReport(report, expected);
    expect(stats!.pass1Bytes).toHaveLength(PARTS);
    expect(stats!.pass2Bytes.every((b) => b > 0)).toBe(true);
    // the automatic tests too (wasserstein within 1e-10, the decisions identical)
    const auto = await runDistributedDrift({ partitions: files, reference, connection: redis.url, storage, options: { queue: 't-three' } });
    expectSameReport(auto, expectedAuto);
    expect(readdirSync(storage)).toEqual([]); // run directories removed
  }, 120_000);

  it('a worker SIGKILLed mid-job: the stalled job is retried by another and the report is unchanged', async () => {
    const queue = 't-kill';
    const workers = await Promise.all([worker(queue, ['--lock-ms', '1500']), worker(queue, ['--lock-ms', '1500']), worker(queue, ['--lock-ms', '1500'])]);
    const connection = { host: '127.0.0.1', port: redis.port };
    const events = new QueueEvents(`${queue}-partition`, { connection });
    const partitionQueue = new Queue(`${queue}-partition`, { connection });
    await events.waitUntilReady();
    let killed: number | undefined;
    let stalled = 0;
    events.on('stalled', () => stalled++);
    events.on('active', async ({ jobId }) => {
      if (killed !== undefined) return;
      killed = -1;
      const job = await Job.fromId(partitionQueue, jobId);
      const pid = Number(/-(\d+)$/.exec(job?.processedBy ?? '')?.[1]);
      const victim = workers.find((w) => w.pid === pid);
      if (victim) {
        killed = pid;
        kill(victim);
      }
    });
    try {
      const report = await runDistributedDrift({ partitions: files, reference, connection: redis.url, storage, options: { queue, test: 'ks' } });
      expect(killed).toBeGreaterThan(0);
      expectSameReport(report, expected);
      expect(stalled).toBeGreaterThanOrEqual(1);
    } finally {
      await events.close();
      await partitionQueue.close();
    }
  }, 120_000);

  it('a corrupt pass-1 partial fails the run with a named error, and the run directory is removed', async () => {
    const queue = 't-corrupt';
    // only partition jobs run at first: the merge waits, so the test can damage a partial before it
    const partitionWorker = startDriftWorker({ connection: redis.url, queue, role: 'partition' });
    await partitionWorker.ready;
    const coordinate = new Queue(`${queue}-coordinate`, { connection: { host: '127.0.0.1', port: redis.port } });
    const run = runDistributedDrift({ partitions: files, reference, connection: redis.url, storage, options: { queue } });
    const outcome = run.then(() => undefined, (e: unknown) => e);
    try {
      let runDir = '';
      for (let i = 0; i < 600; i++) {
        const waiting = await coordinate.getJobs(['waiting']);
        if (waiting.length === 1) {
          runDir = (waiting[0].data as { runDir: string }).runDir;
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(runDir).not.toBe('');
      writeFileSync(join(runDir, 'pass1-1.bin'), Buffer.from('not a partial at all'));
      const coordinator = startDriftWorker({ connection: redis.url, queue, role: 'coordinate' });
      const error = (await outcome) as { code?: string; causeCode?: string; job?: string; message: string };
      await coordinator.close();
      expect(error.code).toBe('ERR_MLWATCH_DISTRIBUTED_JOB');
      expect(error.job).toBe('merge');
      expect(error.causeCode).toBe('ERR_MLWATCH_CORRUPT_PARTIAL');
      expect(existsSync(runDir)).toBe(false);
    } finally {
      await partitionWorker.close();
      await coordinate.close();
    }
  }, 60_000);

  it('a missing partition file fails the run naming the partition and the file', async () => {
    const queue = 't-missing';
    const w = startDriftWorker({ connection: redis.url, queue });
    try {
      const error = (await runDistributedDrift({ partitions: [files[0], join(dir, 'nowhere.csv')], reference, connection: redis.url, storage, options: { queue } }).catch((e) => e)) as { code?: string; causeCode?: string; partition?: number; message: string };
      expect(error.code).toBe('ERR_MLWATCH_DISTRIBUTED_JOB');
      expect(error.causeCode).toBe('ERR_MLWATCH_INPUT_FILE');
      expect(error.partition).toBe(1);
      expect(error.message).toContain('nowhere.csv');
      expect(readdirSync(storage)).toEqual([]);
    } finally {
      await w.close();
    }
  }, 60_000);

  it('Redis unreachable: EngineUnavailableError before anything is queued or written', async () => {
    const port = await freePort();
    const error = (await runDistributedDrift({ partitions: files, reference, connection: `redis://127.0.0.1:${port}`, storage, options: {} }).catch((e) => e)) as { code?: string; message: string };
    expect(error.code).toBe('ERR_MLWATCH_ENGINE_UNAVAILABLE');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(existsSync(storage) ? readdirSync(storage) : []).toEqual([]);
  });
});
