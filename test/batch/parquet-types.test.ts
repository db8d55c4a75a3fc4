/**
 * The Parquet reader (parquet-wasm, batches read through the Arrow C data interface) on every
 * column type it maps: each value as the chunk gives it against the value the file was written
 * from, with nulls, several row groups and several chunks per row group (the reused chunk buffers
 * must never show a previous chunk's values); and the C data interface reader on malformed structs.
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Bool,
  DateDay,
  DateMillisecond,
  Dictionary,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  LargeUtf8,
  Table,
  TimeUnit,
  Timestamp,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  makeData,
  makeVector,
  tableToIPC,
  vectorFromArray,
  type DataType,
} from 'apache-arrow';
import { Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';
import { openParquet } from '../../src/batch/readers/parquet-source.js';
import { recordBatchColumns } from '../../src/batch/readers/arrow-c-data.js';
import { FileRanges } from '../../src/batch/readers/file-ranges.js';
import { SeededRandom } from '../../src/demo/random.js';

const dir = mkdtempSync(join(tmpdir(), 'mlwatch-parquet-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 2_345;
const DAY = 86_400_000;
const rng = new SeededRandom(11);
const missing = (i: number) => i % 7 === 3;
const int = (lo: number, hi: number) => lo + Math.floor(rng.uniform() * (hi - lo + 1));
const LABELS = ['Paris', 'Zürich', 'Łódź', '', ' padded ', 'New York, NY', '日本'];

/** A column: its Arrow type, the values written (null = missing) and what a chunk must give for each. */
interface Case {
  type: DataType;
  written: unknown[];
  expected: (number | string | null)[];
}

function numbers(type: DataType, make: (i: number) => number, toWritten: (v: number) => unknown = (v) => v, toExpected: (v: number) => number = (v) => v): Case {
  const raw = Array.from({ length: ROWS }, (_, i) => (missing(i) ? null : make(i)));
  return { type, written: raw.map((v) => (v === null ? null : toWritten(v))), expected: raw.map((v) => (v === null ? NaN : toExpected(v))) };
}

/** Timestamps written as raw 64-bit counts of their unit (below 2^53, so exact as doubles); a chunk gives them in milliseconds, correctly rounded. */
function timestamps(unit: TimeUnit, timezone: string | null, max: number, toMs: (v: number) => number): Case {
  const raw = Array.from({ length: ROWS }, (_, i) => (missing(i) ? null : int(0, max)));
  return { type: new Timestamp(unit, timezone), written: raw.map((v) => (v === null ? null : BigInt(v))), expected: raw.map((v) => (v === null ? NaN : toMs(v))) };
}

function labels(type: DataType): Case {
  const raw = Array.from({ length: ROWS }, (_, i) => (missing(i) ? null : LABELS[int(0, LABELS.length - 1)]));
  return { type, written: raw, expected: raw };
}

const CASES: Record<string, Case> = {
  i8: numbers(new Int8(), () => int(-128, 127)),
  u8: numbers(new Uint8(), () => int(0, 255)),
  i16: numbers(new Int16(), () => int(-32768, 32767)),
  u16: numbers(new Uint16(), () => int(0, 65535)),
  i32: numbers(new Int32(), () => int(-(2 ** 31), 2 ** 31 - 1)),
  u32: numbers(new Uint32(), () => int(0, 2 ** 32 - 1)),
  i64: numbers(new Int64(), () => int(-(2 ** 52), 2 ** 52), (v) => BigInt(v)),
  u64: numbers(new Uint64(), () => int(0, 2 ** 53), (v) => BigInt(v)),
  f32: numbers(new Float32(), () => Math.fround(rng.normal() * 1e3)),
  f64: numbers(new Float64(), (i) => (i % 11 === 1 ? [NaN, Infinity, -Infinity, -0][i % 4] : rng.normal() * 1e6)),
  flag: numbers(new Bool(), () => int(0, 1), (v) => v === 1),
  day: numbers(new DateDay(), () => int(-20_000, 30_000) * DAY, (v) => new Date(v), (v) => v),
  day64: numbers(new DateMillisecond(), () => int(-20_000, 30_000) * DAY, (v) => new Date(v), (v) => v),
  tsS: timestamps(TimeUnit.SECOND, null, 2e9, (s) => s * 1000),
  tsMs: timestamps(TimeUnit.MILLISECOND, 'UTC', 2e12, (ms) => ms),
  tsUs: timestamps(TimeUnit.MICROSECOND, null, 2e15, (us) => us / 1000),
  tsNs: timestamps(TimeUnit.NANOSECOND, 'Europe/Paris', 2 ** 53, (ns) => ns / 1e6),
  text: labels(new Utf8()),
  bigText: labels(new LargeUtf8()),
  coded: labels(new Dictionary(new Utf8(), new Int32())),
  coded16: labels(new Dictionary(new Utf8(), new Int16())),
};

