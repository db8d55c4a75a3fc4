/**
 * Opens a table file by its extension: .csv, .arrow / .feather /
 * .ipc / .arrows (Arrow IPC), .parquet / .pq.
 */
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { InputFileError, type TableSource } from '../table-source.js';
import { openArrow } from './arrow-source.js';
import { openCsv } from './csv-source.js';
import { openParquet } from './parquet-source.js';

/** The path each source opened here was opened from (a worker thread opens it again by path). */
const opened = new WeakMap<TableSource, string>();

/** The path `source` was opened from by openTable; undefined for a source of the caller's making. */
export function openedPath(source: TableSource): string | undefined {
  return opened.get(source);
}

/** The extensions each reader takes. */
export const TABLE_EXTENSIONS = { csv: ['.csv'], arrow: ['.arrow', '.arrows', '.feather', '.ipc'], parquet: ['.parquet', '.pq'] } as const;

const READERS: [readonly string[], string, (path: string) => Promise<TableSource>][] = [
  [TABLE_EXTENSIONS.csv, 'CSV', openCsv],
  [TABLE_EXTENSIONS.arrow, 'Arrow IPC', openArrow],
  [TABLE_EXTENSIONS.parquet, 'Parquet', openParquet],
];

/**
 * Opens `path` with the reader its extension names. Only regular, non-empty files reach a reader
 * (a directory once made the Parquet decoder panic), and whatever a reader throws while opening
 * becomes an InputFileError naming the file.
 *
 * @throws InputFileError when the file is missing, not a regular file, empty, of an unknown kind, or unreadable
 */
export async function openTable(path: string): Promise<TableSource> {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new InputFileError(path, undefined, undefined, stat.isDirectory() ? 'a directory, not a file' : 'not a regular file');
    size = stat.size;
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    const code = (error as { code?: string }).code;
    throw new InputFileError(path, undefined, undefined, code === 'ENOENT' ? 'no such file' : (error as Error).message);
  }
  const ext = extname(path).toLowerCase();
  const reader = READERS.find(([extensions]) => extensions.includes(ext));
  if (!reader) {
    const known = Object.values(TABLE_EXTENSIONS).flat().join(', ');
    throw new InputFileError(path, undefined, undefined, `unknown file type ${JSON.stringify(ext)} (expected ${known})`);
  }
  const [, kind, open] = reader;
  if (size === 0) throw new InputFileError(path, undefined, undefined, `an empty file (expected ${kind})`);
  try {
    const source = await open(path);
    opened.set(source, path);
    return source;
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw new InputFileError(path, undefined, undefined, `cannot be read as ${kind}: ${(error as Error).message ?? String(error)}`);
  }
}
