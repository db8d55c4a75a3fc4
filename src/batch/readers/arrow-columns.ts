/**
 * Arrow columns (apache-arrow Data) as chunk columns: numbers of every width, timestamps and
 * dates as epoch milliseconds, booleans as 0/1, strings and dictionaries as codes with a
 * dictionary. Shared by the Arrow IPC and Parquet readers (the Parquet reader decodes to Arrow).
 */
import { DataType, Precision, TimeUnit, type Data, type Field, type RecordBatch } from 'apache-arrow';
import { rejectDuplicateNames, type ChunkColumn, type SourceColumn, type SourceColumnType } from '../table-source.js';
import { LabelDictionary } from '../label-dictionary.js';

/** Whether a field can be read, and as what; undefined for types the drift suite cannot compare. */
function arrowColumnType(field: Field): SourceColumnType | undefined {
  const t = field.type;
  if (DataType.isInt(t) || (DataType.isFloat(t) && t.precision !== Precision.HALF) || DataType.isTimestamp(t) || DataType.isDate(t) || DataType.isBool(t)) return 'number';
  if (DataType.isUtf8(t) || DataType.isLargeUtf8(t)) return 'label';
  if (DataType.isDictionary(t) && (DataType.isUtf8(t.dictionary) || DataType.isLargeUtf8(t.dictionary))) return 'label';
  return undefined;
}

/** The validity bits of a column chunk, or null when every value is valid. */
function validityOf(data: Data): Uint8Array | null {
  return data.nullCount > 0 && data.nullBitmap ? data.nullBitmap : null;
}

function isSet(bits: Uint8Array, bit: number): boolean {
  return (bits[bit >> 3] & (1 << (bit & 7))) !== 0;
}

/** Milliseconds per unit of a timestamp. */
function timestampScale(unit: TimeUnit): number {
  return unit === TimeUnit.SECOND ? 1000 : unit === TimeUnit.MILLISECOND ? 1 : unit === TimeUnit.MICROSECOND ? 1e-3 : 1e-6;
}

function numbersOf(data: Data): Float64Array {
  const t = data.type;
  const n = data.length;
  // float64 without nulls: the batch's own buffer, no copy (readers of a chunk never write to it)
  if (data.values instanceof Float64Array && !validityOf(data)) return data.values.subarray(data.offset, data.offset + n);
  const out = new Float64Array(n);
  if (DataType.isBool(t)) {
    const bits = data.values as Uint8Array;
    for (let i = 0; i < n; i++) {
      const bit = data.offset + i;
      out[i] = (bits[bit >> 3] >> (bit & 7)) & 1;
    }
  } else if (data.values instanceof BigInt64Array || data.values instanceof BigUint64Array) {
    // Int64, Uint64, timestamps, Date64, read as two 32-bit halves: hi * 2^32 and lo are exact
    // doubles, so their sum is rounded once, exactly as Number(bigint) rounds, without BigInts.
    const words = data.values;
    const halves = new Int32Array(words.buffer, words.byteOffset, words.length * 2);
    const signed = words instanceof BigInt64Array;
    const scale = DataType.isTimestamp(t) ? timestampScale(t.unit) : 1;
    for (let i = 0, k = 2 * data.offset; i < n; i++, k += 2) {
      const hi = signed ? halves[k + 1] : halves[k + 1] >>> 0;
      out[i] = (hi * 4294967296 + (halves[k] >>> 0)) * scale;
    }
  } else {
    const values = data.values as ArrayLike<number>;
    const scale = DataType.isDate(t) ? 86_400_000 : 1; // Date32 counts days
    for (let i = 0; i < n; i++) out[i] = values[data.offset + i] * scale;
  }
  const valid = validityOf(data);
  if (valid) for (let i = 0; i < n; i++) if (!isSet(valid, data.offset + i)) out[i] = NaN;
  return out;
}