/** Writes the cases as one Parquet file with row groups of `groupRows`. */
function writeCases(path: string, groupRows: number): void {
  const table = new Table(Object.fromEntries(Object.entries(CASES).map(([name, c]) => [name, c.type instanceof Timestamp ? timestampVector(c) : vectorFromArray(c.written, c.type)])));
  const properties = new WriterPropertiesBuilder().setMaxRowGroupSize(groupRows).build();
  writeFileSync(path, writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), properties));
}

/** A timestamp column from its raw counts (vectorFromArray takes milliseconds and would round sub-millisecond parts). */
function timestampVector(c: Case) {
  const data = BigInt64Array.from(c.written, (v) => (v === null ? 0n : (v as bigint)));
  const nullBitmap = new Uint8Array(Math.ceil(ROWS / 8));
  c.written.forEach((v, i) => v !== null && (nullBitmap[i >> 3] |= 1 << (i & 7)));
  return makeVector(makeData({ type: c.type as Timestamp, length: ROWS, nullCount: c.written.filter((v) => v === null).length, nullBitmap, data }));
}

/** Every row of every case as the reader gives it: numbers as numbers (NaN when missing), labels as strings (null when missing). */
async function readCases(path: string, batchRows: number): Promise<{ values: Record<string, (number | string | null)[]>; chunks: number }> {
  const source = await openParquet(path, batchRows);
  const names = Object.keys(CASES);
  const values: Record<string, (number | string | null)[]> = Object.fromEntries(names.map((n) => [n, []]));
  let chunks = 0;
  let next = 0;
  for await (const chunk of source.chunks(names)) {
    expect(chunk.firstRow).toBe(next);
    expect(chunk.rows).toBeLessThanOrEqual(batchRows);
    next += chunk.rows;
    chunks++;
    for (const name of names) {
      const column = chunk.columns[name];
      expect(column.type === 'number' ? column.values.length : column.codes.length).toBe(chunk.rows);
      for (let i = 0; i < chunk.rows; i++) values[name].push(column.type === 'number' ? column.values[i] : column.codes[i] < 0 ? null : column.dictionary[column.codes[i]]);
    }
  }
  expect(next).toBe(ROWS);
  return { values, chunks };
}

describe('Parquet reader', () => {
  it('declares every mapped type as numbers (dates and timestamps as times) or labels', async () => {
    const path = join(dir, 'types.parquet');
    writeCases(path, 1000);
    const source = await openParquet(path);
    expect(source.rowCount).toBe(ROWS);
    const types = Object.fromEntries(source.columns.map((c) => [c.name, c.type + (c.time ? ' time' : '')]));
    expect(types).toEqual(
      Object.fromEntries(Object.entries(CASES).map(([name, c]) => [name, c.expected.some((v) => typeof v === 'string') ? 'label' : /^(day|ts)/.test(name) ? 'number time' : 'number'])),
    );
  });

  for (const [groupRows, batchRows] of [
    [1000, 1 << 20],
    [1000, 333],
    [ROWS, 512],
    [64, 64],
  ]) {
    it(`gives every value as written: row groups of ${groupRows}, chunks of at most ${batchRows} rows`, async () => {
      const path = join(dir, `values-${groupRows}-${batchRows}.parquet`);
      writeCases(path, groupRows);
      const { values, chunks } = await readCases(path, batchRows);
      expect(chunks).toBeGreaterThanOrEqual(Math.ceil(ROWS / Math.min(groupRows, batchRows)));
      for (const [name, c] of Object.entries(CASES)) {
        // toEqual tells NaN from NaN as equal and -0 from 0 as different
        expect.soft(values[name], name).toEqual(c.expected);
      }
    });
  }

  it('reads a subset of the columns in any order', async () => {
    const path = join(dir, 'subset.parquet');
    writeCases(path, 700);
    const source = await openParquet(path, 500);
    const got: number[] = [];
    const text: (string | null)[] = [];
    for await (const chunk of source.chunks(['bigText', 'i64'])) {
      expect(Object.keys(chunk.columns).sort()).toEqual(['bigText', 'i64']);
      const i64 = chunk.columns.i64;
      const big = chunk.columns.bigText;
      if (i64.type !== 'number' || big.type !== 'label') throw new Error('wrong column types');
      got.push(...i64.values);
      for (const code of big.codes) text.push(code < 0 ? null : big.dictionary[code]);
    }
    expect(got).toEqual(CASES.i64.expected);
    expect(text).toEqual(CASES.bigText.expected);
  });
});

/** Lays C data interface structs out in a buffer, as a 32-bit exporter would. */
class Structs {
  readonly memory = new ArrayBuffer(1 << 16);
  private readonly view = new DataView(this.memory);
  private at = 8; // 0 stays the null pointer

  alloc(bytes: number): number {
    const p = (this.at + 7) & ~7;
    this.at = p + bytes;
    return p;
  }

  string(text: string): number {
    const bytes = Buffer.from(text + '\0');
    const p = this.alloc(bytes.length);
    new Uint8Array(this.memory, p, bytes.length).set(bytes);
    return p;
  }

  pointers(values: number[]): number {
    const p = this.alloc(4 * values.length);
    values.forEach((v, i) => this.view.setUint32(p + 4 * i, v, true));
    return p;
  }

