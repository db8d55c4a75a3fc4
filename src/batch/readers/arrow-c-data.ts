/**
 * A record batch exported through the Arrow C data interface into a WebAssembly memory (32-bit
 * pointers), read as apache-arrow Data that view that memory: no IPC stream is written and
 * nothing is copied (parquet-wasm's IPC export wrote and copied every decoded byte twice, which
 * was most of the Parquet reader's cost on a cold process). The views are valid until the
 * exporter releases the batch or the memory grows, so callers convert what they need first.
 *
 * Only the types a drift job reads are mapped (numbers, booleans, dates, timestamps, strings and
 * dictionaries of strings); arrow-js-ffi reads the same structs but turns LargeUtf8 offsets into
 * Int32 one BigInt at a time, which cost more than the IPC copy it saves.
 * Layout: https://arrow.apache.org/docs/format/CDataInterface.html
 */
import { Bool, DateDay, DateMillisecond, Dictionary, Float16, Float32, Float64, Int16, Int32, Int64, Int8, LargeUtf8, makeData, Timestamp, TimeUnit, Uint16, Uint32, Uint64, Uint8, Utf8, Vector, type Data, type DataType } from 'apache-arrow';

/** A struct's fields as this reader knows them: a name, a format and, for dictionaries, the values' format. */
interface FieldFormat {
  name: string;
  format: string;
  dictionary: FieldFormat | null;
}

const FIXED: Record<string, () => DataType> = {
  c: () => new Int8(),
  C: () => new Uint8(),
  s: () => new Int16(),
  S: () => new Uint16(),
  i: () => new Int32(),
  I: () => new Uint32(),
  l: () => new Int64(),
  L: () => new Uint64(),
  e: () => new Float16(),
  f: () => new Float32(),
  g: () => new Float64(),
  b: () => new Bool(),
  u: () => new Utf8(),
  U: () => new LargeUtf8(),
  tdD: () => new DateDay(),
  tdm: () => new DateMillisecond(),
};
const TIME_UNITS: Record<string, TimeUnit> = { s: TimeUnit.SECOND, m: TimeUnit.MILLISECOND, u: TimeUnit.MICROSECOND, n: TimeUnit.NANOSECOND };

/** Reads the structs of one memory; every pointer is checked against its size. */
class CDataReader {
  private readonly view: DataView;

  constructor(private readonly memory: ArrayBuffer) {
    this.view = new DataView(memory);
  }

  private pointer(at: number): number {
    this.check(at, 4);
    return this.view.getUint32(at, true);
  }

  private int64(at: number): number {
    this.check(at, 8);
    const value = Number(this.view.getBigInt64(at, true));
    if (!Number.isSafeInteger(value) || value < -1) throw new RangeError(`a C data interface field holds ${value}`);
    return value;
  }

  private check(at: number, bytes: number): void {
    if (at === 0 || at + bytes > this.memory.byteLength) throw new RangeError(`a C data interface pointer (${at}, ${bytes} bytes) lies outside the WebAssembly memory`);
  }

  private cString(at: number): string {
    this.check(at, 1);
    const bytes = new Uint8Array(this.memory, at);
    const end = bytes.indexOf(0);
    if (end < 0) throw new RangeError('a C data interface string has no end');
    return Buffer.from(bytes.buffer, at, end).toString('utf8');
  }

  /** ArrowSchema: format @0, name @4, n_children @24, children @32, dictionary @36. */
  schema(at: number): FieldFormat {
    const format = this.cString(this.pointer(at));
    const namePointer = this.view.getUint32(at + 4, true);
    const name = namePointer ? this.cString(namePointer) : '';
    const dictionaryPointer = this.pointer(at + 36);
    return { name, format, dictionary: dictionaryPointer ? this.schema(dictionaryPointer) : null };
  }

  /** The fields of a struct schema ("+s", a record batch). */
  structFields(at: number): FieldFormat[] {
    const top = this.schema(at);
    if (top.format !== '+s') throw new RangeError(`a record batch is exported as a struct ("+s"), not "${top.format}"`);
    const count = this.int64(at + 24);
    const children = this.pointer(at + 32);
    return Array.from({ length: count }, (_, i) => this.schema(this.pointer(children + 4 * i)));
  }

  /** The child arrays of a struct array (a record batch), with their row count. */
  structChildren(at: number): { rows: number; children: number[] } {
    const rows = this.int64(at);
    const count = this.int64(at + 32);
    const children = count > 0 ? this.pointer(at + 44) : 0;
    return { rows, children: Array.from({ length: count }, (_, i) => this.pointer(children + 4 * i)) };
  }

