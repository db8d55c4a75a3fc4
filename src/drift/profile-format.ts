/**
 * The stored form of a ReferenceProfile: a snapshot (persist/snapshot-format.ts, CRC-32 checked)
 * whose JSON header lists the columns and whose sections hold the sorted numeric values and the
 * simple baseline's statistics. Reading trusts nothing the checksum covers either: every field is
 * checked (types, ranges, sorted finite values, counts that add up, unique names), so bytes made
 * by hand with a valid checksum give a RangeError naming the field, never a profile that answers
 * wrongly.
 */
import type { ColumnStats } from '../backend/contract.js';
import { rangeError } from '../errors.js';
import { decodeSnapshot, encodeSnapshot, f64FromSection, f64Section, SnapshotKind } from '../persist/snapshot-format.js';
import type { CategoricalColumnProfile, ColumnProfile, NumericalColumnProfile, ProfileParts } from './reference-profile.js';

/** The simple baseline's statistics, one section each, in this order. */
export const STAT_KEYS = ['count', 'nanCount', 'mean', 'std', 'min', 'max'] as const;

/** Bytes of a profile's parts. */
export function encodeProfile(parts: ProfileParts): Uint8Array {
  const columns = parts.columns.map((c) =>
    c.kind === 'numerical'
      ? { name: c.name, kind: c.kind, total: c.total, start: c.start, count: c.count, distinct: c.distinct, mean: c.mean, std: c.std }
      : { name: c.name, kind: c.kind, labels: c.labels, total: c.sample.total, categories: c.sample.categories, counts: c.sample.counts },
  );
  const header = { columns, simple: { names: parts.simple.names, rows: parts.simple.rows } };
  return encodeSnapshot(SnapshotKind.DriftProfile, header, [f64Section(parts.packed), ...STAT_KEYS.map((k) => f64Section(parts.simple.stats[k]))]);
}

const fail = (what: string): RangeError => rangeError('a drift ReferenceProfile', 'bytes', what);

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** A statistic stored as JSON: a number, or null for NaN (JSON has no NaN). */
function statistic(value: unknown, where: string, defined: boolean, min = -Infinity): number {
  if (!defined) {
    if (value === null || (typeof value === 'number' && Number.isNaN(value))) return NaN;
    throw fail(`${where}: a value where the column has none`);
  }
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw fail(`${where}: ${JSON.stringify(value)}`);
  return value;
}

function numericalColumn(c: Record<string, unknown>, name: string, packed: Float64Array): NumericalColumnProfile {
  const where = `column ${JSON.stringify(name)}`;
  const { total, start, count, distinct } = c;
  if (!isCount(total) || !isCount(start) || !isCount(count) || count > total) throw fail(`${where}: counts that do not add up`);
  if (start + count > packed.length) throw fail(`${where}: outside the packed values`);
  if (!isCount(distinct) || distinct > count || (count > 0 && distinct < 1)) throw fail(`${where}: a distinct count of ${JSON.stringify(distinct)}`);
  let seen = 0;
  for (let i = start; i < start + count; i++) {
    const v = packed[i];
    if (!Number.isFinite(v) || (i > start && v < packed[i - 1])) throw fail(`${where}: values that are not finite and ascending`);
    if (i === start || v !== packed[i - 1]) seen++;
  }
  if (seen !== distinct) throw fail(`${where}: a distinct count of ${distinct} for ${seen} distinct values`);
  const mean = statistic(c.mean, `${where} mean`, count > 0);
  const std = statistic(c.std, `${where} std`, count > 0, 0);
  return { name, kind: 'numerical', total, start, count, distinct, mean, std };
}

function categoricalColumn(c: Record<string, unknown>, name: string): CategoricalColumnProfile {
  const where = `column ${JSON.stringify(name)}`;
  const { labels, total, categories, counts } = c;
  if (typeof labels !== 'boolean') throw fail(`${where}: labels that are not true or false`);
  if (!isCount(total) || !Array.isArray(categories) || !Array.isArray(counts) || categories.length !== counts.length) throw fail(`${where}: categories without their counts`);
  const kindOk = labels ? (v: unknown) => typeof v === 'string' : (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (!categories.every(kindOk) || new Set(categories).size !== categories.length) throw fail(`${where}: categories that are not unique ${labels ? 'labels' : 'finite numbers'}`);
  if (!counts.every((n) => isCount(n) && n >= 1)) throw fail(`${where}: counts that are not positive integers`);
  const n = (counts as number[]).reduce((a, b) => a + b, 0);
  if (n > total) throw fail(`${where}: more counted values (${n}) than rows (${total})`);
  return { name, kind: 'categorical', labels, sample: { categories: [...categories] as (string | number)[], counts: [...counts] as number[], n, total } };
}

/** A profile's parts from encodeProfile() output; RangeError on damaged, foreign or inconsistent bytes. */
export function decodeProfile(bytes: Uint8Array): ProfileParts {
  const { header, sections } = decodeSnapshot(bytes, SnapshotKind.DriftProfile, 'drift ReferenceProfile');
  const h = header as { columns?: unknown; simple?: { names?: unknown; rows?: unknown } };
  if (!Array.isArray(h.columns) || typeof h.simple !== 'object' || h.simple === null || !Array.isArray(h.simple.names) || sections.length !== 1 + STAT_KEYS.length) {
    throw fail('a header without columns');
  }
  const packed = f64FromSection(sections[0]);
  const names = new Set<string>();
  const columns = h.columns.map((c: unknown): ColumnProfile => {
    if (typeof c !== 'object' || c === null) throw fail('a column that is not an object');
    const column = c as Record<string, unknown>;
    if (typeof column.name !== 'string' || names.has(column.name)) throw fail(`a column name ${JSON.stringify(column.name)} (names are unique strings)`);
    names.add(column.name);
    if (column.kind === 'numerical') return numericalColumn(column, column.name, packed);
    if (column.kind === 'categorical') return categoricalColumn(column, column.name);
    throw fail(`column ${JSON.stringify(column.name)} of kind ${JSON.stringify(column.kind)}`);
  });
  const simpleNames = h.simple.names;
  if (!simpleNames.every((n) => typeof n === 'string' && names.has(n)) || new Set(simpleNames).size !== simpleNames.length) {
    throw fail('baseline names that are not columns of the profile');
  }
  if (!isCount(h.simple.rows)) throw fail(`a baseline row count of ${JSON.stringify(h.simple.rows)}`);
  const stats = Object.fromEntries(STAT_KEYS.map((k, i) => [k, f64FromSection(sections[i + 1])])) as unknown as ColumnStats;
  for (const k of STAT_KEYS) if (stats[k].length !== simpleNames.length) throw fail(`baseline ${k} for ${stats[k].length} columns, not ${simpleNames.length}`);
  for (let i = 0; i < simpleNames.length; i++) {
    if (!isCount(stats.count[i]) || !isCount(stats.nanCount[i])) throw fail(`baseline counts of ${JSON.stringify(simpleNames[i])} that are not counts`);
  }
  return { packed, columns, simple: { names: simpleNames as string[], rows: h.simple.rows, stats } };
}
