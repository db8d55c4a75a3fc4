/**
 * File jobs on a worker thread: the same reports as on the caller's thread (files and a profile as
 * reference, in memory and spilled), progress delivered on the caller's thread, errors with their
 * class and fields, a throwing progress callback stopping the job with nothing left on disk, tables
 * of the caller's own making run on the caller's thread, and the option checked.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { getBackend, useBackend } from '../../src/index.js';
import { driftOfFiles, profileOfFile, type FileDriftReport, type JobProgress } from '../../src/batch/file-drift.js';
import { openTable } from '../../src/batch/readers/open-table.js';
import { InputFileError, type TableSource } from '../../src/batch/table-source.js';
import { describeEachBackend } from '../helpers/backends.js';
import { ROOT } from '../helpers/cli.js';
import { mixedTable, writeCsv, writeDamagedParquet, writeParquetFile } from '../helpers/mixed-table.js';

const initial = getBackend().name;
const dir = mkdtempSync(join(tmpdir(), 'mlwatch-jobs-'));
afterAll(() => {
  useBackend(initial);
  rmSync(dir, { recursive: true, force: true });
});

const refPath = join(dir, 'ref.parquet');
const curPath = join(dir, 'cur.csv');
writeParquetFile(refPath, mixedTable(5000, 1, 0, false));
writeCsv(curPath, mixedTable(3000, 2, 1, true));

/** A report without its timings and memory figures (which differ from run to run). */
function stable(report: FileDriftReport) {
  const { seconds: _s, readSeconds: _r, measureSeconds: _m, peakRssBytes: _p, ...rest } = report;
  return { ...rest, drift: { ...rest.drift, timestamp: 0 } };
}

describeEachBackend('file jobs on a worker thread, %s backend', (backend) => {
  it('report exactly what the caller thread reports, from files and from a profile, in memory and spilled', async () => {
    useBackend(backend);
    const [ref, cur] = [await openTable(refPath), await openTable(curPath)];
    for (const memoryBytes of [undefined, 1 << 20]) {
      const options = { memoryBytes, categorical: ['code'] };
      const here = await driftOfFiles(ref, cur, { ...options, thread: 'caller' });
      const there = await driftOfFiles(ref, cur, options);
      expect(there.backend).toBe(backend);
      expect(there.spilledToDisk).toBe(memoryBytes !== undefined);
      expect(stable(there)).toEqual(stable(here));
    }
    const profiled = await profileOfFile(ref, { categorical: ['code'] });
    const profiledHere = await profileOfFile(ref, { categorical: ['code'], thread: 'caller' });
    expect(profiled.use).toEqual(profiledHere.use);
    expect(Buffer.from(profiled.profile.toBytes())).toEqual(Buffer.from(profiledHere.profile.toBytes()));
    const fromProfile = await driftOfFiles(profiled.profile, cur);
    const fromProfileHere = await driftOfFiles(profiled.profile, cur, { thread: 'caller' });
    expect(stable(fromProfile)).toEqual(stable(fromProfileHere));
  });
});

