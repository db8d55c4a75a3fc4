/**
 * Parquet files (parquet-wasm: the Rust arrow-rs reader compiled to WebAssembly). Row groups are
 * decoded one at a time, only the requested columns, straight to Arrow in WebAssembly memory;
 * the batches are read there through the Arrow C data interface (arrow-c-data.ts, no IPC copy)
 * and converted to chunk columns by the same code as Arrow files, into buffers reused from chunk
 * to chunk. The file is read by byte ranges, never whole, so memory holds one row group's
 * columns. Chosen over hyparquet (pure JS, 17x slower on flights-3m), DuckDB (slightly faster
 * than this reader once was, but a 68 MB native binary) and nodejs-polars (no faster here once its
 * columns are handed to JavaScript, a 111 MB binary); see docs/cli.md.
 */
import { statSync } from 'node:fs';
import { tableFromIPC, type Data, type Schema } from 'apache-arrow';
import type { ParquetFile } from 'parquet-wasm';

// The WebAssembly module is instantiated when the first Parquet file is read, not when mlwatch is
// imported (it reserves address space: importing mlwatch failed under an 8 GiB address-space limit).
// Once it has aborted in this thread (parquetAbortOf) it is not used again.
let parquet: Promise<typeof import('parquet-wasm')> | undefined;
const parquetWasm = () => {
  if (abortedOn !== undefined) {
    const detail = `parquet-wasm aborted on ${abortedOn} in this thread; read Parquet files on the default worker thread, which is replaced after such a failure`;
    return Promise.reject(new Error(`Parquet files cannot be read in this thread any more: ${detail}`));
  }
  return (parquet ??= import('parquet-wasm'));
};
import { InputFileError, requireColumns, type SourceColumn, type TableChunk, type TableSource } from '../table-source.js';
import { ChunkBuffers, chunkColumnsOfData, sourceColumnsOf } from './arrow-columns.js';
import { recordBatchColumns } from './arrow-c-data.js';
import { FileRanges } from './file-ranges.js';
import type { Backend } from '../../backend/contract.js';
import { getBackend } from '../../backend/registry.js';

/**
 * Rows per decoded batch at most (one batch is one chunk): a row group larger than this is
 * decoded in several. A batch of a smaller group holds the group's rows exactly (the decoder
 * sizes its buffers by the batch size: 93 MB of WebAssembly memory for flights-3m's groups of
 * 272 727 rows at 2^20, 31 MB at their size).
 */
const BATCH_ROWS = 1 << 20;

/** WebAssembly's trap error (the TypeScript lib of this project declares WebAssembly's types only). */
const { RuntimeError } = (globalThis as unknown as { WebAssembly: { RuntimeError: ErrorConstructor } }).WebAssembly;

/** What this thread is decoding now: a file's footer, or a row group from a row. */
interface Decoding {
  path: string;
  row?: number;
  group?: number;
}
const decoding = new Set<Decoding>();
let abortedOn: string | undefined;

/**
 * A damaged page can make parquet-wasm's Rust decoder panic, which in WebAssembly is a trap
 * (`RuntimeError: unreachable`). Raised in a call, the reader catches it; raised inside
 * parquet-wasm's own microtask (decoding a row group), no caller can: it reaches the thread as an
 * uncaught exception and the awaited read never settles. Either way this thread's instance is
 * not to be trusted again. The InputFileError for such a trap names the file and what was being
 * decoded (a trap of any other WebAssembly module at that moment is taken for one too).
 */
function abortError(d: Decoding, error: Error): InputFileError {
  abortedOn ??= d.path;
  const what = d.group === undefined ? 'its footer' : `row group ${d.group}`;
  return new InputFileError(d.path, d.row, undefined, `${what} cannot be decoded, the file may be damaged: parquet-wasm aborted (${error.message})`);
}

/**
 * What to throw for `error`, caught while decoding `d`: abortError for a trap; else an
 * InputFileError for `d`'s file and row saying `detail` and the error's message, or, without a
 * `detail`, the error itself.
 */
function decodeError(d: Decoding, error: unknown, detail?: string): unknown {
  if (error instanceof RuntimeError) return abortError(d, error);
  if (detail === undefined) return error;
  return new InputFileError(d.path, d.row, undefined, `${detail}: ${(error as Error).message ?? error}`);
}

/**
 * The InputFileError for an uncaught `error` that is parquet-wasm aborting while this thread
 * decodes a Parquet file (see abortError); undefined for any other error. For the handlers that
 * see such exceptions: the job worker (job-worker.ts) and the mlwatch command.
 */