  /** A view of `count` elements of a buffer, or a copy where the pointer is not aligned for its type. */
  private buffer<T extends ArrayBufferView>(Type: { new (b: ArrayBuffer, at: number, n: number): T; new (n: number): T; BYTES_PER_ELEMENT: number }, at: number, count: number): T {
    if (count === 0) return new Type(0);
    this.check(at, count * Type.BYTES_PER_ELEMENT);
    if (at % Type.BYTES_PER_ELEMENT === 0) return new Type(this.memory, at, count);
    const copy = new Type(count);
    new Uint8Array(copy.buffer).set(new Uint8Array(this.memory, at, count * Type.BYTES_PER_ELEMENT));
    return copy;
  }

  /**
   * ArrowArray: length @0, null_count @8, offset @16, n_buffers @24, buffers @40, dictionary @48;
   * as Data of the field's type (a RangeError for a type this reader does not map).
   */
  array(at: number, field: FieldFormat): Data {
    const length = this.int64(at);
    const nullCount = this.int64(at + 8);
    const offset = this.int64(at + 16);
    const nBuffers = this.int64(at + 24);
    const buffers = nBuffers > 0 ? this.pointer(at + 40) : 0;
    const bufferAt = (i: number) => (i < nBuffers ? this.view.getUint32(buffers + 4 * i, true) : 0);
    const end = offset + length;
    const validityAt = bufferAt(0);
    const nullBitmap = validityAt && nullCount !== 0 ? this.buffer(Uint8Array, validityAt, Math.ceil(end / 8)) : undefined;
    const type = typeOf(field);
    const common = { type, offset, length, nullCount: nullBitmap ? nullCount : 0, nullBitmap };
    if (field.dictionary) {
      const dictionaryAt = this.pointer(at + 48);
      const values = this.array(dictionaryAt, field.dictionary);
      const indices = (type as Dictionary).indices;
      return makeData({ ...common, type: type as Dictionary, data: this.buffer(indices.ArrayType as never, bufferAt(1), end), dictionary: new Vector([values]) } as never);
    }
    if (type instanceof Utf8 || type instanceof LargeUtf8) {
      const large = type instanceof LargeUtf8;
      const valueOffsets = large ? this.buffer(BigInt64Array, bufferAt(1), end + 1) : this.buffer(Int32Array, bufferAt(1), end + 1);
      const bytes = end === 0 ? 0 : Number(valueOffsets[end]);
      return makeData({ ...common, type, valueOffsets, data: bytes > 0 ? this.buffer(Uint8Array, bufferAt(2), bytes) : new Uint8Array(0) } as never);
    }
    if (type instanceof Bool) return makeData({ ...common, type, data: this.buffer(Uint8Array, bufferAt(1), Math.ceil(end / 8)) });
    return makeData({ ...common, type, data: this.buffer(type.ArrayType as never, bufferAt(1), end) } as never);
  }
}

function typeOf(field: FieldFormat): DataType {
  const plain = (format: string): DataType => {
    const fixed = FIXED[format];
    if (fixed) return fixed();
    const unit = /^ts([smun]):(.*)$/.exec(format);
    if (unit) return new Timestamp(TIME_UNITS[unit[1]], unit[2] || null);
    throw new RangeError(`the Arrow format "${format}" cannot be read`);
  };
  if (!field.dictionary) return plain(field.format);
  const indices = plain(field.format);
  if (!(indices instanceof Int8 || indices instanceof Int16 || indices instanceof Int32 || indices instanceof Uint8 || indices instanceof Uint16 || indices instanceof Uint32)) {
    throw new RangeError(`dictionary indices of format "${field.format}" cannot be read`);
  }
  return new Dictionary(plain(field.dictionary.format), indices);
}

/**
 * The columns named in `wanted` of the record batch whose ArrowArray and ArrowSchema structs lie
 * at `arrayAt` and `schemaAt` of `memory`, as Data viewing that memory, and its row count.
 * Throws a RangeError when the structs are malformed or a wanted column is absent.
 */
export function recordBatchColumns(memory: ArrayBuffer, arrayAt: number, schemaAt: number, wanted: readonly string[]): { rows: number; columns: Map<string, Data> } {
  const reader = new CDataReader(memory);
  const fields = reader.structFields(schemaAt);
  const { rows, children } = reader.structChildren(arrayAt);
  if (children.length !== fields.length) throw new RangeError(`a record batch has ${children.length} arrays for ${fields.length} fields`);
  const columns = new Map<string, Data>();
  for (const name of wanted) {
    const index = fields.findIndex((f) => f.name === name);
    if (index < 0) throw new RangeError(`the record batch has no column ${JSON.stringify(name)}`);
    const data = reader.array(children[index], fields[index]);
    if (data.length !== rows) throw new RangeError(`column ${JSON.stringify(name)} has ${data.length} rows of the batch's ${rows}`);
    columns.set(name, data);
  }
  return { rows, columns };
}
