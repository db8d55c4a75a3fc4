/**
 * Apache Arrow IPC files and streams (apache-arrow): record batches are read one at a time from
 * a file stream, so memory holds one batch; numeric columns come straight from the batch's
 * buffers. Columns of types the drift suite cannot compare (lists, structs, binary, float16)
 * are left out of the schema.
 */
import { createReadStream, statSync } from 'node:fs';
import { Transform } from 'node:stream';
import { RecordBatchReader } from 'apache-arrow';
import { InputFileError, rejectDuplicateNames, type ChunkColumn, type SourceColumn, type TableChunk, type TableSource } from '../table-source.js';
import { arrowColumnType, chunkColumnOf } from './arrow-columns.js';

/** A file stream that counts the bytes passing through, for progress. */
function countingStream(path: string): { stream: NodeJS.ReadableStream; bytes: () => number; close: () => void } {
  let bytes = 0;
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  file.on('error', (e) => counter.destroy(e));
  return { stream: file.pipe(counter), bytes: () => bytes, close: () => file.destroy() };
}

async function openReader(path: string) {
  const input = countingStream(path);
  try {
    const reader = await RecordBatchReader.from(input.stream);
    await reader.open();
    return { reader, input };
  } catch (error) {
    input.close();
    throw new InputFileError(path, undefined, undefined, `not an Arrow IPC file or stream: ${(error as Error).message}`);
  }
}

class ArrowSource implements TableSource {
  readonly format = 'arrow';
  readonly rowCount = undefined;

  constructor(
    readonly path: string,
    readonly columns: readonly SourceColumn[],
    readonly byteSize: number,
  ) {}

  async *chunks(wanted: readonly string[]): AsyncIterable<TableChunk> {
    const { reader, input } = await openReader(this.path);
    try {
      const picks = wanted.map((name) => ({ name, index: reader.schema.fields.findIndex((f) => f.name === name), type: this.columns.find((c) => c.name === name)?.type }));
      for (const p of picks) if (p.index < 0 || !p.type) throw new InputFileError(this.path, undefined, p.name, 'no such column');
      let firstRow = 0;
      for await (const batch of reader) {
        const columns: Record<string, ChunkColumn> = {};
        for (const p of picks) {
          const vector = batch.getChildAt(p.index)!;
          // a batch column is one Data; concatenate if a writer split it
          const parts = vector.data.map((d) => chunkColumnOf(d, p.type!));
          columns[p.name] = parts.length === 1 ? parts[0] : concatParts(parts);
        }
        yield { firstRow, rows: batch.numRows, columns, bytesRead: input.bytes() };
        firstRow += batch.numRows;
      }
    } catch (error) {
      if (error instanceof InputFileError) throw error;
      throw new InputFileError(this.path, undefined, undefined, `unreadable Arrow data: ${(error as Error).message}`);
    } finally {
      input.close();
    }
  }
}

/** Several chunk columns of one type as one. */
export function concatParts(parts: ChunkColumn[]): ChunkColumn {
  if (parts[0].type === 'number') {
    const values = new Float64Array(parts.reduce((n, p) => n + (p as { values: Float64Array }).values.length, 0));
    let at = 0;
    for (const p of parts as { values: Float64Array }[]) {
      values.set(p.values, at);
      at += p.values.length;
    }
    return { type: 'number', values };
  }
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  const codes = new Int32Array(parts.reduce((n, p) => n + (p as { codes: Int32Array }).codes.length, 0));
  let at = 0;
  for (const p of parts as { codes: Int32Array; dictionary: readonly string[] }[]) {
    const remap = p.dictionary.map((s) => {
      let code = index.get(s);
      if (code === undefined) {
        code = dictionary.length;
        dictionary.push(s);
        index.set(s, code);
      }
      return code;
    });
    for (let i = 0; i < p.codes.length; i++) codes[at + i] = p.codes[i] < 0 ? -1 : remap[p.codes[i]];
    at += p.codes.length;
  }
  return { type: 'label', codes, dictionary };
}

/** Opens an Arrow IPC file (or stream) and reads its schema. */
export async function openArrow(path: string): Promise<TableSource> {
  const byteSize = statSync(path).size;
  const { reader, input } = await openReader(path);
  input.close();
  const columns: SourceColumn[] = [];
  rejectDuplicateNames(path, reader.schema.fields.map((f) => f.name));
  for (const field of reader.schema.fields) {
    const type = arrowColumnType(field);
    if (type) columns.push({ name: field.name, type });
  }
  return new ArrowSource(path, columns, byteSize);
}
