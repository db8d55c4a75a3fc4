/**
 * The CSV reader's rows (Backend.csvColumns through csv-chunks.ts) on every backend: the grammar
 * fixture (values from test/fixtures/csv/make_csv_fixtures.py, bit for bit) with LF, CRLF and CR
 * line ends, read in blocks small enough to cut every field, number and CRLF; labels (quoted,
 * escaped, multi-byte, missing, across chunks) as csv-parse, an independent parser, reads them;
 * the same files accepted and rejected as csv-parse on random CSV text, with the same numbers and
 * labels; malformed input as errors naming row, line and column; and random bytes, on which the
 * native kernel and the JS reference agree.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { openCsv } from '../../src/batch/readers/csv-source.js';
import { MISSING_FIELDS, numberOfField } from '../../src/backend/js/csv-columns.js';
import { jsBackend } from '../../src/backend/js/index.js';
import { loadNative, nativeCpuBackend } from '../../src/backend/native.js';
import { getBackend, InputFileError, type Backend } from '../../src/index.js';
import { describeEachBackend } from '../helpers/backends.js';

const FIXTURES = join(__dirname, '..', 'fixtures', 'csv');
const expected = JSON.parse(readFileSync(join(FIXTURES, 'numeric-grammar.json'), 'utf8')) as { rows: number; values: Record<string, string> };
const NUMBERS = ['a', 'b', 'c'];
const dir = mkdtempSync(join(tmpdir(), 'mlwatch-csv-columns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A column as compared: numbers as little-endian float64 bytes (so -0 and NaN compare exactly), labels as texts (null: missing). */
type Read = string | (string | null)[];

function numbersRead(values: readonly number[]): string {
  return Buffer.from(Float64Array.from(values).buffer).toString('base64');
}

/** The columns read through the reader, with the types it gave them. */
async function readColumns(path: string, columns: readonly string[], backend: Backend, readBytes?: number): Promise<Record<string, Read>> {
  const source = await openCsv(path, { readBytes });
  const numbers: Record<string, number[]> = Object.fromEntries(columns.map((c) => [c, []]));
  const labels: Record<string, (string | null)[]> = Object.fromEntries(columns.map((c) => [c, []]));
  for await (const chunk of source.chunks(columns, undefined, backend)) {
    for (const name of columns) {
      const column = chunk.columns[name];
      if (column.type === 'number') numbers[name].push(...column.values);
      else for (const code of column.codes) labels[name].push(code < 0 ? null : column.dictionary[code]);
    }
  }
  return Object.fromEntries(columns.map((name) => [name, source.columns.find((c) => c.name === name)!.type === 'number' ? numbersRead(numbers[name]) : labels[name]]));
}

/**
 * The same columns by csv-parse, the independent reference: its records, each field a number by
 * numberOfField in a column the reader types as numbers, else a label (null when missing).
 */
async function parsedColumns(path: string, columns: readonly string[]): Promise<Record<string, Read>> {
  const types = (await openCsv(path)).columns;
  const [header, ...records] = parse(readFileSync(path), { bom: true, skip_empty_lines: true }) as string[][];
  return Object.fromEntries(
    columns.map((name) => {
      const f = header.indexOf(name);
      if (types[f].type === 'label') return [name, records.map((r) => (MISSING_FIELDS.has(r[f]) ? null : r[f]))];
      return [
        name,
        numbersRead(
          records.map((r) => {
            const v = numberOfField(r[f]);
            if (v === undefined) throw new Error(`${JSON.stringify(r[f])} is not a number`);
            return v;
          }),
        ),
      ];
    }),
  );
}

