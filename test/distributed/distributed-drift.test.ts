/**
 * The two-pass distributed drift run against DriftDetector on the whole table: 1-7 partitions
 * (empty ones, all-missing ones, ties across partitions, ±0, ±Infinity), every backend.
 */
import { describe, expect, it } from 'vitest';
import {
  candidates,
  CorruptPartialError,
  DriftDetector,
  decodePartial,
  encodePartial,
  finishDistances,
  finishReport,
  getBackend,
  mergeProfiles,
  pass2Partition,
  profilePartition,
  ReferenceProfile,
  SignedSketch,
  type ColumnTable,
  type DistributedOptions,
} from '../../src/index.js';
import { columnStatsOfState } from '../../src/backend/column-stats-state.js';
import { bucketize, referenceBuckets } from '../../src/distributed/bucket-edges.js';
import { categoriesOfLabels } from '../../src/drift/samples.js';
import { columnStats } from '../../src/stats/column-stats.js';
import { close, describeEachBackend } from '../helpers/backends.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
}

function normals(n: number, seed: number, mean: number, std: number): Float64Array {
  const u = rng(seed);
  return Float64Array.from({ length: n }, () => mean + std * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

const LABELS = ['a', 'b', 'c', 'd', 'e'];

/** A table of mixed columns; `drift` shifts it; `specials` sprinkles NaN, ±Infinity, ±0 and null. */
function table(n: number, seed: number, drift: number, specials: boolean): ColumnTable {
  const u = rng(seed + 7);
  const x = normals(n, seed, drift, 1);
  const ties = normals(n, seed + 1, drift * 0.5, 2).map((v) => Math.round(v * 10) / 10); // ties across partitions
  const few = Float64Array.from({ length: n }, () => Math.floor(u() * (drift > 0 ? 4.4 : 4))); // <= 5 distinct: tested as categories
  const small = Float64Array.from({ length: n }, () => Math.floor(u() * 15 + drift * 2)); // <= 20 distinct: psi over values
  const zeros = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : x[i] * 0.01));
  const labels = Array.from({ length: n }, (_, i) => LABELS[Math.floor(u() * (drift > 0 ? 5 : 4))] ?? 'a') as (string | null)[];
  if (specials) {
    for (let i = 0; i < n; i += 97) {
      x[i] = NaN;
      ties[i + 1] = i % 2 ? Infinity : -Infinity;
      zeros[i + 2] = NaN;
      labels[i + 3] = null;
    }
  }
  return { x, ties, few, small, zeros, label: labels as string[] };
}

/** Rows [from, to) of a table. */
function rows(t: ColumnTable, from: number, to: number): ColumnTable {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, (v as Float64Array | string[]).slice(from, to)])) as ColumnTable;
}

/** Cuts a table into `parts` partitions of uneven sizes, some empty, one all-missing when asked. */
function partitions(t: ColumnTable, parts: number, seed: number): ColumnTable[] {
  const n = (t.x as Float64Array).length;
  const u = rng(seed);
  const cuts = [0, ...Array.from({ length: parts - 1 }, () => Math.floor(u() * n)).sort((a, b) => a - b), n];
  if (parts >= 3) cuts[2] = cuts[1]; // an empty partition
  return Array.from({ length: parts }, (_, p) => rows(t, cuts[p], cuts[p + 1]));
}

function allMissing(n: number): ColumnTable {
  const nan = () => new Float64Array(n).fill(NaN);
  return { x: nan(), ties: nan(), few: nan(), small: nan(), zeros: nan(), label: new Array(n).fill(null) };
}

function concat(parts: ColumnTable[]): ColumnTable {
  return Object.fromEntries(
    Object.keys(parts[0]).map((k) => {
      const cols = parts.map((p) => p[k]);
      if (Array.isArray(cols[0])) return [k, cols.flatMap((c) => [...(c as string[])])];
      const out = new Float64Array(cols.reduce((s, c) => s + c.length, 0));
      let at = 0;
      for (const c of cols as Float64Array[]) {
        out.set(c, at);
        at += c.length;
      }
      return [k, out];
    }),
  ) as ColumnTable;
}

function run(parts: ColumnTable[], reference: ReferenceProfile, options: DistributedOptions, buckets?: number) {
  const pass1 = parts.map((p, i) => profilePartition(p, reference, { partition: i, buckets }));
  const merged = mergeProfiles(pass1);
  const request = candidates(merged, reference, options);
  const pass2 = parts.map((p) => pass2Partition(p, JSON.parse(JSON.stringify(request))));
  return { pass1, merged, request, pass2 };
}

const REFERENCE = table(3000, 1, 0, true);
const CURRENT = table(4000, 2, 0.15, true);

