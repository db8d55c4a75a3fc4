/**
 * CSV ingest, on two pairs of generated CSV files of 600 000 rows, in the temporary directory,
 * deleted afterwards: "numeric", 8 float columns (about 50 MB each; the current one's odd columns
 * shifted); "labelled", the same with two label columns (a city of 40, some quoted, and a user id
 * of 5 000; the current one's cities drawn differently) and a store number of 200, which the
 * drift job declares categorical.
 *   ingest  the reader alone (openTable + every column's chunks) on one JS thread, by backend:
 *           cpu (the csvColumns kernel in the addon) and js (its TypeScript reference); peers in
 *           the same run: the earlier build's reader (MLWATCH_BENCH_BEFORE) and, for the numeric
 *           files, NumPy's np.loadtxt (bench/numpy_peer.py). Rows/s from the median of 5 runs.
 *   drift   `mlwatch drift --reference a.csv --current b.csv` end to end, each run a fresh process,
 *           native (--backend cpu) vs --backend js, 3 runs each, alternated; and the same with the
 *           earlier build's CLI when MLWATCH_BENCH_BEFORE is set.
 * Run: npm run build && MLWATCH_BENCH_BEFORE=/path/to/old/package npm run bench -- csv
 * (the earlier package root: a copy of that build's dist/, package.json and build/Release/mlwatch.node,
 * beside links to this checkout's node_modules and native).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openTable } from '../src/batch/readers/open-table.js';
import { useBackend, type Backend, type TableSource } from '../src/index.js';
import { median } from './lib/measure.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROWS = 600_000;
const COLUMNS = 8;
const RUNS = 5;

const CITIES = Array.from({ length: 40 }, (_, k) => (k % 4 === 0 ? `"City ${k}, North"` : `city-${k}`));

/** Bell-shaped values from an LCG (repeatable), 8 significant digits, odd columns shifted; with `labels`, a city and a user id too. */
function writeCsv(path: string, shift: number, seed: number, labels: boolean): void {
  let x = seed >>> 0;
  const next = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 4294967296;
  const lines = [[...Array.from({ length: COLUMNS }, (_, c) => `c${c}`), ...(labels ? ['city', 'user', 'store'] : [])].join(',')];
  for (let r = 0; r < ROWS; r++) {
    const fields: string[] = [];
    for (let c = 0; c < COLUMNS; c++) {
      const s = next() + next() + next();
      fields.push(((s - 1.5) * (1 + c) + (c % 2 ? shift : 0)).toPrecision(8));
    }
    if (labels) fields.push(CITIES[Math.floor(CITIES.length * next() ** (1 + shift * 5))], `u${Math.floor(next() * 5000)}`, String(Math.floor(next() * 200)));
    lines.push(fields.join(','));
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

type Open = (path: string) => Promise<TableSource>;

/** Seconds to read every column of the file through `open`'s reader. */
async function ingestSeconds(open: Open, path: string, backend?: Backend): Promise<number> {
  const started = performance.now();
  const source = await open(path);
  let rows = 0;
  for await (const chunk of source.chunks(source.columns.map((c) => c.name), undefined, backend)) rows += chunk.rows;
  if (rows !== ROWS) throw new Error(`read ${rows} rows, expected ${ROWS}`);
  return (performance.now() - started) / 1000;
}

function loadtxtSeconds(path: string): number[] {
  const run = spawnSync('python3', [join(ROOT, 'bench', 'numpy_peer.py'), 'loadtxt', path, 'float64', '0'], { encoding: 'utf8' });
  if (run.status !== 0) return [];
  const t = JSON.parse(run.stdout) as { medianMs: number; bestMs: number };
  return [t.medianMs / 1000, t.bestMs / 1000];
}

/** `mlwatch drift` with `cli`, in a fresh process: the job's seconds from its JSON report. */
function driftSeconds(cli: string, reference: string, current: string, backend: string, extra: readonly string[]): number {
  const out = join(tmpdir(), `mlwatch-csv-bench-${process.pid}.json`);
  const run = spawnSync(process.execPath, [cli, 'drift', '--reference', reference, '--current', current, '--backend', backend, ...extra, '--format', 'json', '--out', out, '--quiet'], { encoding: 'utf8' });
  if (run.status !== 0 && run.status !== 1) throw new Error(`mlwatch drift failed (${run.status}): ${run.stderr}`);
  const seconds = JSON.parse(readFileSync(out, 'utf8')).seconds as number;
  rmSync(out, { force: true });
  return seconds;
}

const spread = (s: number[]) => `${Math.min(...s).toFixed(2)}-${Math.max(...s).toFixed(2)}`;

export async function benchCsv(): Promise<void> {
  const cli = join(ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(cli)) throw new Error('run `npm run build` first: the benchmark runs dist/cli/main.js');
  const before = process.env.MLWATCH_BENCH_BEFORE;
  const beforeCli = before ? join(before, 'dist', 'cli', 'main.js') : undefined;
  const beforeOpen: Open | undefined = before ? ((await import(pathToFileURL(join(before, 'dist', 'batch', 'readers', 'open-table.js')).href)) as { openTable: Open }).openTable : undefined;
  for (const labels of [false, true]) await benchFiles(labels, cli, beforeCli, beforeOpen);
}

async function benchFiles(labels: boolean, cli: string, beforeCli: string | undefined, beforeOpen: Open | undefined): Promise<void> {
  const kind = labels ? 'labelled' : 'numeric';
  const dir = mkdtempSync(join(tmpdir(), 'mlwatch-csv-'));
  try {
    const reference = join(dir, 'reference.csv');
    const current = join(dir, 'current.csv');
    writeCsv(reference, 0, 1, labels);
    writeCsv(current, 0.1, 2, labels);
    const cpu = useBackend('cpu');
    const js = useBackend('js');
    useBackend('cpu');

    const ingest: Record<string, number[]> = { 'cpu (csvColumns, addon)': [], 'js (csvColumns, TypeScript)': [] };
    if (beforeOpen) ingest['earlier build'] = [];
    for (let i = 0; i < RUNS; i++) {
      ingest['cpu (csvColumns, addon)'].push(await ingestSeconds(openTable, reference, cpu));
      ingest['js (csvColumns, TypeScript)'].push(await ingestSeconds(openTable, reference, js));
      if (beforeOpen) ingest['earlier build'].push(await ingestSeconds(beforeOpen, reference));
    }
    const numpy = labels ? [] : loadtxtSeconds(reference);
    const columns = labels ? `${COLUMNS} float + 2 label + 1 integer columns` : `${COLUMNS} columns, every column to float64`;
    console.log(`\n${kind} CSV ingest: ${ROWS.toLocaleString('en-US')} rows x ${columns}, one JS thread (${RUNS} runs)`);
    console.log(`${'reader'.padEnd(30)} ${'median s'.padStart(9)} ${'spread s'.padStart(11)} ${'M rows/s'.padStart(9)}  cpu is`);
    const cpuMedian = median(ingest['cpu (csvColumns, addon)']);
    for (const [name, s] of Object.entries(ingest)) {
      console.log(`${name.padEnd(30)} ${median(s).toFixed(3).padStart(9)} ${spread(s).padStart(11)} ${(ROWS / median(s) / 1e6).toFixed(2).padStart(9)}  ${(median(s) / cpuMedian).toFixed(2)}x faster`);
    }
    if (numpy.length) console.log(`${'NumPy np.loadtxt'.padEnd(30)} ${numpy[0].toFixed(3).padStart(9)} ${`best ${numpy[1].toFixed(2)}`.padStart(11)} ${(ROWS / numpy[0] / 1e6).toFixed(2).padStart(9)}  ${(numpy[0] / cpuMedian).toFixed(2)}x faster`);
    else if (!labels) console.log('NumPy np.loadtxt: not measured (python3 with numpy not found)');

    const jobs: Record<string, number[]> = { 'native (cpu)': [], '--backend js': [] };
    if (beforeCli) Object.assign(jobs, { 'earlier build, native': [], 'earlier build, --backend js': [] });
    const extra = labels ? ['--categorical', 'store'] : [];
    for (let i = 0; i < 3; i++) {
      jobs['native (cpu)'].push(driftSeconds(cli, reference, current, 'cpu', extra));
      jobs['--backend js'].push(driftSeconds(cli, reference, current, 'js', extra));
      if (beforeCli) {
        jobs['earlier build, native'].push(driftSeconds(beforeCli, reference, current, 'cpu', extra));
        jobs['earlier build, --backend js'].push(driftSeconds(beforeCli, reference, current, 'js', extra));
      }
    }
    console.log(`\nmlwatch drift ${extra.join(' ')} on the two ${kind} files (${(2 * ROWS).toLocaleString('en-US')} rows), a fresh process per run (3 runs, alternated); job seconds`);
    for (const [name, s] of Object.entries(jobs)) console.log(`${name.padEnd(30)} median ${median(s).toFixed(2)} s (spread ${spread(s)}), ${((2 * ROWS) / median(s) / 1e6).toFixed(2)} M rows/s`);
    console.log(`native vs --backend js: ${(median(jobs['--backend js']) / median(jobs['native (cpu)'])).toFixed(2)}x (medians)`);
    if (beforeCli) {
      console.log(`earlier build: native vs --backend js ${(median(jobs['earlier build, --backend js']) / median(jobs['earlier build, native'])).toFixed(2)}x; native now vs before ${(median(jobs['earlier build, native']) / median(jobs['native (cpu)'])).toFixed(2)}x, --backend js now vs before ${(median(jobs['earlier build, --backend js']) / median(jobs['--backend js'])).toFixed(2)}x`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