function labelsOf(data: Data): ChunkColumn {
  const n = data.length;
  const codes = new Int32Array(n);
  const valid = validityOf(data);
  if (DataType.isDictionary(data.type)) {
    const dictionary: string[] = [];
    const dict = data.dictionary!;
    for (let i = 0; i < dict.length; i++) dictionary.push(String(dict.get(i) ?? ''));
    const keys = data.values as ArrayLike<number>;
    for (let i = 0; i < n; i++) codes[i] = valid && !isSet(valid, data.offset + i) ? -1 : Number(keys[data.offset + i]);
    return { type: 'label', codes, dictionary };
  }
  // Plain strings: a label of up to 6 bytes is coded by a number built from its bytes, so it is
  // decoded once per chunk rather than once per row (categories are mostly short); longer
  // labels are decoded and coded through the dictionary's map.
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  const starts = offsets instanceof BigInt64Array ? new Int32Array(offsets.buffer, offsets.byteOffset, offsets.length * 2) : offsets;
  const stride = offsets instanceof BigInt64Array ? 2 : 1;
  const bytes = data.values as Uint8Array;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dictionary = new LabelDictionary();
  const short = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const at = data.offset + i;
    if (valid && !isSet(valid, at)) {
      codes[i] = -1;
      continue;
    }
    const s = starts[at * stride];
    const e = starts[(at + 1) * stride];
    if (e - s <= 6) {
      let key = e - s;
      for (let j = s; j < e; j++) key = key * 256 + bytes[j];
      let code = short.get(key);
      if (code === undefined) short.set(key, (code = dictionary.code(text.toString('utf8', s, e))));
      codes[i] = code;
    } else codes[i] = dictionary.code(text.toString('utf8', s, e));
  }
  return { type: 'label', codes, dictionary: dictionary.labels };
}

/** One Arrow column chunk as a chunk column of the given type. */
function chunkColumnOf(data: Data, type: SourceColumnType): ChunkColumn {
  return type === 'number' ? { type: 'number', values: numbersOf(data) } : labelsOf(data);
}

/** Several chunk columns of one type as one. */
function concatParts(parts: ChunkColumn[]): ChunkColumn {
  if (parts[0].type === 'number') {
    const values = new Float64Array(parts.reduce((n, p) => n + (p as { values: Float64Array }).values.length, 0));
    let at = 0;
    for (const p of parts as { values: Float64Array }[]) {
      values.set(p.values, at);
      at += p.values.length;
    }
    return { type: 'number', values };
  }
  const dictionary = new LabelDictionary();
  const codes = new Int32Array(parts.reduce((n, p) => n + (p as { codes: Int32Array }).codes.length, 0));
  let at = 0;
  for (const p of parts as { codes: Int32Array; dictionary: readonly string[] }[]) {
    const remap = p.dictionary.map((label) => dictionary.code(label));
    for (let i = 0; i < p.codes.length; i++) codes[at + i] = p.codes[i] < 0 ? -1 : remap[p.codes[i]];
    at += p.codes.length;
  }
  return { type: 'label', codes, dictionary: dictionary.labels };
}

/** The named columns of a record batch as chunk columns (a column split into several Data by its writer is joined). */
export function chunkColumnsOf(batch: RecordBatch, columns: readonly SourceColumn[]): Record<string, ChunkColumn> {
  const out: Record<string, ChunkColumn> = Object.create(null);
  for (const column of columns) {
    const index = batch.schema.fields.findIndex((f) => f.name === column.name);
    const parts = batch.getChildAt(index)!.data.map((d) => chunkColumnOf(d, column.type));
    out[column.name] = parts.length === 1 ? parts[0] : concatParts(parts);
  }
  return out;
}

/** The columns of an Arrow schema that can be read, with their types (others are left out); duplicate names rejected. */
export function sourceColumnsOf(fields: readonly Field[], path: string): SourceColumn[] {
  rejectDuplicateNames(path, fields.map((f) => f.name));
  const columns: SourceColumn[] = [];
  for (const field of fields) {
    const type = arrowColumnType(field);
    const time = DataType.isTimestamp(field.type) || DataType.isDate(field.type);
    if (type) columns.push(time ? { name: field.name, type, time } : { name: field.name, type });
  }
  return columns;
}
