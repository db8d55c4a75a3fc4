/**
 * The mlwatch command end to end: exit codes (0 no drift, 1 drift, 2 usage or input error),
 * the text / JSON / HTML reports carrying the same numbers as driftOfFiles, profiles reused as
 * references, info, and one-line errors naming the file, row and column.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { driftOfFiles } from '../../src/batch/file-drift.js';
import { openTable } from '../../src/batch/readers/open-table.js';
import { mlwatch, ROOT } from '../helpers/cli.js';
import { FLIGHTS_3M } from '../helpers/tables.js';
import { mixedTable, writeArrow, writeCsv, writeDamagedParquet } from '../helpers/mixed-table.js';

const dir = mkdtempSync(join(tmpdir(), 'mlwatch-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ref = join(dir, 'ref.csv');
const same = join(dir, 'same.arrow');
const shifted = join(dir, 'shifted.csv');
writeCsv(ref, mixedTable(5000, 1, 0, false));
writeArrow(same, mixedTable(5000, 7, 0, false));
writeCsv(shifted, mixedTable(5000, 2, 3, false));
const COMMON = ['--categorical', 'code', '--quiet'];

describe('mlwatch drift', () => {
  it('exits 0 without dataset drift and 1 with it; JSON carries driftOfFiles numbers', async () => {
    const calm = mlwatch(['drift', '--reference', ref, '--current', same, ...COMMON]);
    expect(calm.stderr).toBe('');
    expect(calm.code).toBe(0);
    expect(calm.stdout).toMatch(/no dataset drift: \d of 5 tested columns drifted/);

    const moved = mlwatch(['drift', '--reference', ref, '--current', shifted, '--format', 'json', ...COMMON]);
    expect(moved.code).toBe(1);
    const json = JSON.parse(moved.stdout);
    const direct = await driftOfFiles(await openTable(ref), await openTable(shifted), { categorical: ['code'] });
    expect(json.drift.datasetDrift).toBe(true);
    expect(json.drift.columns).toEqual(JSON.parse(JSON.stringify(direct.drift.columns)));
    expect(json.distributions).toEqual(JSON.parse(JSON.stringify(direct.distributions)));
  });

  it('writes an HTML report with the summary table and one chart per column', () => {
    const out = join(dir, 'report.html');
    const run = mlwatch(['drift', '--reference', ref, '--current', shifted, '--format', 'html', '--out', out, '--categorical', 'code']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/DATASET DRIFT: \d of 5 tested columns drifted .*\n.*\nhtml report written to /);
    const html = readFileSync(out, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<tr class/g)).toHaveLength(5);
    expect(html.match(/<svg /g)).toHaveLength(5);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/); // nothing fetched from a network
    expect(html).toContain('Say &quot;hi&quot;'); // labels escaped
  });

  it('takes tests, columns, filters and a profile saved by mlwatch profile', () => {
    const profile = join(dir, 'ref.mlwp');
    const made = mlwatch(['profile', ref, '--out', profile, '--categorical', 'code', '--quiet']);
    expect(made).toMatchObject({ code: 0, stderr: '' });
    const args = ['--current', shifted, '--format', 'json', '--tests', 'psi,city=chisquare', '--columns', 'amount,city,code', ...COMMON];
    const viaFile = JSON.parse(mlwatch(['drift', '--reference', ref, ...args]).stdout);
    const viaProfile = JSON.parse(mlwatch(['drift', '--reference', profile, ...args]).stdout);
    expect(Object.keys(viaFile.drift.columns)).toEqual(['amount', 'code', 'city']);
    expect(viaFile.drift.columns.amount.test).toBe('psi');
    expect(viaFile.drift.columns.city.test).toBe('chisquare');
    expect(viaProfile.drift.columns).toEqual(viaFile.drift.columns);
    const filtered = JSON.parse(mlwatch(['drift', '--reference', ref, '--current', ref, '--reference-where', 'level<5', '--current-where', 'level>=5', '--format', 'json', ...COMMON]).stdout);
    expect(filtered.reference.rowsUsed + filtered.current.rowsUsed).toBe(5000);
    expect(filtered.drift.columns.level.driftDetected).toBe(true);
  });

  it('exits 2 with one line for bad files, bad options and unknown commands', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, `amount,level,code,city,empty\n${'1,2,101,x,3\n'.repeat(1200)}1,two,101,x,3\n`);
    const file = mlwatch(['drift', '--reference', ref, '--current', bad, ...COMMON]);
    expect(file.code).toBe(2);
    expect(file.stderr).toBe(`mlwatch: ${bad}, row 1201, column "level": "two" is not a number (the column's first 1000 rows are numbers) (line 1202)\n`);
    for (const args of [
      ['drift', '--reference', ref],
      ['drift', '--reference', ref, '--current', ref, '--format', 'pdf'],
      ['drift', '--reference', ref, '--current', ref, '--tests', 'nope'],
      ['drift', '--reference', ref, '--current', ref, '--memory', 'lots'],
      ['drift', '--reference', ref, '--current', ref, '--unknown-flag'],
      ['drift', '--reference', ref, '--current', ref, '--drift-share', '2'],
      ['drift', '--reference', ref, '--current', ref, '--drift-share', ''],
      ['drift', '--reference', ref, '--current', ref, '--drift-share', '0x1'],
      ['drift', '--reference', ref, '--current', ref, '--reference-where', 'level<<5'],
      ['drift', '--reference', ref, '--current', ref, '--reference-where', 'level<0x10'],
      ['drift', '--reference', ref, '--current', ref, '--reference-where', 'level<2001-02-01'],
      ['drift', '--reference', ref, '--current', ref, '--reference-where', 'level<'],
      ['drift', '--reference', ref, '--current', ref, '--tmp-dir', ref],
      ['drift', '--reference', ref, '--current', ref, '--out', dir],
      ['frobnicate'],
    ]) {
      const run = mlwatch(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.split('\n')[0], args.join(' ')).toMatch(/^mlwatch: \S/);
      expect(run.stderr, args.join(' ')).not.toMatch(/\n\s+at /); // a message, not a stack
    }
    // Not regular files, or empty: a named input error (a directory once made the Parquet decoder panic, exit 1)
    for (const name of ['d.parquet', 'd.arrow', 'd.csv']) mkdirSync(join(dir, name), { recursive: true });
    for (const name of ['e.parquet', 'e.arrow']) writeFileSync(join(dir, name), '');
    writeFileSync(join(dir, 'junk.arrow'), 'not an arrow file at all');
    for (const [name, message] of [
      ['d.parquet', 'a directory, not a file'],
      ['d.arrow', 'a directory, not a file'],
      ['d.csv', 'a directory, not a file'],
      ['e.parquet', 'an empty file (expected Parquet)'],
      ['e.arrow', 'an empty file (expected Arrow IPC)'],
      ['junk.arrow', 'not an Arrow IPC file or stream'],
    ]) {
      const run = mlwatch(['drift', '--reference', join(dir, name), '--current', ref]);
      expect(run.code, name).toBe(2);
      expect(run.stderr, name).toContain(`mlwatch: ${join(dir, name)}: ${message}`);
      expect(run.stderr.trim().split('\n'), name).toHaveLength(1);
    }
    // Damaged data pages make parquet-wasm abort outside any awaited call: still the file's fault, named
    const damaged = join(dir, 'damaged.parquet');
    writeDamagedParquet(damaged, mixedTable(5000, 1, 0, false));
    const aborted = mlwatch(['drift', '--reference', damaged, '--current', ref]);
    expect(aborted.code).toBe(2);
    expect(aborted.stderr).toMatch(/^mlwatch: .*damaged\.parquet, row 1: row group 0 cannot be decoded, the file may be damaged: parquet-wasm aborted \(unreachable\)\n$/);
    const headerOnly = join(dir, 'header-only.csv');
    writeFileSync(headerOnly, 'amount,level,code,city,empty\n');
    const empty = mlwatch(['drift', '--reference', ref, '--current', headerOnly, ...COMMON]);
    expect(empty.code).toBe(2); // city is read as labels although the file has none to show it
    expect(empty.stderr).toBe('mlwatch: no column could be tested (reference 5000 rows, current 0 rows used)\n');
    expect(empty.stdout).toMatch(/city +categorical +auto .* insufficient data/);
    const missing = mlwatch(['drift', '--reference', join(dir, 'none.parquet'), '--current', ref]);
    expect(missing).toMatchObject({ code: 2, stderr: `mlwatch: ${join(dir, 'none.parquet')}: no such file\n` });
    expect(existsSync(join(dir, 'none.parquet'))).toBe(false);
  }, 240_000); // some twenty processes of the command, each compiling from source (slow under the sanitizers)
});

describe('mlwatch drift interrupted', () => {
  it('exits 130 on SIGINT and removes its sorted runs from the temporary directory', async () => {
    const tmp = mkdtempSync(join(dir, 'runs-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'drift', '--reference', FLIGHTS_3M, '--current', FLIGHTS_3M, '--current-where', 'date>=2001-03-01', '--memory', '1MiB', '--tmp-dir', tmp, '--quiet'], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // wait until the job has written sorted runs, then interrupt it
    const started = Date.now();
    while (!readdirSync(tmp).some((d) => readdirSync(join(tmp, d)).length > 0) && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 20));
    expect(readdirSync(tmp)).toHaveLength(1);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('mlwatch info and help', () => {
  it('lists every backend, its SIMD level and threads, and CUDA', () => {
    const text = mlwatch(['info']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^active backend: (js|cpu|cuda)\n/);
    expect(text.stdout).toMatch(/ js +available, 1 thread/);
    expect(text.stdout).toMatch(/CUDA: /);
    const json = JSON.parse(mlwatch(['info', '--format', 'json']).stdout);
    expect(Object.keys(json.backends)).toEqual(['js', 'cpu', 'cuda']);
    expect(mlwatch(['--help'])).toMatchObject({ code: 0 });
    const bench = mlwatch(['bench', 'no-such-family']); // wired to bench/run.ts, which names its families
    expect(bench.code).toBe(2);
    expect(bench.stderr).toMatch(/unknown benchmark\(s\): no-such-family; known: .*batch/);
    expect(mlwatch([]).code).toBe(2);
  });

  it('selects the backend named by --backend, or exits 2 saying why it is unavailable', () => {
    const js = JSON.parse(mlwatch(['drift', '--reference', ref, '--current', same, '--backend', 'js', '--format', 'json', ...COMMON]).stdout);
    expect(js.backend).toBe('js');
    const cuda = mlwatch(['drift', '--reference', ref, '--current', same, '--backend', 'cuda', ...COMMON]);
    expect(cuda.code).toBe(2);
    expect(cuda.stderr).toMatch(/^mlwatch: --backend cuda: The 'cuda' backend is not available: /);
  });
});
