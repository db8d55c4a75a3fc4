/**
 * `mlwatch bench [FAMILY...]`: runs the benchmark suite (bench/run.ts, through tsx) of a source
 * checkout; the peers it measures against are development dependencies, so an installed
 * package says where to find it instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export async function runBench(argv: readonly string[]): Promise<number> {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const script = join(root, 'bench', 'run.ts');
  let tsx: string | undefined;
  try {
    tsx = createRequire(join(root, 'package.json')).resolve('tsx/cli');
  } catch {
    tsx = undefined;
  }
  if (!existsSync(script) || !tsx) {
    process.stderr.write('mlwatch: the benchmark suite runs from a source checkout with its dev dependencies (git clone, npm install, then mlwatch bench)\n');
    return 2;
  }
  const run = spawnSync(process.execPath, [tsx, script, ...argv], { cwd: root, stdio: 'inherit' });
  return run.status ?? 2;
}
