/**
 * Fuzzing every persistence format (ModelMonitor and RetrainingTrigger snapshots, ReferenceProfile
 * bytes, QuantileSketch bytes) two ways:
 *  - bytes: flips, overwrites, truncation and extension of a valid encoding; the result must be a
 *    RangeError, or (when the change left the bytes intact) the same object;
 *  - fields: a valid encoding re-made with one field of its JSON header (or one section) replaced
 *    by an arbitrary value, with a valid checksum; the result must be a RangeError or TypeError
 *    that says what was expected ("Expected ..."), or an object that works: its own methods run,
 *    it encodes again and that encoding restores to the same state.
 * Never any other error, never an internal TypeError ("Cannot read properties of ...").
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DriftDetector, ModelMonitor, QuantileSketch, ReferenceProfile, RetrainingTrigger } from '../../src/index.js';
import { decodeSnapshot, encodeSnapshot, SnapshotKind } from '../../src/persist/snapshot-format.js';

interface Format {
  name: string;
  kind: SnapshotKind | null;
  good: Uint8Array;
  /** Restores and exercises the object; returns its encoding (to compare round trips). */
  use(bytes: Uint8Array): Uint8Array;
}

const now = () => 10_000;

/** A real alert report, as a trigger gets one. */
const alertReport = () => new ModelMonitor('fraud', { now }).checkAlerts();

function monitorBytes(): Uint8Array {
  const m = new ModelMonitor('fraud', { capacity: 8, now, baselineAccuracy: 0.9 });
  m.configureAlerts({ latency_p99_ms: { threshold: 50, severity: 'high' }, accuracy_drop: { threshold: 0.05, severity: 'medium' } });
  for (let i = 0; i < 12; i++) m.recordPerformance(0.8 + (i % 3) * 0.05, 5 + i);
  m.recordError();
  m.recordDrift({ maxDriftScore: 0.2 });
  return m.snapshot();
}

function triggerBytes(): Uint8Array {
  const t = new RetrainingTrigger('fraud', { minTimeBetweenRetrainsMs: 100 }, { now, lastRetrainAt: 1000 });
  t.shouldRetrain(alertReport(), { driftDetected: true, driftSeverity: 'high', maxDriftScore: 0.3 });
  return t.snapshot();
}

function profile(): ReferenceProfile {
  const rows = 300;
  return new DriftDetector({
    a: Float64Array.from({ length: rows }, (_, i) => Math.sin(i) * 10),
    b: Float64Array.from({ length: rows }, (_, i) => i % 4),
    city: Array.from({ length: rows }, (_, i) => ['x', 'y', 'z'][i % 3]),
  }).profile;
}

const current = {
  a: Float64Array.from({ length: 200 }, (_, i) => Math.cos(i) * 10 + 1),
  b: Float64Array.from({ length: 200 }, (_, i) => i % 5),
  city: Array.from({ length: 200 }, (_, i) => ['x', 'y', 'w'][i % 3]),
};

const formats: Format[] = [
  {
    name: 'ModelMonitor snapshot',
    kind: SnapshotKind.ModelMonitor,
    good: monitorBytes(),
    use(bytes) {
      const m = ModelMonitor.restore(bytes, { now });
      void m.stats;
      m.checkAlerts();
      m.latencyPercentiles();
      m.meanAccuracy();
      m.getPerformanceTrend();
      const again = m.snapshot();
      m.recordPerformance(0.9, 3); // still takes records
      return again;
    },
  },
  {
    name: 'RetrainingTrigger snapshot',
    kind: SnapshotKind.RetrainingTrigger,
    good: triggerBytes(),
    use(bytes) {
      const t = RetrainingTrigger.restore(bytes, { now });
      t.getRetrainingHistory();
      void t.lastRetrainAt;
      const again = t.snapshot();
      t.shouldRetrain(alertReport(), { driftDetected: false, driftSeverity: 'low', maxDriftScore: 0 });
      return again;
    },
  },
  {
    name: 'ReferenceProfile bytes',
    kind: SnapshotKind.DriftProfile,
    good: profile().toBytes(),
    use(bytes) {
      const p = ReferenceProfile.fromBytes(bytes);
      const result = new DriftDetector(p).detect(current);
      for (const c of Object.values(result.columns)) if (c.statistic !== null) expect(Number.isNaN(c.statistic) && c.status !== 'insufficient_data').toBe(false);
      return p.toBytes();
    },
  },
  {
    name: 'QuantileSketch bytes',
    kind: null,
    good: (() => {
      const s = new QuantileSketch({ relativeAccuracy: 0.01, maxBins: 128 });
      s.addMany([0, 0.001, 1, 2.5, 3, 1e6, 4, 4]);
      return s.serialize();
    })(),
    use(bytes) {
      const s = QuantileSketch.deserialize(bytes);
      s.quantile(0.5);
      s.quantiles([0.1, 0.9]);
      const again = s.serialize();
      s.add(1);
      return again;
    },
  },
];

