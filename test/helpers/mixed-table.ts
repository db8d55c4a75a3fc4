/**
 * A mixed table for batch-job tests, generated in memory and written as CSV, Arrow IPC and
 * Parquet, so a job over the files can be compared with DriftDetector on the arrays:
 *   amount   numbers with NaN, ±Infinity and missing fields
 *   level    integers 0..9 (few distinct values: binned as categories)
 *   code     numbers meant as categories (declared categorical)
 *   city     labels with commas, quotes and missing values (Arrow: dictionary-encoded)
 *   empty    numbers, all missing in the current table
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Dictionary, Float64, Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { tableToIPC } from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm';
import { SeededRandom } from '../../src/demo/random.js';

export interface MixedTable {
  amount: Float64Array;
  level: Float64Array;
  code: Float64Array;
  city: (string | null)[];
  empty: Float64Array;
}

const CITIES = ['Paris', 'New York, NY', 'Say "hi"', 'Zürich', 'Łódź', ' padded ', 'x'];

export function mixedTable(rows: number, seed: number, shift: number, emptyColumn: boolean): MixedTable {
  const rng = new SeededRandom(seed);
  const t: MixedTable = { amount: new Float64Array(rows), level: new Float64Array(rows), code: new Float64Array(rows), city: [], empty: new Float64Array(rows) };
  for (let i = 0; i < rows; i++) {
    const u = rng.uniform();
    t.amount[i] = i % 97 === 5 ? NaN : i % 301 === 7 ? (i % 2 ? Infinity : -Infinity) : Math.round(rng.normal(100 + shift * 10, 15) * 100) / 100;
    t.level[i] = Math.min(9, Math.floor(rng.uniform() * (10 + shift * 3)));
    t.code[i] = [101, 202, 303, 404][Math.floor(u * 4)];
    t.city.push(i % 53 === 3 ? null : CITIES[Math.floor(rng.uniform() * (shift > 0 ? 4 : CITIES.length))]);
    t.empty[i] = emptyColumn ? NaN : rng.normal();
  }
  return t;
}

function csvField(v: number | string | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NA' : String(v);
  return /[",\n\r]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Writes the table as CSV (CRLF line ends and a byte-order mark, as spreadsheet exports have). */
export function writeCsv(path: string, t: MixedTable): void {
  const lines = ['amount,level,code,city,empty'];
  for (let i = 0; i < t.amount.length; i++) lines.push([t.amount[i], t.level[i], t.code[i], t.city[i], t.empty[i]].map(csvField).join(','));
  writeFileSync(path, '\ufeff' + lines.join('\r\n') + '\r\n');
}

/** The table as Arrow: NaN stays NaN in amount (a float), the other missing values are nulls. */
export function arrowTable(t: MixedTable): Table {
  const nullable = (x: Float64Array) => Array.from(x, (v) => (Number.isNaN(v) ? null : v));
  return new Table({
    amount: vectorFromArray(Array.from(t.amount), new Float64()),
    level: vectorFromArray(Array.from(t.level), new Int32()),
    code: vectorFromArray(nullable(t.code), new Float64()),
    city: vectorFromArray(t.city, new Dictionary(new Utf8(), new Int32())),
    empty: vectorFromArray(nullable(t.empty), new Float64()),
  });
}

export function writeArrow(path: string, t: MixedTable, batchRows = 1000): void {
  const table = arrowTable(t);
  // several record batches, so the reader's chunking is exercised
  const batches = [];
  for (let at = 0; at < table.numRows; at += batchRows) batches.push(...table.slice(at, at + batchRows).batches);
  writeFileSync(path, tableToIPC(new Table(batches), 'file'));
}

/** Parquet through parquet-wasm's writer (row groups of its default size). */
export function writeParquetFile(path: string, t: MixedTable): void {
  const plain = arrowTable(t);
  writeFileSync(path, writeParquet(WasmTable.fromIPCStream(tableToIPC(plain, 'stream'))));
}

/**
 * The table as a Parquet file whose middle fifth of bytes is scrambled (XOR 0x5a): data pages that
 * parquet-wasm's decoder aborts on (a WebAssembly trap, not an error it returns).
 */
export function writeDamagedParquet(path: string, t: MixedTable): void {
  writeParquetFile(path, t);
  const bytes = readFileSync(path);
  for (let i = Math.floor(bytes.length * 0.3); i < Math.floor(bytes.length * 0.5); i++) bytes[i] ^= 0x5a;
  writeFileSync(path, bytes);
}

/** The table as DriftDetector takes it. */
export function columnTable(t: MixedTable) {
  return { amount: t.amount, level: t.level, code: t.code, city: t.city as string[], empty: t.empty };
}