describeEachBackend('distributed drift (%s)', () => {
  const reference = ReferenceProfile.fromTable(REFERENCE, Object.keys(REFERENCE), undefined);
  const cases: [string, DistributedOptions][] = [
    ['auto', {}],
    ['ks', { test: 'ks' }],
    ['wasserstein', { test: 'wasserstein' }],
    ['psi', { test: 'psi' }],
    ['jensenshannon', { test: 'jensenshannon' }],
    ['chisquare on the categories', { columns: { few: { test: 'chisquare' }, small: { test: 'chisquare' }, label: { test: 'chisquare' } } }],
    ['meanShift', { test: 'meanShift' }],
  ];
  for (const count of [1, 2, 3, 5, 7]) {
    for (const [title, options] of cases) {
      it(`${count} partition(s), ${title}: the report of DriftDetector on the whole table`, () => {
        const parts = partitions(CURRENT, count, count * 31);
        if (count >= 5) parts.splice(3, 0, allMissing(50)); // an all-missing partition among them
        const whole = concat(parts);
        const expected = new DriftDetector(REFERENCE, { ...options, now: () => 5 }).detect(whole);
        const { merged, pass2 } = run(parts, reference, options);
        const actual = finishReport(merged, pass2, reference, { ...options, now: () => 5 });
        expect(Object.keys(actual.columns)).toEqual(Object.keys(expected.columns));
        for (const [name, e] of Object.entries(expected.columns)) {
          const a = actual.columns[name];
          expect({ name, test: a.test, status: a.status, drift: a.driftDetected, threshold: a.threshold }).toEqual({ name, test: e.test, status: e.status, drift: e.driftDetected, threshold: e.threshold });
          expect(a.missingShare).toBe(e.missingShare);
          // meanShift is a difference of means in reference std units: its error is absolute (the means' 1e-16 relative, cancelled)
          if (e.test === 'meanShift') expect(close(a.statistic!, e.statistic!, 1e-12, 1e-12), `${name} ${a.statistic} vs ${e.statistic}`).toBe(true);
          else if (e.test === 'wasserstein') expect(close(a.statistic!, e.statistic!, 1e-12), `${name} ${a.statistic} vs ${e.statistic}`).toBe(true);
          else expect(Object.is(a.statistic, e.statistic), `${name} ${e.test} ${a.statistic} vs ${e.statistic}`).toBe(true);
          expect(Object.is(a.pValue, e.pValue), `${name} p ${a.pValue} vs ${e.pValue}`).toBe(true);
        }
        expect(actual.driftedColumns).toEqual(expected.driftedColumns);
        expect(actual.driftShare).toBe(expected.driftShare);
        expect(actual.datasetDrift).toBe(expected.datasetDrift);
      });
    }
  }

  for (const buckets of [1, 3, 64, 1024]) {
    it(`KS D bit-identical and Wasserstein within 1e-12 of the ECDF kernel on the whole data (${buckets} bucket steps)`, () => {
      const parts = partitions(CURRENT, 6, buckets);
      const whole = concat(parts);
      const { merged, pass2 } = run(parts, reference, { distances: 'all' }, buckets);
      const got = finishDistances(merged, pass2, reference, { distances: 'all' });
      const backend = getBackend();
      for (const column of reference.columns) {
        if (column.kind !== 'numerical') continue;
        const ref = reference.sorted(column);
        const values = Float64Array.from(whole[column.name] as Float64Array);
        const { values: s, counts } = backend.sortColumns(values, values.length, 1, 0, 1);
        const cur = s.subarray(0, counts[0]);
        const d = backend.ecdfDistances(ref, Float64Array.of(0), Float64Array.of(ref.length), cur, Float64Array.of(0), Float64Array.of(cur.length));
        expect(Object.is(got[column.name].ks, d.ks[0]), `${column.name} D ${got[column.name].ks} vs ${d.ks[0]}`).toBe(true);
        expect(close(got[column.name].wasserstein, d.wasserstein[0], 1e-12), `${column.name} W ${got[column.name].wasserstein} vs ${d.wasserstein[0]}`).toBe(true);
      }
    });
  }

  it('merged counts, extremes, moments, bucket histograms, categories and sketches are those of the whole table', () => {
    const parts = partitions(CURRENT, 7, 3);
    parts.push(allMissing(20));
    const whole = concat(parts);
    const merged = mergeProfiles(parts.map((p, i) => profilePartition(p, reference, { partition: i })));
    const backend = getBackend();
    reference.columns.forEach((column, k) => {
      const m = merged.columns[k];
      const values = whole[column.name];
      if (m.kind === 'labels') {
        const expected = categoriesOfLabels(values as string[], 'x');
        expect(m.categories).toEqual(expected.categories);
        expect(m.counts).toEqual(expected.counts);
        expect(m.total).toBe(expected.total);
        return;
      }
      const data = values as Float64Array;
      const stats = columnStats({ data, rows: data.length, cols: 1 });
      const got = columnStatsOfState(m.stats, 1);
      for (const key of ['count', 'nanCount', 'min', 'max'] as const) expect(Object.is(got[key][0], stats[key][0]), `${column.name} ${key}`).toBe(true);
      for (const key of ['mean', 'std'] as const) expect(close(got[key][0], stats[key][0], 1e-12), `${column.name} ${key} ${got[key][0]} vs ${stats[key][0]}`).toBe(true);
      const { values: s, counts } = backend.sortColumns(data, data.length, 1, 0, 1);
      const sorted = s.subarray(0, counts[0]);
      expect(m.finiteCount).toBe(sorted.length);
      expect(m.finiteMin).toBe(sorted[0]);
      expect(m.finiteMax).toBe(sorted[sorted.length - 1]);
      const finite = columnStats({ data: sorted, rows: sorted.length, cols: 1 });
      expect(close(columnStatsOfState(m.finiteMoments, 1).mean[0], finite.mean[0], 1e-12)).toBe(true);
      if (column.kind === 'numerical') {
        const b = referenceBuckets(reference.packed, column.start, column.count, merged.buckets, backend);
        const whole = bucketize(sorted, b.edges, backend);
        expect([...m.bucketCounts!]).toEqual([...whole.counts]);
        for (let i = 0; i < whole.sums.length; i++) expect(close(m.bucketSums![i], whole.sums[i], 1e-12, 1e-12)).toBe(true);
      }
      const sketch = new SignedSketch();
      sketch.addSorted(sorted);
      expect(m.sketch.count).toBe(sketch.count);
      for (const q of [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1]) expect(Object.is(m.sketch.quantile(q), sketch.quantile(q)), `${column.name} q${q}`).toBe(true);
    });
  });

  it('gives the same merged bytes whatever order the partials arrive in', () => {
    const parts = partitions(CURRENT, 6, 9);
    const pass1 = parts.map((p, i) => profilePartition(p, reference, { partition: i * 3 }));
    const forward = encodePartial(mergeProfiles(pass1));
    const u = rng(4);
    for (let t = 0; t < 4; t++) {
      const shuffled = [...pass1].sort(() => u() - 0.5);
      expect(Buffer.compare(encodePartial(mergeProfiles(shuffled)), forward)).toBe(0);
    }
    // a merge of merges covers the same partitions, and survives its own bytes
    const tree = mergeProfiles([encodePartial(mergeProfiles(pass1.slice(0, 2))), mergeProfiles(pass1.slice(2))]);
    expect(tree.partitions).toEqual([0, 3, 6, 9, 12, 15]);
    expect(encodePartial(decodePartial(forward))).toEqual(forward);
  });
});

