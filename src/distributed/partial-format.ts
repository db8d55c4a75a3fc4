/**
 * The bytes of a PartialProfile: a snapshot (persist/snapshot-format.ts, kind 5, CRC-32 checked).
 * The JSON header holds the partitions, rows, bucket steps, sketch options and per column its
 * name, kind and total (labels: categories and counts; numbers: whether runs and buckets are
 * present, the bucket fingerprint). Each numbers column has nine sections, in order: the raw
 * statistics state (7 float64), the finite moments state (7), [finiteCount, finiteMin, finiteMax],
 * run values, run counts, bucket counts, bucket offset sums (float64 each), and the two halves of
 * its SignedSketch as QuantileSketch.serialize() bytes.
 *
 * Reading checks every field against the others (counts that add up, ascending runs, sketch
 * counts equal to the finite count …): bytes that a worker damaged or made by hand with a valid
 * checksum give a CorruptPartialError, never a merge that answers wrongly.
 */
import { COLUMN_STATS_FIELDS } from '../backend/column-stats-state.js';
import { CorruptPartialError } from '../errors.js';
import { decodeSnapshot, encodeSnapshot, f64FromSection, f64Section, SnapshotKind } from '../persist/snapshot-format.js';
import { compareCategories } from '../drift/samples.js';
import { QuantileSketch } from '../sketch/quantile-sketch.js';
import type { LabelPartial, NumericPartial, PartialColumn, PartialProfile } from './partial-profile.js';
import { SignedSketch } from './signed-sketch.js';

const SECTIONS_PER_NUMBERS = 9;
const STATE_SIZE = COLUMN_STATS_FIELDS.length;
const FIELD = Object.fromEntries(COLUMN_STATS_FIELDS.map((f, i) => [f, i])) as Record<(typeof COLUMN_STATS_FIELDS)[number], number>;

