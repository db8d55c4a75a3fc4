/**
 * driftOfFiles on a mixed table written as CSV, Arrow and Parquet: the same results as
 * DriftDetector on the arrays (every kind of column, missing values, a column left empty, small
 * references choosing ks/chisquare/z), whatever the format and whether the values stayed in
 * memory or went to disk; and clear errors for bad files and options.
 */
import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { Field, Float64, makeData, RecordBatch, Schema, Struct, Table, tableToIPC } from 'apache-arrow';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DriftDetector, getBackend, useBackend, type DatasetDriftResult } from '../../src/index.js';
import { driftOfFiles, profileOfFile, type JobProgress } from '../../src/batch/file-drift.js';
import { openTable } from '../../src/batch/readers/open-table.js';
import { InputFileError } from '../../src/batch/table-source.js';
import { close, describeEachBackend } from '../helpers/backends.js';
import { columnTable, mixedTable, writeArrow, writeCsv, writeParquetFile } from '../helpers/mixed-table.js';

const initial = getBackend().name;
const dir = mkdtempSync(join(tmpdir(), 'mlwatch-files-'));
afterAll(() => {
  useBackend(initial);
  rmSync(dir, { recursive: true, force: true });
});

const SCHEMA = { categorical: ['code'] };

function write(name: string, t: ReturnType<typeof mixedTable>) {
  const paths = { csv: join(dir, `${name}.csv`), arrow: join(dir, `${name}.arrow`), parquet: join(dir, `${name}.parquet`) };
  writeCsv(paths.csv, t);
  writeArrow(paths.arrow, t);
  writeParquetFile(paths.parquet, t);
  return paths;
}

const large = { ref: mixedTable(6000, 1, 0, false), cur: mixedTable(4000, 2, 1, true) };
const small = { ref: mixedTable(800, 3, 0, false), cur: mixedTable(300, 4, 1, false) };
const files = { large: { ref: write('large-ref', large.ref), cur: write('large-cur', large.cur) }, small: { ref: write('small-ref', small.ref), cur: write('small-cur', small.cur) } };

function expectSameResults(actual: DatasetDriftResult, expected: DatasetDriftResult, label: string) {
  expect(Object.keys(actual.columns)).toEqual(Object.keys(expected.columns));
  for (const [name, b] of Object.entries(expected.columns)) {
    const a = actual.columns[name];
    expect({ ...a, statistic: 0, pValue: 0 }, `${label} ${name}`).toEqual({ ...b, statistic: 0, pValue: 0 });
    if (b.statistic === null) expect(a.statistic).toBeNull();
    else expect(close(a.statistic!, b.statistic, 1e-12), `${label} ${name}: ${a.statistic} vs ${b.statistic}`).toBe(true);
    if (b.pValue !== undefined && b.pValue !== null) expect(close(a.pValue!, b.pValue, 1e-9, 1e-15), `${label} ${name} p`).toBe(true);
  }
  expect(actual.driftedColumns).toEqual(expected.driftedColumns);
  expect(actual.datasetDrift).toBe(expected.datasetDrift);
}

describeEachBackend('driftOfFiles on the %s backend', (backend) => {
  for (const size of ['large', 'small'] as const) {
    it(`gives DriftDetector's results on CSV, Arrow and Parquet (${size} reference), in memory and from disk`, async () => {
      useBackend(backend);
      const data = size === 'large' ? large : small;
      const expected = new DriftDetector(columnTable(data.ref), { schema: SCHEMA }).detect(columnTable(data.cur));
      if (size === 'large') {
        expect(expected.columns.empty.status).toBe('insufficient_data');
        expect(expected.columns.level.test).toBe('wasserstein'); // 10 distinct values: numbers (psi would bin them as categories)
      } else expect(new Set(Object.values(expected.columns).map((c) => c.test))).toEqual(new Set(['ks', 'chisquare']));
      for (const format of ['csv', 'arrow', 'parquet'] as const) {
        for (const memoryBytes of [undefined, 1 << 20]) {
          const progress: JobProgress[] = [];
          const paths = files[size];
          const report = await driftOfFiles(await openTable(paths.ref[format]), await openTable(paths.cur[format]), { categorical: ['code'], memoryBytes, onProgress: (p) => progress.push(p) });
          expectSameResults(report.drift, expected, `${format} ${memoryBytes ?? 'default'}`);
          expect(report.spilledToDisk).toBe(memoryBytes !== undefined && size === 'large');
          expect(report.current.rowsRead).toBe(data.cur.amount.length);
          expect(progress.filter((p) => p.phase === 'read').at(-1)).toMatchObject({ side: 'current', rowsRead: data.cur.amount.length });
          expect(progress.at(-1)).toEqual({ phase: 'measure', done: 5, columns: 5, fromDisk: false });
          expect(report.distributions.city.type).toBe('bars');
        }
      }
    });
  }

  it('applies each test the options name, as DriftDetector does', async () => {
    useBackend(backend);
    for (const test of ['ks', 'psi', 'z', 'meanShift'] as const) {
      const expected = new DriftDetector(columnTable(large.ref), { schema: SCHEMA, test, correction: 'fdr' }).detect(columnTable(large.cur));
      const report = await driftOfFiles(await openTable(files.large.ref.arrow), await openTable(files.large.cur.parquet), { categorical: ['code'], test, correction: 'fdr', memoryBytes: 1 << 20 });
      expectSameResults(report.drift, expected, test);
    }
  });

  it('builds a profile from a file that detects as the file does, and saves it', async () => {
    useBackend(backend);
    const { profile, use } = await profileOfFile(await openTable(files.large.ref.parquet), { categorical: ['code'] });
    expect(use.rowsUsed).toBe(6000);
    const viaProfile = await driftOfFiles(profile, await openTable(files.large.cur.csv));
    const viaFile = await driftOfFiles(await openTable(files.large.ref.csv), await openTable(files.large.cur.csv), { categorical: ['code'] });
    expectSameResults(viaProfile.drift, viaFile.drift, 'profile');
    const expected = new DriftDetector(columnTable(large.ref), { schema: SCHEMA }).detect(columnTable(large.cur));
    expectSameResults(new DriftDetector(profile).detect(columnTable(large.cur)), expected, 'detector on the profile');
    const tall = join(dir, 'tall.csv');
    writeFileSync(tall, `x\n${Array.from({ length: 100_000 }, (_, i) => i % 1000).join('\n')}\n`); // 800 kB of values
    await expect(profileOfFile(await openTable(tall), { memoryBytes: 1 << 20 })).rejects.toThrow(/fit in half the memory budget/);
    await expect(driftOfFiles(profile, await openTable(files.large.cur.csv), { referenceFilters: ['level<3'] })).rejects.toThrow(/no reference filters with a saved profile/);
  });
});