describe('distributed drift partials that cannot be trusted', () => {
  const reference = ReferenceProfile.fromTable(REFERENCE, Object.keys(REFERENCE), undefined);
  const parts = partitions(CURRENT, 3, 5);
  const pass1 = parts.map((p, i) => profilePartition(p, reference, { partition: i }));

  it('are refused with CorruptPartialError: flipped bytes, truncation, another kind', () => {
    for (const at of [3, 20, 200, pass1[0].length - 10]) {
      const bad = Uint8Array.from(pass1[0]);
      bad[at] ^= 0x40;
      expect(() => decodePartial(bad)).toThrow(CorruptPartialError);
    }
    expect(() => decodePartial(pass1[0].subarray(0, 100))).toThrow(CorruptPartialError);
    expect(() => decodePartial(reference.toBytes())).toThrow(CorruptPartialError);
    expect(() => mergeProfiles([pass1[0], Uint8Array.from(pass1[1]).fill(7, 40, 60)])).toThrow(CorruptPartialError);
  });

  it('are refused when their fields do not add up, even under a valid checksum', () => {
    const p = decodePartial(pass1[2]); // partition 1 is the empty one
    const numbers = p.columns.find((c) => c.kind === 'numbers' && c.bucketCounts)!;
    if (numbers.kind !== 'numbers') throw new Error('unreachable');
    numbers.bucketCounts![3] += 1;
    expect(() => decodePartial(encodePartial(p))).toThrow(/buckets counting/);
    numbers.bucketCounts![3] -= 1;
    numbers.finiteMin = numbers.finiteMax + 1;
    expect(() => decodePartial(encodePartial(p))).toThrow(CorruptPartialError);
  });

  it('refuses a partition given twice, and a pass 2 with a partition missing', () => {
    expect(() => mergeProfiles([pass1[0], pass1[0]])).toThrow(/given twice/);
    const merged = mergeProfiles(pass1);
    const options: DistributedOptions = { distances: 'all' };
    const request = candidates(merged, reference, options);
    const pass2 = parts.map((p) => pass2Partition(p, request));
    expect(() => finishReport(merged, pass2.slice(1), reference, options)).toThrow(CorruptPartialError);
    const flipped = Uint8Array.from(pass2[0]);
    flipped[flipped.length - 3] ^= 1;
    expect(() => finishReport(merged, [flipped, ...pass2.slice(1)], reference, options)).toThrow(CorruptPartialError);
  });
});
