/**
 * The package as users get it: `import … from 'mlwatch'` resolves (by self-reference) to the
 * compiled dist/, and MLWATCH_BACKEND picks the start-up backend.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

function runNode(code: string, env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('the mlwatch package', () => {
  it('has been built (npm run build, run by npm install/ci)', () => {
    expect(existsSync(`${root}dist/index.js`)).toBe(true);
    expect(existsSync(`${root}dist/index.d.ts`)).toBe(true);
  });

  it("is importable as 'mlwatch' and computes on its default backend", () => {
    const out = runNode(
      "import { columnStats, percentiles, backendInfo } from 'mlwatch';" +
        'const s = columnStats({ data: new Float64Array([1, 2, 3, 4]), rows: 2, cols: 2 });' +
        'console.log(JSON.stringify({ mean: Array.from(s.mean), p: Array.from(percentiles([1, 2, 3], [50])), active: backendInfo().active }));',
    );
    const result = JSON.parse(out);
    expect(result.mean).toEqual([2, 3]);
    expect(result.p).toEqual([2]);
    expect(['cpu', 'js']).toContain(result.active);
  });

  it("exposes the TensorFlow.js interop as 'mlwatch/tfjs'", () => {
    const out = runNode("import { toFeatureMatrix, monitorModel, DenseModel } from 'mlwatch/tfjs'; console.log([typeof toFeatureMatrix, typeof monitorModel, typeof DenseModel.fromTfjs].join());");
    expect(out.trim()).toBe('function,function,function');
  });

  it("exposes the engines as 'mlwatch/bullmq' and 'mlwatch/nats', and the core loads neither", () => {
    const out = runNode(
      "import { runDistributedDrift, startDriftWorker } from 'mlwatch/bullmq'; import { publishSketches, SketchAggregator } from 'mlwatch/nats';" +
        'console.log([typeof runDistributedDrift, typeof startDriftWorker, typeof publishSketches, typeof SketchAggregator].join());',
    );
    expect(out.trim()).toBe('function,function,function,function');
    // the engines are optional peers: nothing the core imports statically reaches them
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^;]*? from '([^']+)'/gm)) {
        expect(m[1], `${file} imports ${m[1]}`).not.toMatch(/^(bullmq|ioredis|@nats-io\/)/);
        if (m[1].startsWith('.')) visit(join(dirname(file), m[1]));
      }
    };
    visit(`${root}dist/index.js`);
    expect(seen.size).toBeGreaterThan(50);
    expect([...seen].filter((f) => f.includes('/engines/'))).toEqual([]);
  });

  it('starts on the backend MLWATCH_BACKEND names', () => {
    const out = runNode("import { getBackend } from 'mlwatch'; console.log(getBackend().name);", { MLWATCH_BACKEND: 'js' });
    expect(out.trim()).toBe('js');
  });

  it('refuses an unknown or unavailable MLWATCH_BACKEND with a clear error', () => {
    expect(() => runNode("import { getBackend } from 'mlwatch'; getBackend();", { MLWATCH_BACKEND: 'tpu' })).toThrow(
      /Expected one of js, cpu, cuda for MLWATCH_BACKEND but received "tpu"/,
    );
    expect(() => runNode("import { getBackend } from 'mlwatch'; getBackend();", { MLWATCH_BACKEND: 'cuda' })).toThrow(
      /The 'cuda' backend is not available/,
    );
  });
});
