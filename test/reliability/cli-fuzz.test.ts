/**
 * Fuzzing the command line: random commands, options and values (valid and hostile: empty strings,
 * non-decimal numerals, bad filters, directories and missing files where files are expected,
 * damaged profiles, unknown options) run through the CLI's main() in this process. Every run must
 * end with exit code 0 or 1 (a report) or 2 (a usage or input error on one line of standard error,
 * or the usage text), never 3 (an internal error) and never a stack trace. A run that reports also
 * wrote a parsable report when asked for JSON.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { main } from '../../src/cli/main.js';
import { DriftDetector } from '../../src/index.js';
import { mixedTable, writeCsv, writeParquetFile } from '../helpers/mixed-table.js';

const dir = mkdtempSync(join(tmpdir(), 'mlwatch-cli-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files = {
  csv: join(dir, 'ref.csv'),
  parquet: join(dir, 'cur.parquet'),
  profile: join(dir, 'ref.mlwprofile'),
  damagedProfile: join(dir, 'damaged.mlwprofile'),
  empty: join(dir, 'empty.csv'),
  directory: join(dir, 'folder.parquet'),
  missing: join(dir, 'missing.csv'),
  text: join(dir, 'notes.arrow'),
};
writeCsv(files.csv, mixedTable(400, 1, 0, false));
writeParquetFile(files.parquet, mixedTable(300, 2, 1, true));
const profile = new DriftDetector({ amount: Float64Array.from({ length: 200 }, (_, i) => i), city: Array.from({ length: 200 }, (_, i) => (i % 2 ? 'Paris' : 'x')) }).profile.toBytes();
writeFileSync(files.profile, profile);
const damaged = profile.slice();
damaged[damaged.length - 3] ^= 0x10;
writeFileSync(files.damagedProfile, damaged);
writeFileSync(files.empty, '');
mkdirSync(files.directory);
writeFileSync(files.text, 'not arrow at all\n');

const paths = Object.values(files);
const hostile = ['', ' ', '-1', '0', '1', '0.5', '2', '1e309', 'NaN', '0x1F', '0b101', '1_000', 'abc', '=', '<', 'x<<5', '\u0000', 'é', '../..', '--', '-', 'a'.repeat(300)];
const filters = ['date<2001-02-01', 'amount<100', 'amount>=', 'city=Paris', 'city!=x', 'level>2', 'amount<2001-02-01', 'nosuch=1', 'amount in (1,2)', 'amount<0x10'];
const columnsValues = ['amount', 'amount,level', 'city', 'nosuch', 'amount,,city', ',', 'code'];
const value = fc.oneof(fc.constantFrom(...hostile), fc.constantFrom(...paths), fc.constantFrom(...filters), fc.constantFrom(...columnsValues), fc.string({ maxLength: 12 }));

/** An option and its value, or a flag: the CLI's own options, some with fitting values, and junk. */
const option = fc.oneof(
  fc.tuple(fc.constantFrom('--reference', '--current'), fc.constantFrom(...paths)),
  fc.tuple(fc.constantFrom('--columns', '--categorical'), fc.constantFrom(...columnsValues)),
  fc.tuple(fc.constantFrom('--reference-where', '--current-where', '--where'), fc.constantFrom(...filters)),
  fc.tuple(fc.constantFrom('--tests'), fc.constantFrom('auto', 'ks', 'psi,city=chisquare', 'nosuch', 'ks,psi', 'amount=z')),
  fc.tuple(fc.constantFrom('--format'), fc.constantFrom('text', 'json', 'html', 'xml', '')),
  fc.tuple(fc.constantFrom('--drift-share'), fc.constantFrom('0.3', '1', '', '1.5', '-0.1', '.5', '5e-1')),
  fc.tuple(fc.constantFrom('--correction'), fc.constantFrom('none', 'bonferroni', 'fdr', 'holm')),
  fc.tuple(fc.constantFrom('--backend'), fc.constantFrom('js', 'cpu', 'cuda', 'gpu')),
  fc.tuple(fc.constantFrom('--memory'), fc.constantFrom('1GiB', '1MiB', '10', '0', '-5', 'lots', '1.5GB')),
  fc.tuple(fc.constantFrom('--tmp-dir'), fc.constantFrom(dir, files.csv, files.missing)),
  fc.tuple(fc.constantFrom('--out'), fc.constantFrom(join(dir, 'report.out'), files.directory, join(files.missing, 'x'))),
  fc.constantFrom(['--quiet'], ['--help'], ['--nosuch'], ['-x']),
  fc.tuple(fc.constantFrom('--reference', '--current', '--columns', '--memory', '--tests', '--format', '--out', '--where'), value),
);

const command = fc.oneof(
  fc.constant(['drift', '--reference', files.csv, '--current', files.parquet]),
  fc.constant(['drift', '--reference', files.profile, '--current', files.parquet]),
  fc.constant(['profile', files.csv, '--out', join(dir, 'made.mlwprofile')]),
  fc.constantFrom(['drift'], ['profile'], ['info'], ['help'], ['nosuch'], []),
);

/** Runs main() with standard output and error captured. */
async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

describe('the command line under random arguments', () => {
  it('answers 0, 1 or 2 with a one-line error or a report, never an internal error or a stack trace', async () => {
    // junk --out values are relative paths: write them into the temp dir, not the working tree
    // (test files run in forked processes, so the working directory is this file's alone)
    const cwd = process.cwd();
    process.chdir(dir);
    onTestFinished(() => process.chdir(cwd));
    const codes = new Set<number>();
    const tally: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(command, fc.array(option, { maxLength: 5 }), async (base, extra) => {
        const argv = [...base, ...extra.flat()];
        const { code, stdout, stderr } = await run(argv);
        const label = `mlwatch ${argv.map((a) => JSON.stringify(a)).join(' ')} -> ${code}: ${stderr}`;
        codes.add(code);
        tally[code] = (tally[code] ?? 0) + 1;
        expect([0, 1, 2], label).toContain(code);
        expect(stderr, label).not.toMatch(/\n\s+at /);
        // the first line says what went wrong (the usage text may follow)
        expect(stderr.split('\n')[0], label).not.toMatch(/internal error|Cannot read properties|is not a function|undefined/);
        if (code === 2 && !stderr.includes('Usage:') && !stdout.includes('Usage:')) {
          expect(stderr.trimEnd().split('\n'), label).toHaveLength(1);
          expect(stderr, label).toMatch(/^mlwatch: /);
        }
        const i = argv.lastIndexOf('--format');
        const json = argv[0] === 'drift' && i >= 0 && argv[i + 1] === 'json' && !argv.includes('--out');
        if (json && code <= 1) expect(() => JSON.parse(stdout), label).not.toThrow();
        const o = argv.lastIndexOf('--out');
        if (argv[0] === 'drift' && code <= 1 && o >= 0) expect(readFileSync(argv[o + 1], 'utf8').length, label).toBeGreaterThan(0);
      }),
      { numRuns: 250, seed: 20261126 },
    );
    // the runs reached both refusals and reports (a tenth of them at least: the jobs ran)
    expect(codes.has(2)).toBe(true);
    expect((tally[0] ?? 0) + (tally[1] ?? 0)).toBeGreaterThanOrEqual(25);
  }, 300_000);
});