export function parquetAbortOf(error: unknown): InputFileError | undefined {
  if (!(error instanceof RuntimeError) || decoding.size === 0) return undefined;
  return abortError([...decoding][0], error);
}

/** Whether parquet-wasm has aborted in this thread: it reads no Parquet file any more. */
export function parquetAborted(): boolean {
  return abortedOn !== undefined;
}

class ParquetSource implements TableSource {
  readonly format = 'parquet';

  constructor(
    readonly path: string,
    readonly columns: readonly SourceColumn[],
    readonly byteSize: number,
    readonly rowCount: number,
    /** Rows of each row group. */
    private readonly groupRows: readonly number[],
    private readonly batchRows: number,
  ) {}

  async *chunks(wanted: readonly string[], _asLabels?: ReadonlySet<string>, backend: Backend = getBackend()): AsyncIterable<TableChunk> {
    const picks = requireColumns(this, wanted);
    const wasm = await parquetWasm();
    const { file, ranges } = await parquetFileAt(this.path, 'cannot be read again as Parquet (did it change?)');
    const buffers = new ChunkBuffers();
    let firstRow = 0;
    try {
      const groups = this.groupRows.length;
      for (let group = 0; group < groups; group++) {
        let stream;
        const read = { path: this.path, row: firstRow + 1, group };
        decoding.add(read);
        try {
          stream = (await file.read({ rowGroups: [group], batchSize: Math.max(1, Math.min(this.groupRows[group], this.batchRows)), columns: [...wanted] })).intoFFI();
        } catch (error) {
          throw decodeError(read, error, `row group ${group} cannot be decoded`);
        } finally {
          decoding.delete(read);
        }
        try {
          for (let i = 0; i < stream.numArrays(); i++) {
            let rows: number;
            let columns;
            try {
              // the batch views WebAssembly memory: it is converted into the reused buffers before
              // anything else can run in WebAssembly (which may grow the memory and move its buffer)
              const arrayAt = stream.arrayAddr(i);
              const schemaAt = stream.schemaAddr();
              const batch = recordBatchColumns(wasm.wasmMemory().buffer, arrayAt, schemaAt, wanted);
              rows = batch.rows;
              columns = chunkColumnsOfData((name) => [batch.columns.get(name) as Data], picks, backend, buffers);
            } catch (error) {
              throw decodeError({ path: this.path, row: firstRow + 1, group }, error, `row group ${group} holds malformed Arrow data`);
            }
            firstRow += rows;
            yield { firstRow: firstRow - rows, rows, columns, bytesRead: Math.round((this.byteSize * (group + 1)) / groups) };
          }
        } finally {
          stream.drop(); // releases the row group's batches in WebAssembly memory
        }
      }
    } finally {
      file.free();
      await ranges.close();
    }
  }
}

/**
 * The Parquet file at `path` with its footer read, and the open file it reads ranges from (the
 * caller closes it); an InputFileError starting with `failure` when it cannot be read.
 */
async function parquetFileAt(path: string, failure: string): Promise<{ file: ParquetFile; ranges: FileRanges }> {
  const { ParquetFile } = await parquetWasm();
  const ranges = await FileRanges.open(path);
  const footer = { path };
  try {
    decoding.add(footer);
    return { file: await ParquetFile.fromFile(ranges as unknown as Blob), ranges }; // it reads only size, slice and arrayBuffer
  } catch (error) {
    await ranges.close();
    throw decodeError(footer, error, failure);
  } finally {
    decoding.delete(footer);
  }
}

/**
 * Opens a Parquet file and reads its footer: schema, row count, row groups. `batchRows` bounds
 * the rows of one chunk (tests make it small to have several chunks per row group).
 */
export async function openParquet(path: string, batchRows = BATCH_ROWS): Promise<TableSource> {
  const byteSize = statSync(path).size;
  const { file, ranges } = await parquetFileAt(path, 'not a Parquet file');
  await ranges.close(); // the footer is read: the file is opened again for the rows
  try {
    const schema: Schema = tableFromIPC(file.schema().intoIPCStream()).schema;
    const metadata = file.metadata();
    const columns = sourceColumnsOf(schema.fields, path);
    const groupRows = Array.from({ length: metadata.numRowGroups() }, (_, g) => metadata.rowGroup(g).numRows());
    return new ParquetSource(path, columns, byteSize, metadata.fileMetadata().numRows(), groupRows, batchRows);
  } catch (error) {
    throw decodeError({ path }, error);
  } finally {
    file.free();
  }
}
