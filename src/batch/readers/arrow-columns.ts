/**
 * Arrow columns (apache-arrow Data) as chunk columns: numbers of every width, timestamps and
 * dates as epoch milliseconds, booleans as 0/1, strings and dictionaries as codes with a
 * dictionary. Shared by the Arrow IPC and Parquet readers (the Parquet reader decodes to Arrow).
 */
import { DataType, Precision, TimeUnit, type Data, type Field } from 'apache-arrow';
import type { ChunkColumn, SourceColumnType } from '../table-source.js';

/** Whether a field can be read, and as what; undefined for types the drift suite cannot compare. */
export function arrowColumnType(field: Field): SourceColumnType | undefined {
  const t = field.type;
  if (DataType.isInt(t) || (DataType.isFloat(t) && t.precision !== Precision.HALF) || DataType.isTimestamp(t) || DataType.isDate(t) || DataType.isBool(t)) return 'number';
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t)) return 'label';
  if (DataType.isDictionary(t) && (DataType.isUtf8(t.dictionary) || DataType.isLargeUtf8(t.dictionary))) return 'label';
  return undefined;
}

function isValid(data: Data, i: number): boolean {
  if (data.nullCount === 0 || !data.nullBitmap) return true;
  const bit = data.offset + i;
  return (data.nullBitmap[bit >> 3] & (1 << (bit & 7))) !== 0;
}

/** Milliseconds per unit of a timestamp. */
function timestampScale(unit: TimeUnit): number {
  return unit === TimeUnit.SECOND ? 1000 : unit === TimeUnit.MILLISECOND ? 1 : unit === TimeUnit.MICROSECOND ? 1e-3 : 1e-6;
}

function numbersOf(data: Data): Float64Array {
  const t = data.type;
  const n = data.length;
  const out = new Float64Array(n);
  if (DataType.isBool(t)) {
    const bits = data.values as Uint8Array;
    for (let i = 0; i < n; i++) {
      const bit = data.offset + i;
      out[i] = (bits[bit >> 3] >> (bit & 7)) & 1;
    }
  } else if (data.values instanceof BigInt64Array || data.values instanceof BigUint64Array) {
    // Int64, Uint64, timestamps, Date64: exact below 2^53, rounded to the nearest double above
    const words = data.values;
    const scale = DataType.isTimestamp(t) ? timestampScale(t.unit) : 1;
    for (let i = 0; i < n; i++) out[i] = Number(words[data.offset + i]) * scale;
  } else {
    const values = data.values as ArrayLike<number>;
    const scale = DataType.isDate(t) ? 86_400_000 : 1; // Date32 counts days
    for (let i = 0; i < n; i++) out[i] = values[data.offset + i] * scale;
  }
  if (data.nullCount > 0) for (let i = 0; i < n; i++) if (!isValid(data, i)) out[i] = NaN;
  return out;
}

function labelsOf(data: Data): ChunkColumn {
  const n = data.length;
  const codes = new Int32Array(n);
  if (DataType.isDictionary(data.type)) {
    const dictionary: string[] = [];
    const dict = data.dictionary!;
    for (let i = 0; i < dict.length; i++) dictionary.push(String(dict.get(i) ?? ''));
    const keys = data.values as ArrayLike<number>;
    for (let i = 0; i < n; i++) codes[i] = isValid(data, i) ? Number(keys[data.offset + i]) : -1;
    return { type: 'label', codes, dictionary };
  }
  // plain strings: decode each value once from the offsets, and code it through a map
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  const decoder = new TextDecoder();
  const index = new Map<string, number>();
  const dictionary: string[] = [];
  for (let i = 0; i < n; i++) {
    if (!isValid(data, i)) {
      codes[i] = -1;
      continue;
    }
    const at = data.offset + i;
    const s = decoder.decode(bytes.subarray(Number(offsets[at]), Number(offsets[at + 1])));
    let code = index.get(s);
    if (code === undefined) {
      code = dictionary.length;
      dictionary.push(s);
      index.set(s, code);
    }
    codes[i] = code;
  }
  return { type: 'label', codes, dictionary };
}

/** One Arrow column chunk as a chunk column of the given type. */
export function chunkColumnOf(data: Data, type: SourceColumnType): ChunkColumn {
  return type === 'number' ? { type: 'number', values: numbersOf(data) } : labelsOf(data);
}
