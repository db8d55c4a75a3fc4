import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DriftDetector, getBackend, ReferenceProfile, useBackend, type ColumnTable, type DatasetDriftResult } from '../../src/index.js';
import { SeededRandom } from '../../src/demo/random.js';
import { close, describeEachBackend } from '../helpers/backends.js';
import { detectorCases } from '../helpers/drift-fixtures.js';

const initial = getBackend().name;
const dir = mkdtempSync(join(tmpdir(), 'mlwatch-drift-'));
afterAll(() => {
  useBackend(initial);
  rmSync(dir, { recursive: true, force: true });
});

function expectFixture(result: DatasetDriftResult, expected: (typeof detectorCases)[number]['expected']): void {
  for (const [name, e] of Object.entries(expected)) {
    const r = result.columns[name];
    expect(r.status, name).toBe(e.status);
    if (e.status !== 'ok') {
      expect(r.statistic).toBeNull();
      expect(r.driftDetected).toBe(false);
      continue;
    }
    expect(r.test, name).toBe(e.test);
    expect(close(r.statistic!, e.statistic!, 1e-9, 1e-15), `${name}: ${r.statistic} vs ${e.statistic}`).toBe(true);
    if (e.pValue !== null && e.pValue !== undefined) expect(close(r.pValue!, e.pValue, 1e-6, 1e-12), `${name} p`).toBe(true);
  }
}

