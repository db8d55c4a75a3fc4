/**
 * Parquet files (parquet-wasm: the Rust arrow-rs reader compiled to WebAssembly). Row groups are
 * decoded one at a time, only the requested columns, straight to Arrow and from there to chunk
 * columns by the same code as Arrow files; the file is read by byte ranges, never whole, so
 * memory holds one row group's columns. Chosen over hyparquet (pure JS, 2.8x slower on
 * flights-3m) and DuckDB (slightly faster, but a 68 MB native binary); see docs/cli.md.
 */
import { openAsBlob, statSync } from 'node:fs';
import { tableFromIPC, type Schema } from 'apache-arrow';
import type { ParquetFile } from 'parquet-wasm';

// The WebAssembly module is instantiated when the first Parquet file is read, not when mlwatch is
// imported (it reserves address space: importing mlwatch failed under an 8 GiB address-space limit).
let parquet: Promise<typeof import('parquet-wasm')> | undefined;
const parquetWasm = () => (parquet ??= import('parquet-wasm'));
import { InputFileError, requireColumns, type SourceColumn, type TableChunk, type TableSource } from '../table-source.js';
import { chunkColumnsOf, sourceColumnsOf } from './arrow-columns.js';
import type { Backend } from '../../backend/contract.js';
import { getBackend } from '../../backend/registry.js';

/** Rows per decoded batch inside a row group (row groups are usually larger; one batch is one chunk). */
const BATCH_ROWS = 1 << 20;

class ParquetSource implements TableSource {
  readonly format = 'parquet';

  constructor(
    readonly path: string,
    readonly columns: readonly SourceColumn[],
    readonly byteSize: number,
    readonly rowCount: number,
    private readonly rowGroups: number,
  ) {}

  async *chunks(wanted: readonly string[], _asLabels?: ReadonlySet<string>, backend: Backend = getBackend()): AsyncIterable<TableChunk> {
    const picks = requireColumns(this, wanted);
    const { ParquetFile } = await parquetWasm();
    const file = await ParquetFile.fromFile(await openAsBlob(this.path));
    let firstRow = 0;
    try {
      for (let group = 0; group < this.rowGroups; group++) {
        let table;
        try {
          const decoded = await file.read({ rowGroups: [group], batchSize: BATCH_ROWS, columns: [...wanted] });
          table = tableFromIPC(decoded.intoIPCStream()); // intoIPCStream frees the WebAssembly table
        } catch (error) {
          throw new InputFileError(this.path, firstRow + 1, undefined, `row group ${group} cannot be decoded: ${(error as Error).message ?? error}`);
        }
        for (const batch of table.batches) {
          let columns;
          try {
            columns = chunkColumnsOf(batch, picks, backend);
          } catch (error) {
            throw new InputFileError(this.path, firstRow + 1, undefined, `row group ${group} holds malformed Arrow data: ${(error as Error).message ?? error}`);
          }
          firstRow += batch.numRows;
          yield { firstRow: firstRow - batch.numRows, rows: batch.numRows, columns, bytesRead: Math.round((this.byteSize * (group + 1)) / this.rowGroups) };
        }
      }
    } finally {
      file.free();
    }
  }
}

/** Opens a Parquet file and reads its footer: schema, row count, row groups. */
export async function openParquet(path: string): Promise<TableSource> {
  const byteSize = statSync(path).size;
  let file: ParquetFile;
  try {
    const { ParquetFile } = await parquetWasm();
    file = await ParquetFile.fromFile(await openAsBlob(path));
  } catch (error) {
    throw new InputFileError(path, undefined, undefined, `not a Parquet file: ${(error as Error).message ?? error}`);
  }
  try {
    const schema: Schema = tableFromIPC(file.schema().intoIPCStream()).schema;
    const metadata = file.metadata();
    const columns = sourceColumnsOf(schema.fields, path);
    return new ParquetSource(path, columns, byteSize, metadata.fileMetadata().numRows(), metadata.numRowGroups());
  } finally {
    file.free();
  }
}
