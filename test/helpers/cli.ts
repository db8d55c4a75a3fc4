/** Runs the mlwatch command from source (through tsx) and returns its exit code and output. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function mlwatch(args: readonly string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 26,
  });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}
