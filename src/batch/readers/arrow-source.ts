/**
 * Apache Arrow IPC files and streams (apache-arrow): record batches are read one at a time from
 * a file stream, so memory holds one batch; numeric columns come straight from the batch's
 * buffers. Columns of types the drift suite cannot compare (lists, structs, binary, float16)
 * are left out of the schema.
 */
import { createReadStream, statSync } from 'node:fs';
import { Transform } from 'node:stream';
import { RecordBatchReader } from 'apache-arrow';
import { InputFileError, requireColumns, type SourceColumn, type TableChunk, type TableSource } from '../table-source.js';
import { chunkColumnsOf, sourceColumnsOf } from './arrow-columns.js';
import type { Backend } from '../../backend/contract.js';
import { getBackend } from '../../backend/registry.js';

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

  async *chunks(wanted: readonly string[], _asLabels?: ReadonlySet<string>, backend: Backend = getBackend()): AsyncIterable<TableChunk> {
    const { reader, input } = await openReader(this.path);
    try {
      const picks = requireColumns(this, wanted);
      let firstRow = 0;
      for await (const batch of reader) {
        const columns = chunkColumnsOf(batch, picks, backend);
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

/** Opens an Arrow IPC file (or stream) and reads its schema. */
export async function openArrow(path: string): Promise<TableSource> {
  const byteSize = statSync(path).size;
  const { reader, input } = await openReader(path);
  input.close();
  const columns = sourceColumnsOf(reader.schema.fields, path);
  return new ArrowSource(path, columns, byteSize);
}
