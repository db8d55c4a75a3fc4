/**
 * Pass 2 over one partition: for each column of the request, the partition's finite values in the
 * requested buckets (sorted, as the backend sorted them) and its counts over the Sturges edges.
 *
 * Bytes: a snapshot (kind 6, CRC-32 checked) whose JSON header lists per column its name, buckets,
 * the number of values shipped for each bucket and whether a histogram follows; sections per
 * column: the values (float64, bucket after bucket) and the histogram counts (float64, possibly
 * empty). decodePassTwo checks what the bytes alone can tell (finite, ascending within a bucket,
 * counts that add up); finishReport checks the rest against the request (buckets, bounds).
 */
import { getBackend } from '../backend/registry.js';
import type { Backend } from '../backend/contract.js';
import { CorruptPartialError, rangeError, typeError } from '../errors.js';
import { validateMatrix, type FeatureMatrix, type FloatArray } from '../matrix.js';
import { isFeatureMatrix, validateTable, type ColumnTable } from '../drift/column-table.js';
import { numericValues } from '../drift/samples.js';
import { histogramOfSorted, searchSorted, sturgesEdges } from '../drift/statistics.js';
import { decodeSnapshot, encodeSnapshot, f64FromSection, f64Section, SnapshotKind } from '../persist/snapshot-format.js';
import type { Pass2Request } from './candidates.js';
import { sortedFinite } from './partial-profile.js';

/** One column of a partition's pass 2. */
export interface PassTwoColumn {
  name: string;
  buckets: number[];
  /** The shipped values, bucket after bucket, each bucket's run ascending. */
  values: Float64Array;
  /** Values shipped per bucket. */
  lengths: number[];
  /** Counts over the request's Sturges edges, or null. */
  histogram: Float64Array | null;
}

/** The named numeric column of a table or matrix, as the sort kernel reads it. */
function numericColumn(current: FeatureMatrix | ColumnTable, name: string) {
  if (isFeatureMatrix(current)) {
    const m = validateMatrix(current, 'current');
    const col = m.names ? m.names.indexOf(name) : -1;
    if (col < 0) throw rangeError(`a matrix with a column named ${JSON.stringify(name)} (names are required in pass 2)`, 'current', m.names ? `columns ${m.names.join(', ')}` : 'unnamed columns');
    return { data: m.data, rows: m.rows, cols: m.cols, col };
  }
  const names = validateTable(current, 'current');
  if (!names.includes(name)) throw rangeError(`a column named ${JSON.stringify(name)}`, 'current', `columns ${names.join(', ')}`);
  const data: FloatArray = numericValues(current[name], `current.${name}`);
  return { data, rows: data.length, cols: 1, col: 0 };
}

/**
 * Pass 2 of one partition (the same rows as its pass 1): the bytes finishReport reads.
 *
 * @throws TypeError/RangeError when a requested column is missing or not numbers
 */
export function passTwoOfPartition(current: FeatureMatrix | ColumnTable, request: Pass2Request, backend: Backend = getBackend()): Uint8Array {
  if (typeof request !== 'object' || request === null || !Array.isArray(request.columns)) throw typeError('a Pass2Request from candidates()', 'request', request);
  const columns = request.columns.map((c): PassTwoColumn => {
    const sorted = sortedFinite(numericColumn(current, c.name), backend);
    const pieces = c.bounds.map(([lo, hi]) => sorted.subarray(lo === null ? 0 : searchSorted(sorted, lo, 'left'), hi === null ? sorted.length : searchSorted(sorted, hi, 'left')));
    const values = new Float64Array(pieces.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of pieces) {
      values.set(p, at);
      at += p.length;
    }
    const histogram = c.histogram ? histogramOfSorted(sorted, sturgesEdges(c.histogram.min, c.histogram.max, c.histogram.n)) : null;
    return { name: c.name, buckets: [...c.buckets], values, lengths: pieces.map((p) => p.length), histogram };
  });
  return encodePassTwo(columns);
}

/** Bytes of a partition's pass-2 columns. */
export function encodePassTwo(columns: readonly PassTwoColumn[]): Uint8Array {
  const header = { columns: columns.map((c) => ({ name: c.name, buckets: c.buckets, lengths: c.lengths, histogram: c.histogram !== null })) };
  return encodeSnapshot(SnapshotKind.DriftPass2, header, columns.flatMap((c) => [f64Section(c.values), f64Section(c.histogram ?? new Float64Array(0))]));
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * A partition's pass-2 columns from encodePassTwo() output.
 *
 * @throws CorruptPartialError on damaged, foreign or inconsistent bytes
 */
export function decodePassTwo(bytes: Uint8Array): PassTwoColumn[] {
  const part = 'drift pass-2 partial';
  const fail = (detail: string, cause?: unknown) => new CorruptPartialError(part, detail, cause === undefined ? undefined : { cause });
  let header: Record<string, unknown>;
  let sections: Uint8Array[];
  try {
    ({ header, sections } = decodeSnapshot(bytes, SnapshotKind.DriftPass2, part));
  } catch (e) {
    throw fail((e as Error).message, e);
  }
  const columns = header.columns;
  if (!Array.isArray(columns) || sections.length !== 2 * columns.length) throw fail('a header whose columns do not match its sections');
  return columns.map((c: unknown, i): PassTwoColumn => {
    const h = c as Record<string, unknown>;
    if (typeof h !== 'object' || h === null || typeof h.name !== 'string') throw fail('a column without a name');
    const where = `column ${JSON.stringify(h.name)}`;
    const { buckets, lengths } = h;
    if (!Array.isArray(buckets) || !Array.isArray(lengths) || buckets.length !== lengths.length || !buckets.every((b, k) => isCount(b) && (k === 0 || b > buckets[k - 1])) || !lengths.every(isCount)) {
      throw fail(`${where}: buckets and lengths that are not ascending counts of one length`);
    }
    let values: Float64Array;
    let histogram: Float64Array;
    try {
      values = f64FromSection(sections[2 * i]);
      histogram = f64FromSection(sections[2 * i + 1]);
    } catch (e) {
      throw fail(`${where}: a section that is not float64`, e);
    }
    if ((lengths as number[]).reduce((a, b) => a + b, 0) !== values.length) throw fail(`${where}: lengths that do not add up to the ${values.length} values`);
    let at = 0;
    for (const n of lengths as number[]) {
      for (let j = at; j < at + n; j++) if (!Number.isFinite(values[j]) || (j > at && values[j] < values[j - 1])) throw fail(`${where}: values that are not finite and ascending within a bucket`);
      at += n;
    }
    if (h.histogram !== true && (h.histogram !== false || histogram.length !== 0)) throw fail(`${where}: a histogram that is neither present nor absent`);
    if (!histogram.every(isCount)) throw fail(`${where}: histogram counts that are not counts`);
    return { name: h.name, buckets: buckets as number[], values, lengths: lengths as number[], histogram: h.histogram ? histogram : null };
  });
}