describeEachBackend('DriftDetector.detect on the %s backend', (backend) => {
  it.each(detectorCases.map((c) => [c.name, c] as const))('matches SciPy on %s (auto tests), sync and async', async (_n, c) => {
    useBackend(backend);
    const detector = new DriftDetector(c.reference as ColumnTable, { schema: { categorical: c.categorical }, now: () => 7 });
    const result = detector.detect(c.current as ColumnTable);
    expectFixture(result, c.expected);
    expect(await detector.detectAsync(c.current as ColumnTable)).toEqual(result);
    expect(result.timestamp).toBe(7);
    // Plain data: survives JSON.
    expect(JSON.parse(JSON.stringify(result))).toEqual(JSON.parse(JSON.stringify(result)));
    const tested = Object.values(result.columns).filter((r) => r.status === 'ok').length;
    expect(result.driftShare).toBeCloseTo(result.driftedColumns.length / tested, 15);
    expect(result.datasetDrift).toBe(result.driftShare >= 0.5);
  });

  it('runs concurrent detectAsync calls on one detector without sharing buffers', async () => {
    useBackend(backend);
    const rng = new SeededRandom(11);
    const ref = rng.normalMatrix(2000, [0, 1], [1, 1]);
    const currents = [0, 0.3, 0.6].map((shift) => rng.normalMatrix(1500, [shift, 1], [1, 1]));
    const detector = new DriftDetector(ref, { now: () => 0 });
    const together = await Promise.all(currents.map((c) => detector.detectAsync(c)));
    expect(together).toEqual(currents.map((c) => detector.detect(c)));
    expect(together[0].columns.feature_0.statistic).not.toBe(together[2].columns.feature_0.statistic);
  });

  it('reports missing shares and insufficient data without losing the other columns', () => {
    useBackend(backend);
    const c = detectorCases[0];
    const result = new DriftDetector(c.reference as ColumnTable, { schema: { categorical: c.categorical } }).detect(c.current as ColumnTable);
    expect(result.columns.gone).toMatchObject({ status: 'insufficient_data', missingShare: 1, driftDetected: false, statistic: null });
    expect(result.columns.wide.status).toBe('ok');
    expect(result.columns.wide.missingShare).toBe(0);
  });

  it('gives the same results for a FeatureMatrix and the same data as a table', () => {
    useBackend(backend);
    const rng = new SeededRandom(5);
    const ref = rng.normalMatrix(3000, [0, 1, 5], [1, 2, 0.5]);
    const cur = rng.normalMatrix(2500, [0.2, 1, 5], [1, 2.5, 0.5]);
    ref.data[6] = NaN; // row 2 of column a
    cur.data[3] = Infinity; // row 1 of column a
    const names = ['a', 'b', 'c'];
    const column = (m: typeof ref, k: number) => Float64Array.from({ length: m.rows }, (_, r) => m.data[r * 3 + k]);
    const table = (m: typeof ref) => Object.fromEntries(names.map((n, k) => [n, column(m, k)]));
    const fromMatrix = new DriftDetector(ref, { featureNames: names, now: () => 1 }).detect({ ...cur, names });
    const fromTable = new DriftDetector(table(ref), { now: () => 1 }).detect(table(cur));
    expect(fromMatrix).toEqual(fromTable);
    expect(fromMatrix.columns.a.test).toBe('wasserstein');
    expect(fromMatrix.columns.a.referenceMissingShare).toBeCloseTo(1 / 3000, 15);
    expect(fromMatrix.columns.a.missingShare).toBeCloseTo(1 / 2500, 15);
  });

  it('saves and loads the reference profile; the loaded detector gives identical results', () => {
    useBackend(backend);
    const c = detectorCases[0];
    const detector = new DriftDetector(c.reference as ColumnTable, { schema: { categorical: c.categorical }, now: () => 3 });
    const path = join(dir, `profile-${backend}.mlwp`);
    detector.profile.save(path);
    return ReferenceProfile.load(path).then((profile) => {
      const loaded = new DriftDetector(profile, { now: () => 3 });
      expect(loaded.detect(c.current as ColumnTable)).toEqual(detector.detect(c.current as ColumnTable));
      expect(loaded.featureNames).toEqual(detector.featureNames);
      expect(loaded.baselineMean).toEqual(detector.baselineMean);
      const bytes = profile.toBytes();
      bytes[bytes.length - 1] ^= 1;
      expect(() => ReferenceProfile.fromBytes(bytes)).toThrow(/CRC-32 mismatch/);
    });
  });

  it('applies configured tests, thresholds, drift share and corrections', () => {
    useBackend(backend);
    const rng = new SeededRandom(9);
    const ref = rng.normalMatrix(800, [0, 0, 0, 0], [1, 1, 1, 1]);
    const cur = rng.normalMatrix(700, [0.15, 0.12, 0, 0.5], [1, 1, 1, 1]);
    const plain = new DriftDetector(ref).detect(cur);
    for (const r of Object.values(plain.columns)) expect(r.test).toBe('ks');
    const pValues = Object.values(plain.columns).map((r) => r.pValue!);

    const bonferroni = new DriftDetector(ref, { correction: 'bonferroni' }).detect(cur);
    for (const [i, r] of Object.values(bonferroni.columns).entries()) {
      expect(r.threshold).toBeCloseTo(0.05 / 4, 15);
      expect(r.driftDetected).toBe(pValues[i] <= 0.05 / 4);
    }
    const fdr = new DriftDetector(ref, { correction: 'fdr' }).detect(cur);
    const sorted = [...pValues].sort((a, b) => a - b);
    let k = 0;
    sorted.forEach((p, i) => {
      if (p <= (0.05 * (i + 1)) / 4) k = i + 1;
    });
    for (const [i, r] of Object.values(fdr.columns).entries()) expect(r.driftDetected).toBe(pValues[i] <= (0.05 * Math.max(k, 1)) / 4 && k > 0);

    const custom = new DriftDetector(ref, {
      test: 'psi',
      thresholds: { psi: 0.2 },
      columns: { feature_3: { test: 'meanShift', threshold: 0.3 } },
      driftShare: 0.25,
    }).detect(cur);
    expect(custom.columns.feature_0).toMatchObject({ test: 'psi', threshold: 0.2 });
    expect(custom.columns.feature_3).toMatchObject({ test: 'meanShift', threshold: 0.3, driftDetected: true });
    expect(custom.datasetDrift).toBe(true);
  });

  it('rejects bad references, options and current data with errors naming the field', () => {
    useBackend(backend);
    const table = { x: Float64Array.of(1, 2, 3), label: ['a', 'b', 'a'] };
    expect(() => new DriftDetector({ x: Float64Array.of(1), y: Float64Array.of(1, 2) })).toThrow(/reference.y/);
    expect(() => new DriftDetector({} as ColumnTable)).toThrow(/at least one column/);
    expect(() => new DriftDetector(table, { test: 'bogus' as 'ks' })).toThrow(/options.test/);
    expect(() => new DriftDetector(table, { columns: { label: { test: 'ks' } } })).toThrow(/options.columns.label.test/);
    expect(() => new DriftDetector(table, { columns: { nope: {} } })).toThrow(/options.columns/);
    expect(() => new DriftDetector(table, { correction: 'holm' as 'fdr' })).toThrow(/options.correction/);
    expect(() => new DriftDetector(table, { schema: { numerical: ['label'] } })).toThrow(/schema.numerical/);
    const detector = new DriftDetector(table, { test: 'ks' });
    expect(detector.detect({ x: [3, 4], label: ['b', 'b'] }).columns.label.test).not.toBe('ks');
    expect(() => detector.detect({ x: Float64Array.of(1) } as ColumnTable)).toThrow(/a column named "label"/);
    expect(() => detector.detect({ x: ['a'], label: ['b'] })).toThrow(/numbers for x/);
    expect(() => detector.detect({ x: [1], label: [2] })).toThrow(/string labels for label/);
    expect(() => detector.detectSimpleDrift({ data: Float64Array.of(1), rows: 1, cols: 1 })).not.toThrow();
  });
});
