/** Loads test/fixtures/stats.json (made by make_fixtures.py) and decodes its NaN/Infinity strings. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lcgValues, type LcgSpec } from '../fixtures/lcg.js';

type Encoded = (number | string)[];

export function decode(values: Encoded): number[] {
  return values.map((v) => (typeof v === 'number' ? v : Number(v)));
}

export function typed(values: number[], dtype: 'float32' | 'float64'): Float32Array | Float64Array {
  return dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values);
}

interface StatsCase {
  name: string;
  dtype: 'float32' | 'float64';
  rows: number;
  cols: number;
  data?: Encoded;
  lcg?: LcgSpec;
  expected: Record<'count' | 'nanCount' | 'mean' | 'std' | 'min' | 'max', Encoded>;
}

interface QuantileCase {
  name: string;
  dtype: 'float32' | 'float64';
  values?: Encoded;
  lcg?: LcgSpec;
  n?: number;
  q: number[];
  expected: Encoded;
}

interface PercentileCase {
  name: string;
  dtype: 'float64';
  values: Encoded;
  p: number[];
  expected: Encoded;
}

interface Fixtures {
  columnStats: StatsCase[];
  quantiles: QuantileCase[];
  percentiles: PercentileCase[];
}

const raw = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/stats.json', import.meta.url)), 'utf8')) as Fixtures;

export const statsCases = raw.columnStats.map((c) => ({
  ...c,
  matrix: {
    data: c.lcg ? lcgValues(c.rows * c.cols, c.lcg, c.dtype) : typed(decode(c.data!), c.dtype),
    rows: c.rows,
    cols: c.cols,
  },
}));

export const quantileCases = raw.quantiles.map((c) => ({
  ...c,
  data: c.lcg ? lcgValues(c.n!, c.lcg, c.dtype) : typed(decode(c.values!), c.dtype),
  expectedValues: decode(c.expected),
}));

export const percentileCases = raw.percentiles.map((c) => ({ ...c, data: Float64Array.from(decode(c.values)), expectedValues: decode(c.expected) }));
