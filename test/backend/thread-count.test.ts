/**
 * The native pool's size: MLWATCH_THREADS when set, else the cores the process may use, which a
 * CPU affinity mask bounds (taskset here; a container's cpuset or CPU quota alike), not every CPU
 * of the host. Each case loads the addon in a fresh process, since the pool is sized once.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNative } from '../../src/backend/native.js';

const ROOT = join(__dirname, '..', '..');
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const script = `import { loadNative } from './src/backend/native.ts'; console.log(loadNative().addon.info().threads);`;

/** The pool size a fresh process reports, started through `prefix` (e.g. taskset) with `threads` as MLWATCH_THREADS. */
function threadsIn(prefix: string[], threads?: string): number {
  const env = { ...process.env };
  delete env.MLWATCH_THREADS;
  if (threads !== undefined) env.MLWATCH_THREADS = threads;
  const [command, ...args] = [...prefix, process.execPath, '--import', 'tsx', '--input-type=module', '-e', script];
  const child = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', env });
  expect(child.status, child.stderr).toBe(0);
  return Number(child.stdout.trim());
}

describe.skipIf(!loadNative().addon)('native thread pool size', () => {
  it('is at most the CPUs of the host by default, and MLWATCH_THREADS when set', () => {
    const threads = threadsIn([]);
    expect(threads).toBeGreaterThanOrEqual(1);
    expect(threads).toBeLessThanOrEqual(Math.min(cpus().length, 256));
    expect(threadsIn([], '3')).toBe(3);
  });

  it.skipIf(!hasTaskset)('follows the CPU affinity mask (taskset -c 0: one thread), unless MLWATCH_THREADS says otherwise', () => {
    expect(threadsIn(['taskset', '-c', '0'])).toBe(1);
    expect(threadsIn(['taskset', '-c', '0'], '2')).toBe(2);
  });
});
