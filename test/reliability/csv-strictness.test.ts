/**
 * CSV input that used to be guessed: hexadecimal, binary and octal literals read as numbers, and
 * Latin-1 bytes decoded to U+FFFD (so that "été" and "ètè" became one label).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTable } from '../../src/batch/readers/open-table.js';
import { InputFileError } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mlwatch-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(name: string, bytes: string | Buffer) {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const source = await openTable(path);
  const values: Record<string, unknown[]> = {};
  for await (const chunk of source.chunks(source.columns.map((c) => c.name))) {
    for (const [column, c] of Object.entries(chunk.columns)) values[column] = [...(values[column] ?? []), ...(c.type === 'number' ? Array.from(c.values) : Array.from(c.codes, (k) => c.dictionary[k]))];
  }
  return { columns: source.columns, values };
}

describe('CSV numbers are decimal', () => {
  it.each(['0x1F', '0b101', '0o17'])('a column holding %s is labels, not a number', async (literal) => {
    const { columns, values } = await read(`lit-${literal}.csv`, `a,b\n${literal},1\n7,2.5e3\n`);
    expect(columns).toEqual([
      { name: 'a', type: 'label' },
      { name: 'b', type: 'number' },
    ]);
    expect(values.a).toEqual([literal, '7']);
    expect(values.b).toEqual([1, 2500]);
  });

  it('a later non-decimal field in a numeric column is an error naming row and column', async () => {
    const rows = Array.from({ length: 1001 }, (_, i) => `${i},x`).join('\n');
    const path = join(dir, 'late-hex.csv');
    writeFileSync(path, `a,b\n${rows}\n0x10,y\n`);
    const source = await openTable(path);
    const drain = async () => {
      for await (const _ of source.chunks(['a'])) void _;
    };
    await expect(drain()).rejects.toThrow(/row 1002, column "a": "0x10" is not a number/);
  });
});

describe('CSV text is UTF-8', () => {
  it('Latin-1 bytes are an error naming where, not labels merged into U+FFFD', async () => {
    await expect(read('latin1.csv', Buffer.from('city,n\n\xe9t\xe9,1\n\xe8t\xe8,2\n', 'latin1'))).rejects.toThrow(InputFileError);
    await expect(read('latin1b.csv', Buffer.from('city,n\n\xe9t\xe9,1\n', 'latin1'))).rejects.toThrow(/invalid UTF-8 in the bytes from offset \d+/);
  });

  it('UTF-8 labels, a BOM and ±Infinity read as they are', async () => {
    const { values } = await read('utf8.csv', '\ufeffcity,n\nété,1\nètè,-Infinity\n');
    expect(values.city).toEqual(['été', 'ètè']);
    expect(values.n).toEqual([1, -Infinity]);
  });
});
