/** Test helpers for batch jobs: a whole table read into a ColumnTable, the flights fixture, paths. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ColumnTable } from '../../src/index.js';
import type { TableSource } from '../../src/batch/table-source.js';

export const FLIGHTS_3M = fileURLToPath(new URL('../../node_modules/vega-datasets/data/flights-3m.parquet', import.meta.url));
export const FLIGHTS_200K_ARROW = fileURLToPath(new URL('../../node_modules/vega-datasets/data/flights-200k.arrow', import.meta.url));
export const FLIGHTS_200K_JSON = fileURLToPath(new URL('../../node_modules/vega-datasets/data/flights-200k.json', import.meta.url));

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** test/fixtures/flights.json (make_flights_fixture.mjs: DuckDB and SciPy). */
export const flightsFixture = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/flights.json', import.meta.url)), 'utf8'), (_k, v: unknown) =>
  typeof v === 'string' && v in SPECIAL ? SPECIAL[v] : v,
) as {
  summary: Record<string, number>;
  drift: { rows: [number, number]; columns: Record<string, Record<string, number | [number, number]>> };
};

/** Every row of the named columns, numbers as Float64Array and labels as string[] (null when missing). */
export async function readWhole(source: TableSource, columns: readonly string[], keep?: (chunk: Record<string, ArrayLike<unknown>>, i: number) => boolean): Promise<ColumnTable> {
  const numbers: Record<string, number[]> = {};
  const labels: Record<string, (string | null)[]> = {};
  for await (const chunk of source.chunks(columns)) {
    const cols = Object.fromEntries(Object.entries(chunk.columns).map(([k, c]) => [k, c.type === 'number' ? c.values : c.codes]));
    for (let i = 0; i < chunk.rows; i++) {
      if (keep && !keep(cols, i)) continue;
      for (const name of columns) {
        const c = chunk.columns[name];
        if (c.type === 'number') (numbers[name] ??= []).push(c.values[i]);
        else (labels[name] ??= []).push(c.codes[i] < 0 ? null : c.dictionary[c.codes[i]]);
      }
    }
  }
  const table: ColumnTable = {};
  for (const name of columns) table[name] = name in numbers ? Float64Array.from(numbers[name]) : (labels[name] as string[]);
  return table;
}