/** A byte-level mutation of a valid encoding. */
const byteEdit = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('extend' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
);

function applyByteEdit(good: Uint8Array, edit: fc.Arbitrary<unknown> extends never ? never : { kind: string; at?: number; bit?: number; value?: number; extra?: Uint8Array }): Uint8Array {
  const bytes = good.slice();
  switch (edit.kind) {
    case 'flip':
      bytes[edit.at! % bytes.length] ^= 1 << edit.bit!;
      return bytes;
    case 'set':
      bytes[edit.at! % bytes.length] = edit.value!;
      return bytes;
    case 'truncate':
      return bytes.subarray(0, edit.at! % bytes.length);
    default: {
      const out = new Uint8Array(bytes.length + edit.extra!.length);
      out.set(bytes);
      out.set(edit.extra!, bytes.length);
      return out;
    }
  }
}

/** Every path to a value in a JSON tree (object keys and array indices). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.slice(0, 6).forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function setPath(root: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let at: Record<string | number, unknown> = root;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === undefined && !Array.isArray(at)) delete at[last];
  else at[last] = value;
}

/** A junk value: anything JSON can hold, plus the numbers that JSON turns into null. */
const junk = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(undefined, -1, 0, 1, 2 ** 53, -0.5, 1e308, '', 'NaN', [], {}, [null], Number.MAX_SAFE_INTEGER + 2),
);

/** What a restore may answer with: a RangeError or TypeError saying what it expected. */
function expectClearError(error: unknown, label: string): void {
  expect(error instanceof RangeError || error instanceof TypeError, `${label}: ${String(error)}`).toBe(true);
  expect((error as Error).message, label).toMatch(/^Expected /);
}

describe.each(formats)('$name', (format) => {
  it('refuses damaged bytes with a RangeError, or restores the same object', () => {
    const original = format.use(format.good);
    fc.assert(
      fc.property(byteEdit, (edit) => {
        const bytes = applyByteEdit(format.good, edit as never);
        let encoded: Uint8Array;
        try {
          encoded = format.use(bytes);
        } catch (error) {
          expect(error, String(error)).toBeInstanceOf(RangeError);
          return;
        }
        expect(Buffer.from(encoded)).toEqual(Buffer.from(original));
      }),
      { numRuns: 400, seed: 20261126 },
    );
  });

  if (format.kind === null) return;
  const kind = format.kind;
  const { header, sections } = decodeSnapshot(format.good, kind, format.name);
  const fieldPaths = paths(header).filter((p) => p.length > 0 && p[0] !== 'sections');

  it('refuses junk fields under a valid checksum with a clear error, or restores an object that works', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fieldPaths), junk, (path, value) => {
        const h = structuredClone(header) as Record<string, unknown>;
        delete h.sections;
        setPath(h, path, value);
        const bytes = encodeSnapshot(kind, h, sections);
        const label = `${path.join('.')} = ${JSON.stringify(value)}`;
        let encoded: Uint8Array;
        try {
          encoded = format.use(bytes);
        } catch (error) {
          expectClearError(error, label);
          return;
        }
        // what was accepted restores to itself
        expect(Buffer.from(format.use(encoded)), label).toEqual(Buffer.from(encoded));
      }),
      { numRuns: 600, seed: 20261126 },
    );
  });

  if (sections.length === 0) return;
  it('refuses junk sections under a valid checksum with a clear error, or restores an object that works', () => {
    const section = fc.oneof(
      fc.uint8Array({ maxLength: 80 }),
      fc.float64Array({ maxLength: 10 }).map((a) => new Uint8Array(a.buffer)),
    );
    fc.assert(
      fc.property(fc.nat(sections.length - 1), section, (index, replacement) => {
        const h = structuredClone(header) as Record<string, unknown>;
        delete h.sections;
        const changed = sections.slice();
        changed[index] = replacement;
        const bytes = encodeSnapshot(kind, h, changed);
        let encoded: Uint8Array;
        try {
          encoded = format.use(bytes);
        } catch (error) {
          expectClearError(error, `section ${index}`);
          return;
        }
        expect(Buffer.from(format.use(encoded))).toEqual(Buffer.from(encoded));
      }),
      { numRuns: 400, seed: 20261126 },
    );
  });
});
