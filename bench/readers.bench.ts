/**
 * Parquet readers on the real file: flights-3m.parquet (vega-datasets; 3 000 000 rows, 5 columns,
 * ZSTD) read whole, a row group or chunk at a time, into what the drift job needs: float64 columns
 * (NaN for missing, timestamps as epoch ms) and label codes with a dictionary.
 *   mlwatch   openTable (parquet-wasm, the reader the batch job uses)
 *   hyparquet parquetRead per row group (+ hyparquet-compressors for ZSTD), pure JavaScript
 * Three runs each, alternated; the ratio is against the mlwatch reader.
 * Run: npm run bench -- readers
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { fileURLToPath } from 'node:url';
import { openTable } from '../src/batch/readers/open-table.js';
import { median } from './lib/measure.js';

const FILE = fileURLToPath(new URL('../node_modules/vega-datasets/data/flights-3m.parquet', import.meta.url));
const NUMBERS = ['date', 'delay', 'distance'];
const LABELS = ['origin', 'destination'];

/** JS values (number, bigint, Date, null) as float64 with NaN for missing. */
function toFloat64(values: ArrayLike<unknown>, scale = 1): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v === null || v === undefined ? NaN : Number(v) * scale;
  }
  return out;
}

/** Labels as codes in order of first appearance (the dictionary maps each label to its code). */
function toCodes(values: ArrayLike<unknown>, dictionary: Map<string, number>): Int32Array {
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null || values[i] === undefined) {
      codes[i] = -1;
      continue;
    }
    const label = String(values[i]);
    let code = dictionary.get(label);
    if (code === undefined) dictionary.set(label, (code = dictionary.size));
    codes[i] = code;
  }
  return codes;
}

async function mlwatchRows(): Promise<number> {
  let rows = 0;
  for await (const chunk of (await openTable(FILE)).chunks([...NUMBERS, ...LABELS])) rows += chunk.rows;
  return rows;
}

async function hyparquetRows(): Promise<number> {
  const file = await asyncBufferFromFile(FILE);
  const metadata = await parquetMetadataAsync(file);
  const dictionaries = LABELS.map(() => new Map<string, number>());
  let rows = 0;
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const columns: Record<string, ArrayLike<unknown>> = {};
    await parquetRead({ file, metadata, compressors, rowStart, rowEnd, onChunk: ({ columnName, columnData }) => void (columns[columnName] = columnData) });
    for (const name of NUMBERS) toFloat64(columns[name]); // Date objects for timestamps become epoch ms
    LABELS.forEach((name, k) => toCodes(columns[name], dictionaries[k]));
    rows += rowEnd - rowStart;
    rowStart = rowEnd;
  }
  return rows;
}

export async function benchReaders(): Promise<void> {
  const candidates: [string, () => Promise<number>][] = [
    ['mlwatch openTable (parquet-wasm)', mlwatchRows],
    ['hyparquet', hyparquetRows],
  ];
  const times = new Map<string, number[]>(candidates.map(([name]) => [name, []]));
  for (let run = 0; run < 3; run++) {
    for (const [name, read] of candidates) {
      const started = performance.now();
      const rows = await read();
      times.get(name)!.push(performance.now() - started);
      if (rows !== 3_000_000) throw new Error(`${name} read ${rows} rows, not 3 000 000`);
    }
  }
  const ours = Math.min(...times.get(candidates[0][0])!);
  console.log('\nParquet readers: flights-3m.parquet whole (3 000 000 rows x 5 columns) to float64 columns and label codes');
  console.log(`${'reader'.padEnd(34)} ${'best ms'.padStart(9)} ${'median ms'.padStart(10)} ${'rows/s'.padStart(9)}  mlwatch's speed vs it`);
  for (const [name] of candidates) {
    const t = times.get(name)!;
    const best = Math.min(...t);
    console.log(`${name.padEnd(34)} ${best.toFixed(0).padStart(9)} ${median(t).toFixed(0).padStart(10)} ${`${(3 / (best / 1000)).toFixed(2)} M`.padStart(9)}  ${(best / ours).toFixed(2)}x`);
  }
}