/** Bytes of a partial profile (pass 1's output, or a merge of several). */
export function encodePartial(p: PartialProfile): Uint8Array {
  const sections: Uint8Array[] = [];
  const columns = p.columns.map((c) => {
    if (c.kind === 'labels') return { name: c.name, kind: c.kind, total: c.total, categories: c.categories, counts: c.counts };
    sections.push(
      f64Section(c.stats),
      f64Section(c.finiteMoments),
      f64Section(Float64Array.of(c.finiteCount, c.finiteMin, c.finiteMax)),
      f64Section(Float64Array.from(c.runs?.values ?? [])),
      f64Section(Float64Array.from(c.runs?.counts ?? [])),
      f64Section(c.bucketCounts ?? new Float64Array(0)),
      f64Section(c.bucketSums ?? new Float64Array(0)),
      c.sketch.positive.serialize(),
      c.sketch.negative.serialize(),
    );
    return { name: c.name, kind: c.kind, total: c.total, referenceKind: c.referenceKind, runs: c.runs !== null, buckets: c.bucketCounts !== null, fingerprint: c.fingerprint };
  });
  return encodeSnapshot(SnapshotKind.DriftPartial, { partitions: p.partitions, rows: p.rows, buckets: p.buckets, sketch: p.sketch, columns }, sections);
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

class Reader {
  constructor(readonly part: string) {}
  fail(detail: string, cause?: unknown): CorruptPartialError {
    return new CorruptPartialError(this.part, detail, cause === undefined ? undefined : { cause });
  }
  require(ok: boolean, detail: string): void {
    if (!ok) throw this.fail(detail);
  }
}

/** A statistics state whose counts are counts and add up to `total` with its NaN count. */
function checkState(r: Reader, state: Float64Array, what: string, total: number | undefined): void {
  r.require(state.length === STATE_SIZE, `${what}: ${state.length} values, not ${STATE_SIZE}`);
  const n = state[FIELD.count];
  const nans = state[FIELD.nanCount];
  r.require(isCount(n) && isCount(nans), `${what}: counts that are not counts`);
  if (total !== undefined) r.require(n + nans === total, `${what}: ${n} values and ${nans} NaN for ${total} rows`);
  if (n > 0) r.require(!(state[FIELD.min] > state[FIELD.max]) && !Number.isNaN(state[FIELD.min]), `${what}: a minimum above the maximum`);
}

function numbersColumn(r: Reader, h: Record<string, unknown>, name: string, rows: number, s: Uint8Array[], accuracy: number): NumericPartial {
  const f64 = (i: number) => f64FromSection(s[i]);
  const stats = f64(0);
  const finiteMoments = f64(1);
  const scalars = f64(2);
  r.require(h.total === rows, `a total of ${JSON.stringify(h.total)} for ${rows} rows`);
  r.require(h.referenceKind === 'numerical' || h.referenceKind === 'categorical', `a reference kind of ${JSON.stringify(h.referenceKind)}`);
  checkState(r, stats, 'statistics', rows);
  checkState(r, finiteMoments, 'finite moments', undefined);
  r.require(scalars.length === 3, 'finite count and extremes missing');
  const [finiteCount, finiteMin, finiteMax] = scalars;
  r.require(isCount(finiteCount) && finiteCount <= stats[FIELD.count], `a finite count of ${finiteCount} above ${stats[FIELD.count]} values`);
  r.require(finiteMoments[FIELD.count] === finiteCount && finiteMoments[FIELD.nanCount] === 0, 'finite moments of another count');
  if (finiteCount > 0) r.require(Number.isFinite(finiteMin) && Number.isFinite(finiteMax) && finiteMin <= finiteMax, 'finite extremes that are not finite and ordered');
  else r.require(Number.isNaN(finiteMin) && Number.isNaN(finiteMax), 'finite extremes without finite values');
  let runs: NumericPartial['runs'] = null;
  const values = f64(3);
  const counts = f64(4);
  if (h.runs === true) {
    r.require(values.length === counts.length, 'run values without their counts');
    let sum = 0;
    for (let i = 0; i < values.length; i++) {
      r.require(Number.isFinite(values[i]) && (i === 0 || values[i] > values[i - 1]), 'run values that are not finite and strictly ascending');
      r.require(isCount(counts[i]) && counts[i] >= 1, 'run counts that are not positive integers');
      sum += counts[i];
    }
    r.require(sum === finiteCount, `runs counting ${sum} values, not ${finiteCount}`);
    r.require((values.length === 0 || (values[0] === finiteMin && values[values.length - 1] === finiteMax)), 'runs that do not span the finite extremes');
    runs = { values: [...values], counts: [...counts] };
  } else r.require(h.runs === false && values.length === 0 && counts.length === 0, 'runs that are neither present nor absent');
  let bucketCounts: Float64Array | null = null;
  let bucketSums: Float64Array | null = null;
  const bc = f64(5);
  const bs = f64(6);
  if (h.buckets === true) {
    r.require(bc.length >= 2 && bc.length === bs.length, 'bucket counts without their sums');
    let sum = 0;
    for (let k = 0; k < bc.length; k++) {
      r.require(isCount(bc[k]), 'bucket counts that are not counts');
      r.require(Number.isFinite(bs[k]) && bs[k] >= 0 && (bc[k] > 0 || bs[k] === 0), 'bucket sums that are not finite and >= 0');
      sum += bc[k];
    }
    r.require(sum === finiteCount, `buckets counting ${sum} values, not ${finiteCount}`);
    r.require(Number.isSafeInteger(h.fingerprint) && (h.fingerprint as number) >= 0, 'a bucket fingerprint that is not a CRC-32');
    bucketCounts = bc;
    bucketSums = bs;
  } else r.require(h.buckets === false && bc.length === 0 && bs.length === 0 && h.fingerprint === 0, 'buckets that are neither present nor absent');
  let sketch: SignedSketch;
  try {
    sketch = new SignedSketch({}, { positive: QuantileSketch.deserialize(s[7]), negative: QuantileSketch.deserialize(s[8]) });
  } catch (e) {
    throw r.fail(`a sketch that cannot be read (${(e as Error).message})`, e);
  }
  r.require(sketch.positive.relativeAccuracy === accuracy && sketch.negative.relativeAccuracy === accuracy, 'sketches of another accuracy than the header says');
  r.require(sketch.count === finiteCount, `sketches of ${sketch.count} values, not ${finiteCount}`);
  return { kind: 'numbers', name, total: rows, referenceKind: h.referenceKind as NumericPartial['referenceKind'], stats, finiteCount, finiteMin, finiteMax, finiteMoments, runs, bucketCounts, bucketSums, fingerprint: (h.fingerprint as number) ?? 0, sketch };
}

function labelsColumn(r: Reader, h: Record<string, unknown>, name: string, rows: number): LabelPartial {
  const { total, categories, counts } = h;
  r.require(total === rows, `a total of ${JSON.stringify(total)} for ${rows} rows`);
  r.require(Array.isArray(categories) && Array.isArray(counts) && categories.length === counts.length, 'categories without their counts');
  const cats = categories as unknown[];
  const ns = counts as unknown[];
  r.require(cats.every((c, i) => typeof c === 'string' && (i === 0 || compareCategories(cats[i - 1] as string, c) < 0)), 'categories that are not strings in ascending order');
  r.require(ns.every((n) => isCount(n) && n >= 1), 'category counts that are not positive integers');
  r.require((ns as number[]).reduce((a, b) => a + b, 0) <= rows, 'more counted labels than rows');
  return { kind: 'labels', name, total: rows, categories: [...(cats as string[])], counts: [...(ns as number[])] };
}

/**
 * A PartialProfile from encodePartial() output.
 *
 * @throws CorruptPartialError on bytes that are damaged, of another kind, or inconsistent
 */
export function decodePartial(bytes: Uint8Array): PartialProfile {
  const r = new Reader('drift partial profile');
  let header: Record<string, unknown>;
  let sections: Uint8Array[];
  try {
    ({ header, sections } = decodeSnapshot(bytes, SnapshotKind.DriftPartial, 'drift partial profile'));
  } catch (e) {
    throw r.fail((e as Error).message, e);
  }
  const { partitions, rows, buckets, sketch, columns } = header as Record<string, unknown>;
  r.require(Array.isArray(partitions) && partitions.length > 0 && partitions.every((p, i) => isCount(p) && (i === 0 || p > partitions[i - 1])), 'partitions that are not ascending unique integers');
  r.require(isCount(rows), `a row count of ${JSON.stringify(rows)}`);
  r.require(Number.isSafeInteger(buckets) && (buckets as number) >= 1, `bucket steps of ${JSON.stringify(buckets)}`);
  const sk = sketch as { relativeAccuracy?: unknown; maxBins?: unknown } | null;
  r.require(typeof sk === 'object' && sk !== null && typeof sk.relativeAccuracy === 'number' && Number.isSafeInteger(sk.maxBins), 'sketch options missing');
  r.require(Array.isArray(columns), 'a header without columns');
  const names = new Set<string>();
  let at = 0;
  const out = (columns as unknown[]).map((c): PartialColumn => {
    r.require(typeof c === 'object' && c !== null, 'a column that is not an object');
    const h = c as Record<string, unknown>;
    r.require(typeof h.name === 'string' && !names.has(h.name), `a column name ${JSON.stringify(h.name)} (names are unique strings)`);
    const name = h.name as string;
    names.add(name);
    const cr = new Reader(`drift partial profile, column ${JSON.stringify(name)}`);
    if (h.kind === 'labels') return labelsColumn(cr, h, name, rows as number);
    cr.require(h.kind === 'numbers', `a column of kind ${JSON.stringify(h.kind)}`);
    cr.require(at + SECTIONS_PER_NUMBERS <= sections.length, 'sections missing');
    let s: Uint8Array[];
    try {
      s = sections.slice(at, at + SECTIONS_PER_NUMBERS);
      s.slice(0, 7).forEach((x) => f64FromSection(x));
    } catch (e) {
      throw cr.fail('a section that is not float64', e);
    }
    at += SECTIONS_PER_NUMBERS;
    return numbersColumn(cr, h, name, rows as number, s, sk!.relativeAccuracy as number);
  });
  r.require(at === sections.length, `${sections.length - at} sections more than the columns use`);
  return { partitions: partitions as number[], rows: rows as number, buckets: buckets as number, sketch: { relativeAccuracy: sk!.relativeAccuracy as number, maxBins: sk!.maxBins as number }, columns: out };
}