  schema(format: string, name: string, children: number[] = []): number {
    const p = this.alloc(48);
    this.view.setUint32(p, this.string(format), true);
    this.view.setUint32(p + 4, this.string(name), true);
    this.view.setBigInt64(p + 24, BigInt(children.length), true);
    this.view.setUint32(p + 32, children.length ? this.pointers(children) : 0, true);
    return p;
  }

  array(length: number, buffers: number[], children: number[] = [], nullCount = 0): number {
    const p = this.alloc(64);
    this.view.setBigInt64(p, BigInt(length), true);
    this.view.setBigInt64(p + 8, BigInt(nullCount), true);
    this.view.setBigInt64(p + 24, BigInt(buffers.length), true);
    this.view.setBigInt64(p + 32, BigInt(children.length), true);
    this.view.setUint32(p + 40, this.pointers(buffers), true);
    this.view.setUint32(p + 44, children.length ? this.pointers(children) : 0, true);
    return p;
  }

  doubles(values: number[]): number {
    const p = this.alloc(8 * values.length);
    new Float64Array(this.memory, p, values.length).set(values);
    return p;
  }
}

describe('recordBatchColumns (C data interface)', () => {
  function batch(format = 'g', data?: (s: Structs) => number) {
    const s = new Structs();
    const schema = s.schema('+s', '', [s.schema(format, 'x')]);
    const column = s.array(3, [0, data ? data(s) : s.doubles([1.5, -2, 3])]);
    const array = s.array(3, [0], [column]);
    return { s, schema, array };
  }

  it('views the values of a well-formed batch', () => {
    const { s, schema, array } = batch();
    const { rows, columns } = recordBatchColumns(s.memory, array, schema, ['x']);
    expect(rows).toBe(3);
    expect(Array.from(columns.get('x')!.values as Float64Array)).toEqual([1.5, -2, 3]);
  });

  it('copies a buffer whose pointer is not aligned for its type (a view cannot start there)', () => {
    const { s, schema, array } = batch('g', (st) => {
      const p = st.alloc(8 * 4) + 4; // 4 bytes past an 8-byte boundary
      const bytes = new Uint8Array(new Float64Array([0.25, -7, 1e300]).buffer);
      new Uint8Array(st.memory, p, bytes.length).set(bytes);
      return p;
    });
    const data = recordBatchColumns(s.memory, array, schema, ['x']).columns.get('x')!;
    expect(Array.from(data.values as Float64Array)).toEqual([0.25, -7, 1e300]);
    expect((data.values as Float64Array).buffer).not.toBe(s.memory);
  });

  it('refuses pointers outside the memory, unknown formats, non-struct batches and absent columns with a RangeError', () => {
    const { s, schema, array } = batch('g', () => (1 << 16) - 8);
    expect(() => recordBatchColumns(s.memory, array, schema, ['x'])).toThrow(/outside the WebAssembly memory/);
    const good = batch();
    expect(() => recordBatchColumns(good.s.memory, good.array, good.schema, ['y'])).toThrow(/no column "y"/);
    expect(() => recordBatchColumns(good.s.memory, 1 << 20, good.schema, ['x'])).toThrow(RangeError);
    expect(() => recordBatchColumns(good.s.memory, good.array, 0, ['x'])).toThrow(RangeError);
    const odd = batch('+l');
    expect(() => recordBatchColumns(odd.s.memory, odd.array, odd.schema, ['x'])).toThrow(/format "\+l" cannot be read/);
    const flat = new Structs();
    const notStruct = flat.schema('g', 'x');
    expect(() => recordBatchColumns(flat.memory, flat.array(0, [0]), notStruct, ['x'])).toThrow(/as a struct/);
  });
});

describe('FileRanges (the Blob parquet-wasm reads)', () => {
  it('reads byte ranges as Blob.slice clamps them, and rejects a range the file no longer holds', async () => {
    const path = join(dir, 'bytes.bin');
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 255);
    writeFileSync(path, bytes);
    const file = await FileRanges.open(path);
    try {
      expect(file.size).toBe(1000);
      const read = async (r: FileRanges) => Array.from(new Uint8Array(await r.arrayBuffer()));
      expect(await read(file.slice(10, 20))).toEqual(Array.from(bytes.subarray(10, 20)));
      expect(await read(file.slice(990, 5000))).toEqual(Array.from(bytes.subarray(990)));
      expect(await read(file.slice(500, 400))).toEqual([]);
      expect(await read(file.slice(100, 300).slice(50, 60))).toEqual(Array.from(bytes.subarray(150, 160)));
      expect(await read(file.slice(-8))).toEqual(Array.from(bytes.subarray(992)));
      expect(await read(file.slice(-20, -10))).toEqual(Array.from(bytes.subarray(980, 990)));
      truncateSync(path, 500);
      await expect(file.slice(400, 600).arrayBuffer()).rejects.toThrow(/ends before byte 600/);
    } finally {
      await file.close();
    }
  });
});
