/**
 * `mlwatch serve` as a process against a SQLite registry: serves fraud@staging, follows the alias
 * to a new version while serving, and on SIGTERM answers every request in flight and exits 0.
 * The process is stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { ModelRegistry } from '../../src/registry/model-registry.js';
import { SIGNATURE, smallModel } from '../helpers/registry-fixtures.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mlwatch-serve-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) process.kill(c.pid!, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const body = JSON.stringify({ inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [0.5, 1, -1] }] });
const infer = async (url: string) => {
  const r = await request(`${url}/v2/models/fraud/infer`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: r.statusCode, json: (await r.body.json()) as { model_version: string; outputs: { data: number[] }[] } };
};

describe('mlwatch serve', () => {
  it('serves a registry alias, follows it to a new version, and closes gracefully on SIGTERM', async () => {
    const db = `sqlite:${join(dir, 'registry.db')}`;
    const artifacts = join(dir, 'artifacts');
    const registry = await ModelRegistry.open({ db, artifacts, actor: 'ci' });
    await registry.register('fraud', { model: smallModel(1), signature: SIGNATURE });
    await registry.setAlias('fraud', 'staging', 1, { expectedVersion: null });

    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--db', db, '--artifacts', artifacts, '--model', 'fraud@staging', '--port', '0', '--follow-ms', '100', '--max-queue-delay-ms', '200'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const lines = createInterface({ input: child.stdout! });
    const [first] = (await once(lines, 'line')) as [string];
    const url = /listening on (http:\/\/\S+)/.exec(first)![1];

    const v1 = await infer(url);
    expect(v1.status).toBe(200);
    expect(v1.json.model_version).toBe('1');
    const want1 = smallModel(1).predict({ data: Float32Array.of(0.5, 1, -1), rows: 1, cols: 3 }).data;
    v1.json.outputs[0].data.forEach((v, i) => expect(Math.abs(v - want1[i])).toBeLessThanOrEqual(1e-6));

    await registry.register('fraud', { model: smallModel(2), signature: SIGNATURE });
    await registry.setAlias('fraud', 'staging', 2, { expectedVersion: 1 });
    let version = '1';
    for (let waited = 0; version !== '2' && waited < 20_000; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
      version = (await infer(url)).json.model_version;
    }
    expect(version).toBe('2');

    // requests queued for 200 ms when SIGTERM arrives: every one answered, then exit 0
    const inFlight = Array.from({ length: 10 }, () => infer(url));
    await new Promise((r) => setTimeout(r, 50));
    process.kill(child.pid!, 'SIGTERM');
    expect((await Promise.all(inFlight)).map((r) => r.status)).toEqual(new Array(10).fill(200));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
    await registry.close();
  }, 60_000);

  it('says what is missing', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--artifacts', dir, '--model', 'fraud@x'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MLWATCH_REGISTRY: '' } });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(2);
    expect(stderr).toMatch(/serve: --db sqlite:FILE or postgres:\/\/\.\.\. is needed/);
  }, 30_000);
});
