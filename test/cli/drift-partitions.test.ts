/**
 * `mlwatch drift --partitions` in one process (no --redis): a table split into Parquet and CSV
 * partition files gives the report `mlwatch drift --current` gives on the whole file — the same
 * tests, decisions and drifted columns, KS statistics identical and the others to 1e-12 — and bad
 * requests (no match, --current beside --partitions, an HTML report) exit 2 with one line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mlwatch } from '../helpers/cli.js';
import { mixedTable, writeCsv, writeParquetFile, type MixedTable } from '../helpers/mixed-table.js';

const dir = mkdtempSync(join(tmpdir(), 'mlwatch-partitions-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function slice(t: MixedTable, from: number, to: number): MixedTable {
  return { amount: t.amount.slice(from, to), level: t.level.slice(from, to), code: t.code.slice(from, to), city: t.city.slice(from, to), empty: t.empty.slice(from, to) };
}

type Report = { columns: Record<string, { test: string; statistic: number; driftDetected: boolean; status: string }>; driftedColumns: string[]; datasetDrift: boolean };

describe('mlwatch drift --partitions (one process)', () => {
  it('gives the whole file’s report over Parquet and CSV partitions', () => {
    writeParquetFile(join(dir, 'reference.parquet'), mixedTable(4000, 1, 0, false));
    const current = mixedTable(3000, 2, 0.5, false);
    writeParquetFile(join(dir, 'whole.parquet'), current);
    writeParquetFile(join(dir, 'part-0.parquet'), slice(current, 0, 1000));
    writeCsv(join(dir, 'part-1.csv'), slice(current, 1000, 1700));
    writeParquetFile(join(dir, 'part-2.parquet'), slice(current, 1700, 3000));
    const common = ['--reference', join(dir, 'reference.parquet'), '--columns', 'amount,level,city', '--format', 'json', '--quiet'];
    const whole = mlwatch(['drift', ...common, '--current', join(dir, 'whole.parquet')]);
    const parts = mlwatch(['drift', ...common, '--partitions', join(dir, 'part-*')]);
    expect(parts.stderr).toBe('');
    expect(parts.code).toBe(whole.code);
    const a = (JSON.parse(whole.stdout) as { drift: Report }).drift;
    const wrapped = JSON.parse(parts.stdout) as { drift: Report; partitions: { files: string[]; engine: string } };
    expect(wrapped.partitions).toEqual({ pattern: join(dir, 'part-*'), files: ['part-0.parquet', 'part-1.csv', 'part-2.parquet'].map((f) => join(dir, f)), engine: 'process' });
    const b = wrapped.drift;
    expect(b.driftedColumns).toEqual(a.driftedColumns);
    expect(b.datasetDrift).toBe(a.datasetDrift);
    expect(Object.keys(b.columns)).toEqual(Object.keys(a.columns));
    for (const [name, c] of Object.entries(a.columns)) {
      const d = b.columns[name];
      expect([d.test, d.status, d.driftDetected], name).toEqual([c.test, c.status, c.driftDetected]);
      if (c.test === 'ks') expect(d.statistic, name).toBe(c.statistic);
      else expect(Math.abs(d.statistic - c.statistic), name).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(c.statistic)));
    }
  }, 120_000);

  it('refuses what it cannot do with one line and exit 2', () => {
    const reference = join(dir, 'reference.parquet');
    const none = mlwatch(['drift', '--reference', reference, '--partitions', join(dir, 'nothing-*.csv')]);
    expect([none.code, none.stderr.split('\n').length]).toEqual([2, 2]);
    expect(none.stderr).toMatch(/^mlwatch: .*nothing-\*\.csv/);
    const both = mlwatch(['drift', '--reference', reference, '--current', reference, '--partitions', join(dir, 'part-*')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^mlwatch: drift --partitions needs --reference and no --current/);
    const html = mlwatch(['drift', '--reference', reference, '--partitions', join(dir, 'part-*'), '--format', 'html']);
    expect(html.code).toBe(2);
    expect(html.stderr).toMatch(/^mlwatch: --partitions reports as text or json/);
  });
});