describe('bad files and options', () => {
  it('names the file, row and column of a field that is not a number', async () => {
    const lines = ['a,b', ...Array.from({ length: 1500 }, (_, i) => `${i},x${i % 3}`), 'oops,x1', '5,x2'];
    const path = join(dir, 'bad-number.csv');
    writeFileSync(path, lines.join('\n'));
    const source = await openTable(path);
    const error = await driftOfFiles(source, source).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toBe(`${path}, row 1501, column "a": "oops" is not a number (the column's first 1000 rows are numbers) (line 1502)`);
  });

  it('closes and deletes its sorted runs when reading fails half way', async () => {
    const lines = ['a', ...Array.from({ length: 300_000 }, (_, i) => String(i % 977)), 'oops'];
    const path = join(dir, 'late-error.csv');
    writeFileSync(path, lines.join('\n'));
    const source = await openTable(path);
    await expect(driftOfFiles(source, source, { memoryBytes: 1 << 20 })).rejects.toThrow(/row 300001, column "a"/);
    const open = readdirSync('/proc/self/fd').map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    });
    expect(open.filter((target) => target.includes('.f64'))).toEqual([]);
  });

  it('keeps a column named __proto__ and rejects Arrow files that name a column twice', async () => {
    const ref = join(dir, 'proto-ref.csv');
    const cur = join(dir, 'proto-cur.csv');
    writeFileSync(ref, `__proto__,x\n${Array.from({ length: 50 }, (_, i) => `${i},${i % 3}`).join('\n')}\n`);
    writeFileSync(cur, `__proto__,x\n${Array.from({ length: 50 }, (_, i) => `${i + 100},${i % 3}`).join('\n')}\n`);
    const report = await driftOfFiles(await openTable(ref), await openTable(cur));
    expect(Object.keys(report.drift.columns)).toEqual(['__proto__', 'x']);
    expect(report.drift.columns['__proto__'].driftDetected).toBe(true);
    expect(report.drift.driftedColumns).toEqual(['__proto__']);
    expect(Object.keys(report.distributions)).toEqual(['__proto__', 'x']);

    const fields = [new Field('x', new Float64()), new Field('x', new Float64())];
    const children = fields.map((f) => makeData({ type: f.type, length: 2, data: Float64Array.of(1, 2) }));
    const batch = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: 2, children }));
    const twice = join(dir, 'twice.arrow');
    writeFileSync(twice, tableToIPC(new Table([batch]), 'file'));
    await expect(openTable(twice)).rejects.toThrow(`${twice}, column "x": the file names this column twice`);
  });

  it('rejects a record with the wrong number of fields, naming the file and line', async () => {
    const path = join(dir, 'ragged.csv');
    writeFileSync(path, 'a,b\n1,2\n3\n');
    await expect(openTable(path)).rejects.toThrow(`${path}, row 2: Invalid Record Length: expect 2, got 1 on line 3`);
  });

  it('rejects missing and unknown files, absent columns and mismatched types', async () => {
    await expect(openTable(join(dir, 'nope.csv'))).rejects.toThrow(/nope\.csv: no such file/);
    const txt = join(dir, 'table.txt');
    writeFileSync(txt, 'a\n1\n');
    await expect(openTable(txt)).rejects.toThrow(/unknown file type ".txt"/);
    const garbage = join(dir, 'garbage.parquet');
    writeFileSync(garbage, 'not parquet at all');
    await expect(openTable(garbage)).rejects.toThrow(/garbage\.parquet: not a Parquet file/);
    const ref = await openTable(files.large.ref.csv);
    await expect(driftOfFiles(ref, ref, { include: ['amount', 'nope'] })).rejects.toThrow(/the columns named.*"nope"/);
    const other = join(dir, 'other.csv');
    writeFileSync(other, 'amount,level,code,city,empty\nx,1,2,3,4\n');
    await expect(driftOfFiles(ref, await openTable(other), { categorical: ['code'] })).rejects.toThrow(/other\.csv, column "amount": holds labels but the reference's column holds numbers/);
    await expect(driftOfFiles(ref, ref, { referenceFilters: ['amount ~ 3'] })).rejects.toThrow(/Expected a filter like/);
    await expect(driftOfFiles(ref, ref, { referenceFilters: ['nope<3'] })).rejects.toThrow(/names no column/);
    await expect(driftOfFiles(ref, ref, { memoryBytes: 1000 })).rejects.toThrow(/options\.memoryBytes/);
  });
});