function write(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** 1000 good records first: the reader types columns by its first 1000 rows (csv-parse reads those). */
const GOOD = 'a,b\n' + '1,2\n'.repeat(1000);

describeEachBackend('numeric CSV on %s', () => {
  it.each(['lf', 'crlf', 'cr'])('reads the grammar fixture (%s) bit for bit, in blocks of any size', async (ends) => {
    const path = join(FIXTURES, `numeric-grammar-${ends}.csv`);
    for (const readBytes of [undefined, 1, 2, 3, 5, 8, 13, 64]) {
      expect(await readColumns(path, NUMBERS, getBackend(), readBytes), `blocks of ${readBytes ?? 'default'} bytes`).toEqual(expected.values);
    }
  });

  it('reads a label column beside the numbers, as csv-parse does', async () => {
    const path = join(FIXTURES, 'numeric-grammar-crlf.csv');
    const read = await readColumns(path, [...NUMBERS, 'tag'], getBackend());
    expect(read).toEqual(await parsedColumns(path, [...NUMBERS, 'tag']));
    expect(read.tag.length).toBe(expected.rows);
  });

  it('reads labels as csv-parse does: quoted, escaped, multi-byte, missing, across chunks and blocks', async () => {
    const random = lcg(5);
    const labels = ['a', '"a"', 'b c', '"x,y"', '"say ""hi"""', '"two\nlines"', 'ünï', '"日本"', '\ufeffbom', 'NA', '"NA"', '""', '', 'None', 'a label longer than eight bytes', '"a label longer than eight bytes"', '"an ""escaped"" label longer than eight"'];
    const rows = ['k,n,l'];
    // 150 000 rows: three chunks of the reader, each with its own dictionary
    for (let r = 0; r < 150_000; r++) rows.push(`${labels[Math.floor(random() * labels.length)]},${r},k${Math.floor(random() * 300)}`);
    const path = write('labels.csv', '\ufeff' + rows.join('\r\n') + '\r\n');
    const reference = await parsedColumns(path, ['k', 'n', 'l']);
    expect((reference.k as (string | null)[]).filter((v) => v === null).length).toBeGreaterThan(10_000);
    expect(await readColumns(path, ['k', 'n', 'l'], getBackend())).toEqual(reference);
    expect(await readColumns(path, ['l', 'k'], getBackend(), 4099)).toEqual({ l: reference.l, k: reference.k });
    const small = write('labels-small.csv', rows.slice(0, 200).join('\n'));
    expect(await readColumns(small, ['k', 'l'], getBackend(), 3)).toEqual(await parsedColumns(small, ['k', 'l']));
  });

  it.each([
    ['a field that is not a number', `${GOOD}3,x1\n`, /row 1001, column "b": "x1" is not a number \(the column's first 1000 rows are numbers\) \(line 1002\)/],
    ['a quoted field that is not a number', `${GOOD}3,"4""5"\n`, /row 1001, column "b": "4\\"5" is not a number.*\(line 1002\)/],
    ['a ragged record', `${GOOD}1,2\n3\n`, /row 1002: the record has 1 fields, the header 2.*\(line 1003\)/],
    ['a record with a field too many', `${GOOD}3,4,\n`, /row 1001: the record has 3 fields/],
    ['an unterminated quote', `${GOOD}1,"2\n3,4\n`, /row 1001: the file ends inside a quoted field/],
    ['a quote inside an unquoted field', `${GOOD}1, "2"\n`, /row 1001, column "b": a quote inside an unquoted field \(line 1002\)/],
    ['a byte after a closing quote', `${GOOD}"1"x,2\n`, /row 1001, column "a": something other than a separator after a closing quote/],
    // past the first MiB, which the typing of the columns decodes
    ['invalid UTF-8', Buffer.from(`${GOOD}${'3,4\n'.repeat(300_000)}1,2\xff\n`, 'latin1'), /invalid UTF-8 in the bytes from offset \d+/],
    ['invalid UTF-8 in a good record', Buffer.from(`${GOOD}${'3,4\n'.repeat(300_000)}1,2\n\xff,1\n`, 'latin1'), /invalid UTF-8 in the bytes from offset \d+/],
  ])('rejects %s, naming where, whatever the block size', async (_, text, message) => {
    const path = write('bad.csv', text);
    // 3-byte reads of the MiB-sized files would take a minute: those are cut in 4099-byte reads
    for (const readBytes of text.length > 1 << 16 ? [undefined, 4099] : [undefined, 3, 4099]) {
      const read = readColumns(path, ['a', 'b'], getBackend(), readBytes);
      await expect(read).rejects.toThrow(InputFileError);
      await expect(read).rejects.toThrow(message);
    }
  });

  it('accepts and rejects what csv-parse does, with the same numbers and labels (random files, fixed seed)', async () => {
    const random = lcg(11);
    const pieces = ['1', '2.5', '-3', ' 4 ', '"5"', '""', 'NA', '', '"6\n"', '"7"""', '1e5', '.', 'x', '"8"x', '9"', '\r', '+1', 'L', '"L"', '"a,b"', 'ü'];
    /** The columns read, or 'error' (the row a csv-parse error names is a line count, so rows are not compared). */
    const outcome = async (read: () => Promise<Record<string, Read>>) => {
      try {
        return await read();
      } catch (error) {
        return 'error';
      }
    };
    let compared = 0;
    let labelled = 0;
    for (let round = 0; round < 300; round++) {
      const ends = ['\n', '\r\n', '\r'][Math.floor(random() * 3)];
      // half the files start with 1000 good records, so that faults come after the rows that type the columns
      let text = 'a,b,t' + ends + (random() < 0.5 ? ('1,2,L' + ends).repeat(1000) : '');
      for (let r = 1 + Math.floor(random() * 4); r > 0; r--) {
        const fields = Array.from({ length: random() < 0.1 ? 2 : 3 }, () => pieces[Math.floor(random() * pieces.length)]);
        text += fields.join(',') + (random() < 0.1 ? ends + ends : random() < 0.1 ? '\n' : ends);
      }
      const path = write('random.csv', random() < 0.3 ? text.slice(0, -ends.length) : text);
      let source;
      try {
        source = await openCsv(path);
      } catch {
        continue; // csv-parse rejected it while typing the columns: the rows are never read
      }
      compared++;
      if (source.columns.some((c) => c.type === 'label')) labelled++;
      const read = await outcome(() => readColumns(path, ['a', 't'], getBackend()));
      if (read === 'error') await expect(readColumns(path, ['a', 't'], getBackend())).rejects.toThrow(InputFileError);
      expect(read, JSON.stringify(text.slice(-80))).toEqual(await outcome(() => parsedColumns(path, ['a', 't'])));
    }
    expect(compared).toBeGreaterThan(100);
    expect(labelled).toBeGreaterThan(50);
  });

  it('takes a header-only file and blank lines as no rows', async () => {
    expect(await readColumns(write('header.csv', 'a,b\r\n'), ['a'], getBackend())).toEqual({ a: '' });
    expect(await readColumns(write('blank.csv', 'a,b\n\n\n1,2\n\n'), ['b'], getBackend())).toEqual({ b: Buffer.from(Float64Array.of(2).buffer).toString('base64') });
  });
});

/** A small LCG so the random cases are the same on every run. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 4294967296;
}

const { addon } = loadNative();

describe.skipIf(!addon)('csvColumns: the native kernel and the JS reference agree on random bytes', () => {
  const native = addon ? nativeCpuBackend(addon) : jsBackend;
  const alphabet = Buffer.from('0123456789,"\r\n.eE+- NaIinfty\xc2\xa0\xe3\x80\x80', 'latin1');

  it('the same values or the same error, never a crash (20 000 inputs, fixed seed)', () => {
    const random = lcg(19);
    for (let round = 0; round < 20_000; round++) {
      const bytes = new Uint8Array(Math.floor(random() * 48));
      for (let i = 0; i < bytes.length; i++) bytes[i] = random() < 0.2 ? Math.floor(random() * 256) : alphabet[Math.floor(random() * alphabet.length)];
      const fields = 1 + Math.floor(random() * 4);
      const slots = Int32Array.from({ length: fields }, (_, f) => (random() < 0.3 ? -1 : f));
      const labels = Uint8Array.from({ length: fields }, () => (random() < 0.4 ? 1 : 0));
      const capacity = 1 + Math.floor(random() * 4);
      const lineEnd = Math.floor(random() * 3) as 0 | 1 | 2;
      const atEnd = random() < 0.5;
      const outs = [new Float64Array(fields * capacity).fill(-7), new Float64Array(fields * capacity).fill(-7)];
      const codes = [new Int32Array(fields * capacity).fill(-7), new Int32Array(fields * capacity).fill(-7)];
      const [a, b] = [jsBackend, native].map((backend, k) => backend.csvColumns(bytes, slots, labels, lineEnd, atEnd, outs[k], codes[k], capacity));
      const where = `round ${round}: ${JSON.stringify(Buffer.from(bytes).toString('latin1'))}, lineEnd ${lineEnd}, atEnd ${atEnd}, labels ${labels.join('')}`;
      expect(b, where).toEqual(a);
      // the values and codes of the records read (what lies beyond them is scratch)
      for (let k = 0; k < fields; k++) {
        const [x, y] = outs.map((o) => Buffer.from(o.buffer, k * capacity * 8, a.rows * 8).toString('hex'));
        expect(y, where).toBe(x);
        expect(codes[1].subarray(k * capacity, k * capacity + a.rows), where).toEqual(codes[0].subarray(k * capacity, k * capacity + a.rows));
      }
    }
  });

  it('the same codes and firsts on label-heavy text: thousands of labels, long, escaped, multi-byte, missing (fixed seed)', () => {
    const random = lcg(7);
    const pick = <T>(a: readonly T[]) => a[Math.floor(random() * a.length)];
    const label = (): string => {
      const n = Math.floor(random() * 5000);
      return pick([`s${n % 50}`, `"q${n}"`, `a much longer label ${n}`, `"an ""escaped"" long label ${n}"`, `"e""${n % 30}"`, pick(['', 'NA', '"NA"', '""', 'None', '"N""A"']), pick(['ünï', '"日本語のラベル"', '\ufeffx', '"a\nb"', '"x,y"']), `${n}`]);
    };
    let calls = 0;
    for (let round = 0; round < 40; round++) {
      const lineEnd = Math.floor(random() * 2) as 0 | 1;
      const rows = Array.from({ length: 1 + Math.floor(random() * 3000) }, (_, r) => `${label()},${r},${label()}`);
      const bytes = new Uint8Array(Buffer.from(rows.join(lineEnd ? '\r\n' : '\n') + (lineEnd ? '\r\n' : '\n')));
      const capacity = 1 + Math.floor(random() * 4000);
      for (let p = 0; p < bytes.length; ) {
        const end = Math.min(bytes.length, p + 1 + Math.floor(random() * 40_000));
        const read = [jsBackend, native].map((backend) => {
          const codes = new Int32Array(3 * capacity);
          const r = backend.csvColumns(bytes.subarray(p, end), Int32Array.of(0, 1, 2), Uint8Array.of(1, 0, 1), lineEnd, end === bytes.length, new Float64Array(3 * capacity), codes, capacity);
          return { r, codes: [codes.subarray(0, r.rows), codes.subarray(2 * capacity, 2 * capacity + r.rows)] };
        });
        calls++;
        expect(read[1], `round ${round} at ${p}`).toEqual(read[0]);
        expect(read[0].r.error).toBe(0);
        p += read[0].r.bytesUsed;
        if (read[0].r.rows === 0 && end === bytes.length) break;
      }
    }
    expect(calls).toBeGreaterThan(40);
  });

  it.each([
    ['js', jsBackend],
    ['cpu', native],
  ])('the %s kernel reads slots and labels before it writes: aliased with codes, the same answer as a copy', (_, backend) => {
    const capacity = 1100;
    const text = Buffer.from(Array.from({ length: 1050 }, (_, r) => `label ${r},${r}\n`).join(''));
    const answer = (aliased: boolean) => {
      const codes = new Int32Array(2 * capacity);
      const slots = aliased ? new Int32Array(codes.buffer, 1000 * 4, 2) : new Int32Array(2);
      slots.set([0, 1]);
      const labels = Uint8Array.of(1, 1);
      const r = backend.csvColumns(new Uint8Array(text), slots, labels, 0, true, new Float64Array(0), codes, capacity);
      return { r, codes: codes.slice(0, 1000) };
    };
    const copied = answer(false);
    expect(copied.r.rows).toBe(1050);
    expect(answer(true)).toEqual(copied);
  });

  it.each([
    ['js', jsBackend],
    ['cpu', native],
  ])('the %s kernel checks its columns; the addon its arguments too', (_, backend) => {
    const bytes = new Uint8Array(4);
    const none = new Int32Array(0);
    const two = Uint8Array.of(0, 0);
    expect(() => backend.csvColumns(bytes, Int32Array.of(0, 2), two, 0, true, new Float64Array(4), none, 2)).toThrow(/slots\[1\] to be -1 or a column below labels.length \(2\) but received 2/);
    expect(() => backend.csvColumns(bytes, Int32Array.of(-2), two, 0, true, new Float64Array(4), none, 2)).toThrow(RangeError);
    expect(() => backend.csvColumns(bytes, Int32Array.of(0, 1), two, 0, true, new Float64Array(3), none, 2)).toThrow(/out to hold column 1 \(4 values/);
    expect(() => backend.csvColumns(bytes, Int32Array.of(0, 1), Uint8Array.of(0, 1), 0, true, new Float64Array(4), new Int32Array(2), 2)).toThrow(/codes to hold column 1 \(4 values/);
    expect(() => backend.csvColumns(bytes, Int32Array.of(0), two, 0, true, new Float64Array(4), none, 0)).toThrow(TypeError);
    expect(() => backend.csvColumns(bytes, Int32Array.of(0), two, 0, true, new Float64Array(4), none, 0)).toThrow(/capacity/);
    expect(() => backend.csvColumns(bytes, Int32Array.of(0), two, 3 as never, true, new Float64Array(4), none, 2)).toThrow(TypeError);
    // a detached array reads as no bytes
    const detached = new Uint8Array(8);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    expect(backend.csvColumns(detached, Int32Array.of(0), two, 0, true, new Float64Array(4), none, 2)).toMatchObject({ rows: 0, bytesUsed: 0, error: 0 });
    if (backend === jsBackend) return;
    expect(() => addon!.csvColumns(new Float64Array(1) as never, Int32Array.of(0), two, 0, true, new Float64Array(4), none, 2)).toThrow(/Uint8Array for bytes/);
    expect(() => addon!.csvColumns(bytes, Int32Array.of(0), [0] as never, 0, true, new Float64Array(4), none, 2)).toThrow(/Uint8Array for labels/);
  });
});
