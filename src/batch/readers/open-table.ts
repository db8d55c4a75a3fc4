/**
 * Opens a table file by its extension: .csv, .arrow / .feather /
 * .ipc / .arrows (Arrow IPC), .parquet / .pq.
 */
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { InputFileError, type TableSource } from '../table-source.js';
import { openArrow } from './arrow-source.js';
import { openCsv } from './csv-source.js';
import { openParquet } from './parquet-source.js';

/** The extensions each reader takes. */
export const TABLE_EXTENSIONS = { csv: ['.csv'], arrow: ['.arrow', '.arrows', '.feather', '.ipc'], parquet: ['.parquet', '.pq'] } as const;

/**
 * Opens `path` with the reader its extension names.
 *
 * @throws InputFileError when the file is missing, of an unknown kind, or unreadable
 */
export async function openTable(path: string): Promise<TableSource> {
  if (!existsSync(path)) throw new InputFileError(path, undefined, undefined, 'no such file');
  const ext = extname(path).toLowerCase();
  if ((TABLE_EXTENSIONS.csv as readonly string[]).includes(ext)) return openCsv(path);
  if ((TABLE_EXTENSIONS.arrow as readonly string[]).includes(ext)) return openArrow(path);
  if ((TABLE_EXTENSIONS.parquet as readonly string[]).includes(ext)) return openParquet(path);
  const known = Object.values(TABLE_EXTENSIONS).flat().join(', ');
  throw new InputFileError(path, undefined, undefined, `unknown file type ${JSON.stringify(ext)} (expected ${known})`);
}
