/**
 * The batch job on the real flights data (vega-datasets): the readers against values computed
 * by DuckDB and by JSON.parse, and driftOfFiles (January against June) against SciPy's
 * statistics and against the in-memory DriftDetector on the same rows, in memory and with a
 * budget so small that every column goes to disk as sorted runs.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DriftDetector, getBackend, useBackend } from '../../src/index.js';
import { driftOfFiles } from '../../src/batch/file-drift.js';
import { openTable } from '../../src/batch/readers/open-table.js';
import { close, describeEachBackend } from '../helpers/backends.js';
import { FLIGHTS_200K_ARROW, FLIGHTS_200K_JSON, FLIGHTS_3M, flightsFixture, readWhole } from '../helpers/tables.js';

const initial = getBackend().name;
afterAll(() => void useBackend(initial));

const JANUARY = ['date<2001-02-01'];
const JUNE = ['date>=2001-06-01'];
const COLUMNS = ['delay', 'distance', 'origin', 'destination'];
const expected = flightsFixture.drift.columns;

describe('table readers on the flights files', () => {
  it('reads flights-3m.parquet as DuckDB does: counts, sums, extremes, categories', async () => {
    const source = await openTable(FLIGHTS_3M);
    expect(source.rowCount).toBe(3_000_000);
    expect(source.columns).toEqual([
      { name: 'date', type: 'number', time: true },
      { name: 'delay', type: 'number' },
      { name: 'distance', type: 'number' },
      { name: 'origin', type: 'label' },
      { name: 'destination', type: 'label' },
    ]);
    const s = { rows: 0, delaySum: 0, distanceSum: 0, delayMin: Infinity, delayMax: -Infinity, dateMin: Infinity, dateMax: -Infinity, lax: 0, ord: 0, chunks: 0 };
    const origins = new Set<string>();
    let previous = -1;
    for await (const chunk of source.chunks(['date', 'delay', 'distance', 'origin', 'destination'])) {
      expect(chunk.firstRow).toBe(previous === -1 ? 0 : previous);
      previous = chunk.firstRow + chunk.rows;
      s.chunks++;
      s.rows += chunk.rows;
      const c = chunk.columns as any;
      for (let i = 0; i < chunk.rows; i++) {
        s.delaySum += c.delay.values[i];
        s.distanceSum += c.distance.values[i];
        s.delayMin = Math.min(s.delayMin, c.delay.values[i]);
        s.delayMax = Math.max(s.delayMax, c.delay.values[i]);
        s.dateMin = Math.min(s.dateMin, c.date.values[i]);
        s.dateMax = Math.max(s.dateMax, c.date.values[i]);
        const o = c.origin.dictionary[c.origin.codes[i]];
        origins.add(o);
        if (o === 'LAX') s.lax++;
        if (c.destination.dictionary[c.destination.codes[i]] === 'ORD') s.ord++;
      }
    }
    const f = flightsFixture.summary;
    expect(s.chunks).toBeGreaterThan(1); // streamed, not read whole
    expect([s.rows, s.delaySum, s.distanceSum, s.delayMin, s.delayMax]).toEqual([f.rows, f.delaySum, f.distanceSum, f.delayMin, f.delayMax]);
    expect([s.dateMin, s.dateMax, origins.size, s.lax, s.ord]).toEqual([f.dateMin, f.dateMax, f.origins, f.originLAX, f.destinationORD]);
  });

  it('reads flights-200k.arrow value for value as JSON.parse reads flights-200k.json', async () => {
    const json = JSON.parse(readFileSync(FLIGHTS_200K_JSON, 'utf8')) as { delay: number; distance: number; time: number }[];
    const table = await readWhole(await openTable(FLIGHTS_200K_ARROW), ['delay', 'distance', 'time']);
    expect(table.delay).toEqual(Float64Array.from(json, (r) => r.delay));
    expect(table.distance).toEqual(Float64Array.from(json, (r) => r.distance));
    // the Arrow file stores time as float32: compare at that precision
    expect(table.time).toEqual(Float64Array.from(json, (r) => Math.fround(r.time)));
  });
});

describeEachBackend('driftOfFiles on flights-3m.parquet (January vs June), %s backend', (backend) => {
  const job = async (options: Parameters<typeof driftOfFiles>[2]) => {
    useBackend(backend);
    const source = await openTable(FLIGHTS_3M);
    return driftOfFiles(source, source, { include: COLUMNS, referenceFilters: JANUARY, currentFilters: JUNE, ...options });
  };

  it('gives SciPy statistics for every test, in memory and from sorted runs on disk', async () => {
    const runs = [
      { options: { test: 'ks' as const }, budget: undefined },
      { options: { test: 'psi' as const }, budget: 8 << 20 },
      { options: { test: 'jensenshannon' as const }, budget: undefined },
      { options: { test: 'wasserstein' as const, columns: { delay: { test: 'meanShift' as const }, origin: { test: 'chisquare' as const }, destination: { test: 'chisquare' as const } } }, budget: 8 << 20 },
    ];
    for (const { options, budget } of runs) {
      const report = await job({ ...options, memoryBytes: budget });
      expect(report.spilledToDisk).toBe(budget !== undefined);
      expect([report.reference.rowsUsed, report.current.rowsUsed]).toEqual(flightsFixture.drift.rows);
      for (const [name, result] of Object.entries(report.drift.columns)) {
        const reference = expected[name][result.test];
        expect(reference, `${name} ${result.test}`).toBeDefined();
        const [statistic, pValue] = Array.isArray(reference) ? reference : [reference, undefined];
        expect(close(result.statistic!, statistic, 1e-9), `${name} ${result.test}: ${result.statistic} vs ${statistic}`).toBe(true);
        if (pValue !== undefined) expect(close(result.pValue!, pValue, 1e-6, 1e-12), `${name} ${result.test} p: ${result.pValue} vs ${pValue}`).toBe(true);
      }
    }
  });

  it('gives DriftDetector results on the same rows (auto tests)', async () => {
    const source = await openTable(FLIGHTS_3M);
    const january = Date.parse('2001-02-01');
    const june = Date.parse('2001-06-01');
    const all = [...COLUMNS, 'date'];
    const ref = await readWhole(source, all, (c, i) => (c.date[i] as number) < january);
    const cur = await readWhole(source, all, (c, i) => (c.date[i] as number) >= june);
    delete ref.date;
    delete cur.date;
    useBackend(backend);
    const inMemory = new DriftDetector(ref).detect(cur);
    for (const budget of [undefined, 4 << 20]) {
      const streamed = (await job({ memoryBytes: budget })).drift;
      expect(streamed.driftedColumns).toEqual(inMemory.driftedColumns);
      expect(streamed.datasetDrift).toBe(inMemory.datasetDrift);
      for (const name of COLUMNS) {
        const a = streamed.columns[name];
        const b = inMemory.columns[name];
        expect({ ...a, statistic: 0 }).toEqual({ ...b, statistic: 0 });
        expect(close(a.statistic!, b.statistic!, 1e-12), `${name}: ${a.statistic} vs ${b.statistic}`).toBe(true);
      }
    }
  });
});
