/**
 * Temporary directories for sorted runs, removed when the job ends and also when the process
 * exits early (an interrupted job must not leave gigabytes behind).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { rangeError } from '../errors.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<string>();
let hooked = false;

function removeAll(): void {
  for (const dir of live) rmSync(dir, { recursive: true, force: true });
  live.clear();
}

/** A new directory under `parent` (default the system's temporary directory), removed at exit if still there. */
export function createRunDirectory(parent: string = tmpdir()): string {
  if (!hooked) {
    process.on('exit', removeAll);
    hooked = true;
  }
  let isDirectory = false;
  try {
    isDirectory = statSync(parent).isDirectory();
  } catch {
    // missing: said below
  }
  if (!isDirectory) throw rangeError('an existing directory for sorted runs', 'tmpDir', JSON.stringify(parent));
  const dir = mkdtempSync(join(parent, 'mlwatch-'));
  live.add(dir);
  return dir;
}

/** Removes a directory made by createRunDirectory. */
export function removeRunDirectory(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  live.delete(dir);
}
