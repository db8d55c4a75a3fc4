/**
 * Batch jobs through the mlwatch command, each run in a fresh process:
 *
 * batch        flights-3m.parquet (vega-datasets): January as reference against February–June,
 *              columns delay, distance, origin, destination; the native backend against
 *              --backend js, three runs each, alternated. Reports the job's seconds, rows/s
 *              (3 000 000 rows / job seconds), the process's wall time and peak RSS.
 *              MLWATCH_BATCH_RUNS sets the runs (default 3). MLWATCH_BENCH_BEFORE names the package
 *              root of an earlier build (a checkout of an earlier commit, built): its
 *              dist/cli/main.js runs alternated with this build's, and the ratios are printed.
 * batch-large  a generated Arrow file at least 5x the memory budget (default 5.5 GB against
 *              --memory 1GiB; MLWATCH_LARGE_GB sets the size): the job's seconds, rows/s and
 *              peak RSS, and whether the values went to disk. The file is written to the
 *              temporary directory (MLWATCH_LARGE_DIR) once and deleted afterwards.
 *
 * Run: npm run bench -- batch   /   npm run bench -- batch-large   (needs `npm run build`)
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Field, Float32, makeData, RecordBatch, Schema, Struct, Table, tableToIPC } from 'apache-arrow';
import { availableBackends } from '../src/index.js';
import { median } from './lib/measure.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const FLIGHTS = join(ROOT, 'node_modules', 'vega-datasets', 'data', 'flights-3m.parquet');

interface JobRun {
  seconds: number;
  readSeconds: number;
  measureSeconds: number;
  wallSeconds: number;
  peakRssBytes: number;
  spilled: boolean;
  rowsRead: number;
  drifted: string[];
}

/** Runs `mlwatch drift` (this build's, or the one at `cli`) in a fresh process with a JSON report and reads the figures from it. */
function runJob(args: readonly string[], cli = CLI): JobRun {
  const dir = mkdtempSync(join(tmpdir(), 'mlwatch-bench-'));
  const out = join(dir, 'report.json');
  const started = performance.now();
  const run = spawnSync(process.execPath, [cli, 'drift', ...args, '--format', 'json', '--out', out, '--quiet'], { encoding: 'utf8' });
  const wallSeconds = (performance.now() - started) / 1000;
  if (run.status !== 0 && run.status !== 1) throw new Error(`mlwatch drift failed (${run.status}): ${run.stderr}`);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  return { seconds: report.seconds, readSeconds: report.readSeconds, measureSeconds: report.measureSeconds, wallSeconds, peakRssBytes: report.peakRssBytes, spilled: report.spilledToDisk, rowsRead: report.current.rowsRead, drifted: report.drift.driftedColumns };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

export function benchBatch(): void {
  if (!existsSync(CLI)) throw new Error('run `npm run build` first: the benchmark runs dist/cli/main.js');
  const job = ['--reference', FLIGHTS, '--current', FLIGHTS, '--reference-where', 'date<2001-02-01', '--current-where', 'date>=2001-02-01', '--columns', 'delay,distance,origin,destination'];
  const backends = availableBackends().filter((b) => b !== 'cuda');
  const before = process.env.MLWATCH_BENCH_BEFORE;
  const baseline = before ? join(before, 'dist', 'cli', 'main.js') : undefined;
  if (baseline && !existsSync(baseline)) throw new Error(`MLWATCH_BENCH_BEFORE: no built mlwatch command at ${baseline}`);
  const rounds = Number(process.env.MLWATCH_BATCH_RUNS ?? 3);
  const builds = baseline ? (['before', 'this'] as const) : (['this'] as const);
  const runs: Record<string, JobRun[]> = {};
  for (let i = 0; i < rounds; i++) {
    for (const b of backends) {
      for (const build of builds) (runs[`${build} ${b}`] ??= []).push(runJob([...job, '--backend', b], build === 'before' ? baseline : CLI));
    }
  }
  console.log('\nBatch job: mlwatch drift on flights-3m.parquet (3 000 000 rows, read once for both sides), January vs February–June');
  if (baseline) console.log(`"before": ${baseline}; each round runs before and this build alternately, per backend`);
  console.log(`${'build backend'.padEnd(14)} ${'job s best'.padStart(10)} ${'median'.padStart(7)} ${'rows/s (best)'.padStart(14)} ${'process s'.padStart(10)} ${'peak RSS'.padStart(9)}`);
  for (const [name, list] of Object.entries(runs)) {
    const s = list.map((r) => r.seconds);
    const best = Math.min(...s);
    console.log(`${name.padEnd(14)} ${best.toFixed(3).padStart(10)} ${median(s).toFixed(3).padStart(7)} ${`${(list[0].rowsRead / best / 1e6).toFixed(2)} M`.padStart(14)} ${median(list.map((r) => r.wallSeconds)).toFixed(2).padStart(10)} ${mib(Math.max(...list.map((r) => r.peakRssBytes))).padStart(9)}`);
  }
  const ratio = (slow: string, fast: string) => {
    const a = runs[slow].map((r) => r.seconds);
    const b = runs[fast].map((r) => r.seconds);
    return `${(Math.min(...a) / Math.min(...b)).toFixed(2)}x (best), ${(median(a) / median(b)).toFixed(2)}x (median)`;
  };
  for (const build of builds) if (runs[`${build} cpu`] && runs[`${build} js`]) console.log(`${build === 'this' ? 'this build' : 'before'}: native vs --backend js: ${ratio(`${build} js`, `${build} cpu`)}`);
  if (baseline) for (const b of backends) console.log(`--backend ${b}: this build vs before: ${ratio(`before ${b}`, `this ${b}`)}`);
}

/** Columns of the generated files: 16 float32 columns, 64 bytes a row. */
const COLUMNS = 16;
const BATCH_ROWS = 1 << 18;

/** Bytes of the end-of-stream marker of an Arrow IPC stream (continuation word, zero length). */
const EOS_BYTES = 8;

/**
 * Writes an Arrow IPC stream of at least `bytes` bytes: bell-shaped columns, the even ones
 * shifted by `shift`. Each batch is framed by tableToIPC and written straight to the file (the
 * schema message once, the end marker once), so memory holds one batch.
 */
export function writeLargeArrow(path: string, bytes: number, shift: number, seed: number): number {
  const fields = Array.from({ length: COLUMNS }, (_, c) => new Field(`x${c}`, new Float32(), false));
  const schema = new Schema(fields);
  const schemaBytes = tableToIPC(new Table(schema), 'stream').length - EOS_BYTES;
  const fd = openSync(path, 'w');
  let x = seed >>> 0;
  const batches = Math.ceil(bytes / (BATCH_ROWS * COLUMNS * 4));
  for (let b = 0; b < batches; b++) {
    const children = fields.map((field, c) => {
      const values = new Float32Array(BATCH_ROWS);
      const offset = c % 2 === 0 ? shift : 0;
      for (let i = 0; i < BATCH_ROWS; i++) {
        // sum of three uniforms from an LCG: bell-shaped, repeatable, cheap
        let s = 0;
        for (let k = 0; k < 3; k++) {
          x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
          s += x / 4294967296;
        }
        values[i] = (s - 1.5) * (1 + c) + offset;
      }
      return makeData({ type: field.type, length: BATCH_ROWS, data: values });
    });
    const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: BATCH_ROWS, children }));
    const framed = tableToIPC(new Table([batch]), 'stream');
    writeSync(fd, framed.subarray(b === 0 ? 0 : schemaBytes, framed.length - EOS_BYTES));
  }
  writeSync(fd, Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0));
  closeSync(fd);
  return batches * BATCH_ROWS;
}

