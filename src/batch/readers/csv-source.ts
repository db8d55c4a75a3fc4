/**
 * CSV tables: a header row, then records; quoted fields, a byte-order mark and CRLF line ends.
 * A column is read as numbers when every non-missing field of its first rows is a number, else
 * as labels. Missing values: an empty field, NA, N/A, NaN, nan, null, NULL, None. Numbers are
 * decimal (and ±Infinity): 0x1F, 0b101 and 0o17 are not numbers. A later field that is not a
 * number in a numeric column is an InputFileError naming the file, row and column. The file must be UTF-8: invalid bytes are an
 * InputFileError naming their offset (decoding them to U+FFFD would merge distinct labels).
 * The header and the first rows, which type the columns, are read by csv-parse (streaming); the
 * rows by the backend's csvColumns kernel (csv-chunks.ts), by the same rules.
 */
import { createReadStream, statSync } from 'node:fs';
import { Transform } from 'node:stream';
import { parse, type Parser } from 'csv-parse';
import type { Backend } from '../../backend/contract.js';
import { MISSING_FIELDS as MISSING, numberOfField as numberOf } from '../../backend/js/csv-columns.js';
import { getBackend } from '../../backend/registry.js';
import { InputFileError, rejectDuplicateNames, requireColumns, type SourceColumn, type TableChunk, type TableSource } from '../table-source.js';
import { csvLayout, type CsvLayout } from './csv-layout.js';
import { csvChunks } from './csv-chunks.js';

/** Data rows looked at to decide each column's type. */
const SNIFF_ROWS = 1000;

/** Decodes UTF-8 strictly on its way to the parser: an invalid byte sequence is an error naming its offset. */
function strictUtf8(path: string): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  const fail = () => new InputFileError(path, undefined, undefined, `invalid UTF-8 in the bytes from offset ${offset} (the file must be UTF-8)`);
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _encoding, done) {
      try {
        const text = decoder.decode(chunk, { stream: true });
        offset += chunk.length;
        done(null, text);
      } catch {
        done(fail());
      }
    },
    flush(done) {
      try {
        done(null, decoder.decode());
      } catch {
        done(fail());
      }
    },
  });
}

/** csv-parse over the file's first `toLine` lines (the header and the rows that type the columns). */
function parserFor(path: string, toLine: number): { parser: Parser; close: () => void } {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  const utf8 = strictUtf8(path);
  const parser = parse({ bom: true, skip_empty_lines: true, to_line: toLine });
  stream.on('error', (e) => parser.destroy(e));
  utf8.on('error', (e) => parser.destroy(e));
  stream.pipe(utf8).pipe(parser);
  return {
    parser,
    close: () => {
      stream.destroy();
      utf8.destroy();
    },
  };
}

function wrapParseError(path: string, error: unknown): Error {
  if (error instanceof InputFileError) return error;
  const e = error as { message?: string; lines?: number; code?: string };
  return new InputFileError(path, e.lines !== undefined ? e.lines - 1 : undefined, undefined, e.message ?? String(error));
}

class CsvSource implements TableSource {
  readonly format = 'csv';
  readonly rowCount = undefined;

  constructor(
    readonly path: string,
    readonly columns: readonly SourceColumn[],
    readonly byteSize: number,
    private readonly layout: CsvLayout,
    private readonly readBytes: number | undefined,
  ) {}

  async *chunks(wanted: readonly string[], asLabels: ReadonlySet<string> = new Set(), backend?: Backend): AsyncIterable<TableChunk> {
    const columns = requireColumns(this, wanted).map((column) => ({ name: column.name, type: column.guessed && asLabels.has(column.name) ? ('label' as const) : column.type }));
    const header = this.columns.map((c) => c.name);
    yield* csvChunks({ path: this.path, layout: this.layout, header, wanted: columns, backend: backend ?? getBackend(), readBytes: this.readBytes, sniffRows: SNIFF_ROWS });
  }
}

/** Options of openCsv. */
export interface CsvOptions {
  /** Bytes the reader reads at a time (default 4 MiB); tests make it small to cut fields across reads. */
  readBytes?: number;
}

/**
 * Opens a CSV file: reads its header and first rows to type the columns. A column without any
 * value there (a header-only file, say) is numbers by guess, read as labels when asked.
 */
export async function openCsv(path: string, options: CsvOptions = {}): Promise<TableSource> {
  const byteSize = statSync(path).size;
  const { parser, close } = parserFor(path, SNIFF_ROWS + 1);
  let header: string[] | undefined;
  let numeric: boolean[] = [];
  let hasValues: boolean[] = [];
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = record.map((h) => h.trim());
        numeric = header.map(() => true);
        hasValues = header.map(() => false);
        continue;
      }
      record.forEach((field, k) => {
        if (!MISSING.has(field)) hasValues[k] = true;
        if (numeric[k] && numberOf(field) === undefined) numeric[k] = false;
      });
    }
  } catch (error) {
    throw wrapParseError(path, error);
  } finally {
    close();
  }
  if (!header) throw new InputFileError(path, undefined, undefined, 'empty file: expected a header row');
  rejectDuplicateNames(path, header);
  const columns = header.map((name, k): SourceColumn => (hasValues[k] ? { name, type: numeric[k] ? 'number' : 'label' } : { name, type: 'number', guessed: true }));
  return new CsvSource(path, columns, byteSize, await csvLayout(path), options.readBytes);
}
