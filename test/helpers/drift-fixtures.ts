/** Loads test/fixtures/drift.json (made by make_drift_fixtures.py) and rebuilds its samples. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lcgValues } from '../fixtures/lcg.js';
import { decode } from './fixtures.js';

type Encoded = (number | string)[];
interface LcgSample {
  n: number;
  seed: number;
  scale: number;
  offset: number;
  nanEvery: number;
  floor: boolean;
}
type Sample = { values: Encoded } | { lcg: LcgSample };

interface Raw {
  numeric: { name: string; a: Sample; b: Sample; expected: Record<string, unknown> }[];
  categorical: { name: string; a: string[]; b: string[]; expected: Record<string, [number, number] | number | null> }[];
  detector: { name: string; reference: Record<string, Encoded | string[]>; current: Record<string, Encoded | string[]>; categorical: string[]; expected: Record<string, { status: string; test?: string; statistic?: number; pValue?: number | null }> }[];
  distributions: { kstwoSf: [number, number, number][]; kstwoSfLarge: [number, number, number][]; smirnov: [number, number, number][]; gammaQ: [number, number, number][] };
}

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };
// The fixture writes NaN and ±Infinity as strings; no category label in it uses those words.
const raw = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/drift.json', import.meta.url)), 'utf8'), (_key, value: unknown) =>
  typeof value === 'string' && value in SPECIAL ? SPECIAL[value] : value,
) as Raw;

function sample(s: Sample): Float64Array {
  if ('values' in s) return Float64Array.from(decode(s.values));
  const v = lcgValues(s.lcg.n, s.lcg, 'float64') as Float64Array;
  return s.lcg.floor ? v.map(Math.floor) : v;
}

export const numericPairs = raw.numeric.map((c) => ({
  name: c.name,
  a: sample(c.a),
  b: sample(c.b),
  expected: c.expected as {
    ks: [number, number];
    wasserstein: number;
    wassersteinNorm: number;
    psi: number;
    jensenShannon: number;
    chiSquare: [number, number] | null;
  },
}));

export const categoricalPairs = raw.categorical.map((c) => ({
  ...c,
  expected: c.expected as { chiSquare: [number, number]; z: [number, number] | null; psi: number; jensenShannon: number },
}));

function column(values: Encoded | string[]): Float64Array | string[] {
  return typeof values[0] === 'string' ? (values as string[]) : Float64Array.from(values as number[]);
}

export const detectorCases = raw.detector.map((c) => ({
  ...c,
  reference: Object.fromEntries(Object.entries(c.reference).map(([k, v]) => [k, column(v)])),
  current: Object.fromEntries(Object.entries(c.current).map(([k, v]) => [k, column(v)])),
}));

export const distributionCases = raw.distributions;
