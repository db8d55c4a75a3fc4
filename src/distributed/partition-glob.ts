/**
 * expandPartitions: the files of `mlwatch drift --partitions 'data/*.parquet'`. Node 20 has no
 * fs.glob (it arrived in Node 22), and a dependency for one pattern is not worth it, so this is a
 * minimal, documented expansion: `*` and `?` in the file name only (the directory part is taken
 * literally), matched against one directory listing, sorted by name so partition numbers are
 * stable from run to run. A pattern without wildcards names one file.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputFileError } from '../errors.js';

/** A RegExp for a file-name pattern: `*` any run of characters, `?` one character, the rest literal. */
function namePattern(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/**
 * The regular files `pattern` names, sorted by name (wildcards `*` and `?` in the file name only).
 *
 * @throws InputFileError when the directory is missing, the pattern has wildcards in its directory
 *   part, or nothing matches
 */
export function expandPartitions(pattern: string): string[] {
  const dir = dirname(pattern);
  const name = basename(pattern);
  if (/[*?]/.test(dir)) throw new InputFileError(pattern, undefined, undefined, 'wildcards are expanded in the file name only (the directory must be literal)');
  if (!/[*?]/.test(name)) return [pattern];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (error) {
    throw new InputFileError(dir, undefined, undefined, `cannot list the partitions' directory: ${(error as Error).message}`);
  }
  const re = namePattern(name);
  const files = entries.filter((e) => re.test(e) && !e.startsWith('.')).sort().map((e) => join(dir, e)).filter((p) => statSync(p).isFile());
  if (files.length === 0) throw new InputFileError(pattern, undefined, undefined, 'no file matches this pattern');
  return files;
}
