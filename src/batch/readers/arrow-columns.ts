/**
 * Arrow columns (apache-arrow Data) as chunk columns: numbers of every width, timestamps and
 * dates as epoch milliseconds, booleans as 0/1, strings and dictionaries as codes with a
 * dictionary. Shared by the Arrow IPC and Parquet readers (the Parquet reader decodes to Arrow).
 */
import { DataType, Precision, TimeUnit, type Data, type Field, type RecordBatch } from 'apache-arrow';
import { rejectDuplicateNames, type ChunkColumn, type SourceColumn, type SourceColumnType } from '../table-source.js';
import type { ArrowValueArray, Backend } from '../../backend/contract.js';

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

/** A timestamp unit to milliseconds, as arrowNumbers scales: seconds times 1000, micro- and nanoseconds divided (a negative scale). */
function timestampScale(unit: TimeUnit): number {
  return unit === TimeUnit.SECOND ? 1000 : unit === TimeUnit.MILLISECOND ? 1 : unit === TimeUnit.MICROSECOND ? -1000 : -1_000_000;
}

/** Writes a numeric column chunk's values as float64 into out[0, data.length) (the backend's arrowNumbers). */
function numbersInto(data: Data, out: Float64Array, backend: Backend): void {
  const t = data.type;
  const values = data.values as ArrowValueArray;
  const wide = values instanceof BigInt64Array || values instanceof BigUint64Array;
  // 64-bit words: Int64, Uint64, timestamps (to milliseconds), Date64 (milliseconds); Date32 counts days
  const scale = wide ? (DataType.isTimestamp(t) ? timestampScale(t.unit) : 1) : DataType.isDate(t) ? 86_400_000 : 1;
  backend.arrowNumbers(values, DataType.isBool(t), data.offset, data.length, validityOf(data), scale, out);
}

/** Codes a label column chunk into codes[0, data.length), its codes from `dictionary.length` on, and appends its labels to `dictionary`. */
function labelsInto(data: Data, codes: Int32Array, dictionary: string[], backend: Backend): void {
  const valid = validityOf(data);
  if (DataType.isDictionary(data.type)) {
    // the column's own dictionary: its keys are the codes, on the backend; its labels decoded once each
    const base = dictionary.length;
    const dict = data.dictionary!;
    for (let i = 0; i < dict.length; i++) dictionary.push(String(dict.get(i) ?? ''));
    backend.arrowKeys(data.values as ArrowValueArray, data.offset, data.length, valid, dict.length, base, codes);
    return;
  }
  // Plain strings: coded by byte sequence on the backend, each distinct label decoded once here
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  const bytes = data.values as Uint8Array;
  const firsts = backend.arrowLabels(offsets, bytes, data.offset, data.length, valid, codes, dictionary.length);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const i of firsts) {
    const at = data.offset + i;
    dictionary.push(text.toString('utf8', Number(offsets[at]), Number(offsets[at + 1])));
  }
}

/**
 * Column memory a reader reuses from chunk to chunk: each chunk's columns are written over the
 * previous chunk's (consumers of a chunk copy what they keep, see table-source.ts). Memory a
 * process touches for the first time costs more than filling it again.
 */
export class ChunkBuffers {
  private readonly numbers = new Map<string, Float64Array>();
  private readonly codes = new Map<string, Int32Array>();

  /** `rows` float64 values for the column `name`, over the previous chunk's. */
  numbersOf(name: string, rows: number): Float64Array {
    let held = this.numbers.get(name);
    if (!held || held.length < rows) this.numbers.set(name, (held = new Float64Array(rows)));
    return held.subarray(0, rows);
  }

  /** `rows` codes for the column `name`, over the previous chunk's. */
  codesOf(name: string, rows: number): Int32Array {
    let held = this.codes.get(name);
    if (!held || held.length < rows) this.codes.set(name, (held = new Int32Array(rows)));
    return held.subarray(0, rows);
  }
}

/**
 * One column (one or more Arrow Data, joined) as a chunk column of the given type. With
 * `buffers` every column is written into them, float64 included, so nothing refers to the
 * Data's memory afterwards; without, a float64 column without nulls is a view of its Data.
 */
function chunkColumnOf(name: string, parts: readonly Data[], type: SourceColumnType, backend: Backend, buffers?: ChunkBuffers): ChunkColumn {
  const rows = parts.reduce((n, d) => n + d.length, 0);
  if (type === 'number') {
    const only = parts.length === 1 ? parts[0] : undefined;
    // float64 without nulls: the batch's own buffer, no copy (readers of a chunk never write to it)
    if (!buffers && only && only.values instanceof Float64Array && !validityOf(only)) return { type: 'number', values: only.values.subarray(only.offset, only.offset + only.length) };
    const values = buffers ? buffers.numbersOf(name, rows) : new Float64Array(rows);
    let at = 0;
    for (const d of parts) {
      numbersInto(d, values.subarray(at, at + d.length), backend);
      at += d.length;
    }
    return { type: 'number', values };
  }
  // labels: each part's codes follow the dictionary so far (a label may repeat across parts: readers key by label)
  const codes = buffers ? buffers.codesOf(name, rows) : new Int32Array(rows);
  const dictionary: string[] = [];
  let at = 0;
  for (const d of parts) {
    labelsInto(d, codes.subarray(at, at + d.length), dictionary, backend);
    at += d.length;
  }
  return { type: 'label', codes, dictionary };
}

/** The named columns of a record batch as chunk columns, through the backend's kernels (a column split into several Data by its writer is joined). */
export function chunkColumnsOf(batch: RecordBatch, columns: readonly SourceColumn[], backend: Backend): Record<string, ChunkColumn> {
  return chunkColumnsOfData((name) => batch.getChildAt(batch.schema.fields.findIndex((f) => f.name === name))!.data, columns, backend);
}

/** The named columns, each given as its Data, as chunk columns written into `buffers` when given (see chunkColumnOf). */
export function chunkColumnsOfData(dataOf: (name: string) => readonly Data[], columns: readonly SourceColumn[], backend: Backend, buffers?: ChunkBuffers): Record<string, ChunkColumn> {
  const out: Record<string, ChunkColumn> = Object.create(null);
  for (const column of columns) out[column.name] = chunkColumnOf(column.name, dataOf(column.name), column.type, backend, buffers);
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
