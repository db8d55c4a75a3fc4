/**
 * FileStateStore: keeps snapshots as files in a directory, written atomically: the bytes go to
 * a temporary file, which is fsynced and then renamed over the old file, and the directory is
 * fsynced. A crash at any moment leaves either the previous or the new state, never a torn file.
 * Leftover temporary files of processes that are gone are removed on construction; those of a
 * live process (another store on the same directory, writing now) are left alone.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { rangeError, typeError } from '../errors.js';
import { isStaleTemporary, writeFileAtomic } from './atomic-write.js';

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export class FileStateStore {
  readonly dir: string;
  constructor(dir: string) {
    if (typeof dir !== 'string' || dir.length === 0) throw typeError('a directory path', 'dir', dir);
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir)) if (isStaleTemporary(name)) rmSync(join(dir, name), { force: true });
  }

  /** Writes bytes under key, atomically and durably. */
  save(key: string, bytes: Uint8Array): void {
    const path = this.pathOf(key);
    if (!(bytes instanceof Uint8Array)) throw typeError('a Uint8Array', 'bytes', bytes);
    writeFileAtomic(path, bytes);
  }

  /** The bytes saved under key, or undefined when there are none. */
  load(key: string): Uint8Array | undefined {
    const path = this.pathOf(key);
    if (!existsSync(path)) return undefined;
    const buffer = readFileSync(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  /** Keys with saved state. */
  keys(): string[] {
    return readdirSync(this.dir)
      .filter((name) => name.endsWith('.state'))
      .map((name) => name.slice(0, -'.state'.length));
  }

  private pathOf(key: string): string {
    if (typeof key !== 'string') throw typeError('a string key', 'key', key);
    if (!KEY.test(key)) throw rangeError('a key of letters, digits, ".", "_" and "-" (at most 200, not starting with "." or "-")', 'key', JSON.stringify(key));
    return join(this.dir, `${key}.state`);
  }
}
