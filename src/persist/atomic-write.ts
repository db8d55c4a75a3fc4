/**
 * writeFileAtomic: the bytes go to a temporary file beside the target, which is fsynced and
 * renamed over it, then the directory is fsynced. A crash at any moment leaves either the old
 * file or the new one, never a torn file; a failed write (the target a directory, a full disk)
 * removes its temporary file. Temporary files are named `.<target>.<pid>.<n>.tmp`, so that
 * isStaleTemporary can tell a dead process's leftovers from another process's write in flight.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;
const TEMPORARY = /^\..+\.(\d+)\.\d+\.tmp$/;

/** True for a temporary file of writeFileAtomic whose writing process is gone. */
export function isStaleTemporary(name: string): boolean {
  const m = TEMPORARY.exec(name);
  if (!m) return false;
  const pid = Number(m[1]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0); // no signal: only asks whether the process exists
    return false;
  } catch (e) {
    return (e as { code?: string }).code === 'ESRCH';
  }
}

/** Writes bytes to path atomically and durably. */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // no file yet: the usual case
  }
  if (isDirectory) throw Object.assign(new Error(`EISDIR: cannot write a file at ${path}: it is a directory`), { code: 'EISDIR' });
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
