/**
 * The BullMQ engine end to end: partition CSV files, a private redis-server, `mlwatch worker`
 * processes (through tsx). Reports rows/s of runDistributedDrift with 1 and 2 worker processes
 * against driftOfPartitions in this process (what `mlwatch drift --partitions` runs without
 * --redis) on the same files, and the bytes each partition sends (pass-1 partial, pass-2 part)
 * as the data grows 10x. Opt-in and short: npm run bench -- distributed-engine
 * (MLWATCH_BENCH_ROWS sets the smaller size, default 40 000 rows in 4 partitions).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReferenceProfile, getBackend, type ColumnTable } from '../src/index.js';
import { driftOfPartitions } from '../src/distributed/drift-of-partitions.js';
import { runDistributedDrift, type DistributedRunStats } from '../src/engines/bullmq/index.js';
import { startRedis } from '../test/helpers/servers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function normals(n: number, seed: number, mean: number, std: number): Float64Array {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return Float64Array.from({ length: n }, () => mean + std * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

function table(n: number, seed: number, drift: boolean): ColumnTable {
  return { shifted: normals(n, seed, drift ? 0.05 : 0, 1), scaled: normals(n, seed + 1, 0, drift ? 1.03 : 1), steady: normals(n, seed + 3, 10, 2) };
}

function writeCsv(path: string, t: ColumnTable, from: number, to: number): void {
  const names = Object.keys(t);
  const lines = [names.join(',')];
  for (let i = from; i < to; i++) lines.push(names.map((k) => String((t[k] as Float64Array)[i])).join(','));
  writeFileSync(path, `${lines.join('\n')}\n`);
}

async function startWorker(url: string, queue: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker', '--redis', url, '--queue', queue], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes(' ready on ') && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited ${code}`)));
  });
  return child;
}

export async function benchDistributedEngine(): Promise<void> {
  const base = Number(process.env.MLWATCH_BENCH_ROWS ?? 40_000);
  const parts = 4;
  console.log(`\n## Distributed drift on BullMQ: ${parts} CSV partitions, 3 numeric columns, backend ${getBackend().name}; rows/s of the current table, best of 2`);
  const redis = await startRedis();
  const dir = mkdtempSync(join(tmpdir(), 'mlwatch-bench-engine-'));
  const workers: ChildProcess[] = [];
  try {
    for (const rows of [base, base * 10]) {
      const ref = table(rows, 11, false);
      const cur = table(rows, 23, true);
      const reference = ReferenceProfile.fromTable(ref, Object.keys(ref), undefined);
      const files = Array.from({ length: parts }, (_, p) => join(dir, `r${rows}-p${p}.csv`));
      files.forEach((f, p) => writeCsv(f, cur, Math.floor((p * rows) / parts), Math.floor(((p + 1) * rows) / parts)));
      const best = async (f: () => Promise<unknown>) => {
        let ms = Infinity;
        for (let i = 0; i < 2; i++) {
          const t = performance.now();
          await f();
          ms = Math.min(ms, performance.now() - t);
        }
        return ms;
      };
      const local = await best(() => driftOfPartitions(files, reference, { test: 'ks' }));
      console.log(`\n${rows} rows: one process (driftOfPartitions, as mlwatch drift --partitions without --redis): ${local.toFixed(0)} ms, ${((rows / local) * 1000).toFixed(0)} rows/s`);
      for (const n of [1, 2]) {
        const queue = `bench-${rows}-${n}`;
        while (workers.length < n) workers.push(await startWorker(redis.url, queue));
        let stats: DistributedRunStats | undefined;
        const ms = await best(() => runDistributedDrift({ partitions: files, reference, connection: redis.url, storage: dir, options: { queue, test: 'ks', onStats: (s) => (stats = s) } }));
        console.log(`  ${n} worker process${n > 1 ? 'es' : ''}: ${ms.toFixed(0)} ms, ${((rows / ms) * 1000).toFixed(0)} rows/s (${(local / ms).toFixed(2)}x the one-process run)`);
        if (n === 1) {
          const kib = (b: number) => (b / 1024).toFixed(1);
          console.log(`  bytes per partition: pass 1 ${stats!.pass1Bytes.map(kib).join(', ')} KiB; pass 2 ${stats!.pass2Bytes.map(kib).join(', ')} KiB; merged ${kib(stats!.mergedBytes)} KiB; pass 2 ships ${stats!.shippedValues} of ${stats!.finiteValues} values`);
        }
        for (const w of workers.splice(0)) w.kill('SIGTERM');
      }
    }
  } finally {
    for (const w of workers) if (w.exitCode === null) process.kill(w.pid!, 'SIGKILL');
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