describe('file jobs on a worker thread', () => {
  it('hand progress to the callback on the caller thread, in order', async () => {
    const [ref, cur] = [await openTable(refPath), await openTable(curPath)];
    const seen: JobProgress[] = [];
    const threads = new Set<boolean>();
    await driftOfFiles(ref, cur, { onProgress: (p) => (seen.push(p), threads.add(isMainThread)) });
    expect([...threads]).toEqual([true]);
    const reads = seen.filter((p) => p.phase === 'read');
    expect(reads.length).toBeGreaterThan(1);
    expect(reads.at(-1)).toMatchObject({ side: 'current', rowsRead: 3000 });
    expect(seen.at(-1)).toMatchObject({ phase: 'measure', done: seen.at(-1)!.phase === 'measure' ? (seen.at(-1) as { columns: number }).columns : -1 });
  });

  it('reject with the error class and fields the job threw', async () => {
    const bad = join(dir, 'bad.csv');
    writeCsv(bad, mixedTable(2000, 3, 0, false));
    const text = (await import('node:fs')).readFileSync(bad, 'utf8').split('\n');
    text[1500] = text[1500].replace(/^[^,]*/, 'oops');
    (await import('node:fs')).writeFileSync(bad, text.join('\n'));
    const error = await driftOfFiles(await openTable(refPath), await openTable(bad)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputFileError);
    expect(error).toMatchObject({ path: bad, row: 1500 });
    expect((error as Error).message).toMatch(/^.*bad\.csv, row 1500, column ".*": "oops" is not a number/);
  });

  it('reject a Parquet file the decoder aborts on with an InputFileError naming it, and run the next job', async () => {
    const damaged = join(dir, 'damaged.parquet');
    writeDamagedParquet(damaged, mixedTable(5000, 1, 0, false));
    const error = await driftOfFiles(await openTable(damaged), await openTable(curPath)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputFileError);
    expect(error).toMatchObject({ path: damaged, row: 1 });
    expect((error as Error).message).toMatch(/damaged\.parquet, row 1: row group 0 cannot be decoded, the file may be damaged: parquet-wasm aborted/);
    const after = await driftOfFiles(await openTable(refPath), await openTable(curPath));
    expect(after.current.rowsUsed).toBe(3000);
  });

  it("on the caller's thread, leave the abort to the process, named by parquetAbortOf, and refuse Parquet files after it", () => {
    const damaged = join(dir, 'damaged-here.parquet');
    writeDamagedParquet(damaged, mixedTable(5000, 1, 0, false));
    // in a child process: the abort is an uncaught exception there
    const script = `
      import { openTable } from './src/batch/readers/open-table.ts';
      import { driftOfFiles } from './src/batch/file-drift.ts';
      import { parquetAbortOf } from './src/batch/readers/parquet-source.ts';
      process.on('uncaughtException', async (error) => {
        console.log('abort: ' + parquetAbortOf(error)?.message);
        await openTable(${JSON.stringify(refPath)}).then(() => console.log('opened'), (e) => console.log('refused: ' + e.message));
        process.exit(0);
      });
      await driftOfFiles(await openTable(${JSON.stringify(damaged)}), await openTable(${JSON.stringify(curPath)}), { thread: 'caller' });
      console.log('finished');`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stdout.trim().split('\n')).toEqual([
      `abort: ${damaged}, row 1: row group 0 cannot be decoded, the file may be damaged: parquet-wasm aborted (unreachable)`,
      `refused: ${refPath}: cannot be read as Parquet: Parquet files cannot be read in this thread any more: parquet-wasm aborted on ${damaged} in this thread; read Parquet files on the default worker thread, which is replaced after such a failure`,
    ]);
  });

  it('stop at a throwing progress callback, reject with what it threw and leave no sorted runs', async () => {
    const tmp = mkdtempSync(join(dir, 'runs-'));
    const [ref, cur] = [await openTable(refPath), await openTable(curPath)];
    let calls = 0;
    const failure = new Error('stop here');
    const error = await driftOfFiles(ref, cur, {
      memoryBytes: 1 << 20,
      tmpDir: tmp,
      onProgress: () => {
        if (++calls === 2) throw failure;
      },
    }).catch((e: unknown) => e);
    expect(error).toBe(failure);
    expect(readdirSync(tmp)).toEqual([]);
    // the next job gets a working worker
    const report = await driftOfFiles(ref, cur, { tmpDir: tmp });
    expect(report.current.rowsRead).toBe(3000);
  });

  it('run tables of the caller own making on the caller thread, and check the option', async () => {
    const ref = await openTable(refPath);
    const cur = await openTable(curPath);
    // a wrapper the worker could not open again by path
    const own: TableSource = { path: cur.path, format: cur.format, columns: cur.columns, rowCount: cur.rowCount, byteSize: cur.byteSize, chunks: (w, l) => cur.chunks(w, l) };
    const mine = await driftOfFiles(ref, own);
    const theirs = await driftOfFiles(ref, cur);
    expect(stable(mine)).toEqual(stable(theirs));
    await expect(driftOfFiles(ref, cur, { thread: 'elsewhere' as 'caller' })).rejects.toThrow(/Expected 'worker' or 'caller' for options\.thread/);
  });

  it('reject a path given instead of an opened table, saying what they expected', async () => {
    const cur = await openTable(curPath);
    await expect(driftOfFiles(refPath as unknown as TableSource, cur)).rejects.toThrow(
      `Expected a TableSource (await openTable(path)) or a ReferenceProfile for reference but received string ${JSON.stringify(refPath.length > 40 ? refPath.slice(0, 40) + '…' : refPath)}`,
    );
    await expect(driftOfFiles(cur, { columns: [] } as unknown as TableSource)).rejects.toThrow(/^Expected a TableSource \(await openTable\(path\)\) for current but received object Object$/);
    await expect(profileOfFile(null as unknown as TableSource)).rejects.toThrow(/^Expected a TableSource \(await openTable\(path\)\) for source but received null$/);
  });
});