export async function benchBatchLarge(): Promise<void> {
  if (!existsSync(CLI)) throw new Error('run `npm run build` first: the benchmark runs dist/cli/main.js');
  const gb = Number(process.env.MLWATCH_LARGE_GB ?? 5.5);
  const dir = mkdtempSync(join(process.env.MLWATCH_LARGE_DIR ?? tmpdir(), 'mlwatch-large-'));
  try {
    const reference = join(dir, 'reference.arrows');
    const current = join(dir, 'current.arrows');
    let started = performance.now();
    const refRows = writeLargeArrow(reference, 64 * 2 ** 20, 0, 1);
    const curRows = writeLargeArrow(current, gb * 1e9, 0.5, 2);
    const size = statSync(current).size;
    console.log(`
Large batch job: generated ${(size / 1e9).toFixed(2)} GB current (${curRows.toLocaleString('en-US')} rows x ${COLUMNS} float32 columns) and a ${refRows.toLocaleString('en-US')}-row reference in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    started = performance.now();
    const run = runJob(['--reference', reference, '--current', current, '--memory', '1GiB', '--tmp-dir', dir]);
    const budget = 2 ** 30;
    console.log(`mlwatch drift --memory 1GiB: ${run.seconds.toFixed(1)} s (reading and spilling ${run.readSeconds.toFixed(1)} s, merging and measuring ${run.measureSeconds.toFixed(1)} s), ${(curRows / run.seconds / 1e6).toFixed(2)} M rows/s (current rows / job seconds), peak RSS ${mib(run.peakRssBytes)} (budget 1024 MiB: ${run.peakRssBytes <= budget ? 'within' : 'OVER'}), file ${(size / budget).toFixed(1)}x the budget, sorted runs on disk: ${run.spilled ? 'yes' : 'no'}`);
    console.log(`drifted columns: ${run.drifted.join(', ') || 'none'} (the even columns were shifted)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
