/**
 * `mlwatch experiment` and `mlwatch serve --experiment` as processes on a SQLite registry: an
 * experiment created from a JSON file, served by a server process that splits traffic by unit
 * and syncs outcomes to the database, shown with the analysis of the synced outcomes, ended
 * and its winner promoted; bad requests exit 2 with one line. The server is stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { DenseModel } from '../../src/inference/dense-model.js';
import { ModelRegistry } from '../../src/registry/model-registry.js';
import { SeededRandom } from '../../src/demo/random.js';
import { mlwatch, ROOT } from '../helpers/cli.js';
import { LINEAGE } from '../helpers/registry-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'mlwatch-experiment-cli-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) process.kill(c.pid!, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A 2 -> 2 softmax model whose class-1 probability at (0, 0) grows with bias. */
const model = (bias: number) => new DenseModel([{ inputSize: 2, outputSize: 2, weights: Float32Array.of(1, 0, 0, 1), bias: Float32Array.of(0, bias), activation: 'softmax' }]);
const SIGNATURE = { inputs: [{ name: 'a', type: 'float32' as const }, { name: 'b', type: 'float32' as const }], outputs: [{ name: 'no', type: 'float32' as const }, { name: 'yes', type: 'float32' as const }] };

describe('mlwatch experiment', () => {
  it('creates, serves with synced outcomes, shows, ends and promotes', async () => {
    const db = `sqlite:${join(dir, 'registry.db')}`;
    const artifacts = join(dir, 'artifacts');
    const registry = await ModelRegistry.open({ db, artifacts, actor: 'setup' });
    await registry.register('scorer', { model: model(0), signature: SIGNATURE, lineage: LINEAGE });
    await registry.register('scorer', { model: model(1.5), signature: SIGNATURE, lineage: LINEAGE });
    await registry.as('reviewer').approve('scorer/1');
    await registry.as('reviewer').approve('scorer/2');
    await registry.setAlias('scorer', 'champion', 1, { expectedVersion: null });
    const configFile = join(dir, 'experiment.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        name: 'bias-up',
        variants: [
          { name: 'control', weight: 1, model: 'scorer/1' },
          { name: 'treatment', weight: 1, model: 'scorer/2' },
        ],
        metric: { name: 'converted', kind: 'proportion' },
        design: { baseline: 0.5, mde: 0.1, sequential: true },
      }),
    );
    const created = mlwatch(['experiment', 'create', '--db', db, '--config', configFile, '--actor', 'dana']);
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(/^experiment bias-up created: control 1 \(scorer\/1\) \/ treatment 1 \(scorer\/2\); \d+ units per variant planned\n$/);
    expect(created.code).toBe(0);

    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--db', db, '--artifacts', artifacts, '--experiment', 'bias-up', '--port', '0', '--sync-ms', '50'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const lines = createInterface({ input: child.stdout! });
    const [first] = (await once(lines, 'line')) as [string];
    expect(first).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(experiment bias-up\)/);
    const url = /listening on (http:\/\/\S+)/.exec(first)![1];
    const rng = new SeededRandom(11);
    const outcomes: { unit: string; success: boolean }[] = [];
    const served = new Map<string, string>();
    for (let i = 0; i < 300; i++) {
      const unit = `user-${i}`;
      const r = await request(`${url}/v2/models/scorer/infer`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-mlwatch-unit': unit }, body: JSON.stringify({ inputs: [{ name: 'input', shape: [1, 2], datatype: 'FP32', data: [0, 0] }] }) });
      expect(r.statusCode).toBe(200);
      served.set(unit, String(r.headers['x-mlwatch-variant']));
      const yes = ((await r.body.json()) as { outputs: { data: number[] }[] }).outputs[0].data[1];
      outcomes.push({ unit, success: rng.uniform() < yes });
    }
    expect(new Set(served.values())).toEqual(new Set(['control', 'treatment']));
    const logged = await request(`${url}/v2/models/scorer/outcomes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outcomes }) });
    expect(await logged.body.json()).toMatchObject({ logged: 300 });
    // SIGTERM: the server syncs its outcomes a last time before it exits
    process.kill(child.pid!, 'SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);

    const shown = mlwatch(['experiment', 'show', 'bias-up', '--db', db, '--format', 'json']);
    expect(shown.code).toBe(0);
    const record = JSON.parse(shown.stdout) as { status: string; createdBy: string; analysis: { variants: { name: string; units: number }[] } };
    expect(record).toMatchObject({ status: 'running', createdBy: 'dana' });
    const counted = Object.fromEntries(record.analysis.variants.map((v) => [v.name, v.units]));
    expect(counted).toEqual({ control: [...served.values()].filter((v) => v === 'control').length, treatment: [...served.values()].filter((v) => v === 'treatment').length });
    expect(mlwatch(['experiment', 'list', '--db', db]).stdout).toMatch(/^bias-up {2}running {2}\(control=scorer\/1 vs treatment=scorer\/2; proportion converted; created .* by dana\)\n$/);

    const ended = mlwatch(['experiment', 'end', 'bias-up', '--db', db, '--promote', '--actor', 'rel']);
    expect(ended.stderr).toBe('');
    expect(ended.stdout).toMatch(/bias-up {2}ended .* by rel: ship/);
    expect(ended.stdout).toMatch(/decision: ship — treatment is significantly higher than control/);
    expect(ended.stdout).toMatch(/promoted treatment: scorer@champion -> 2 \(was 1\)\n$/);
    expect(ended.code).toBe(0);
    expect((await registry.get('scorer@champion')).version).toBe(2);

    // ended: no more ending, and nothing to serve; unknown names and bad files exit 2 with one line
    const again = mlwatch(['experiment', 'end', 'bias-up', '--db', db]);
    expect([again.code, again.stderr]).toEqual([2, expect.stringMatching(/^mlwatch: experiment "bias-up" ended at .*: it takes no more outcomes\n$/)]);
    const serveEnded = mlwatch(['serve', '--db', db, '--artifacts', artifacts, '--experiment', 'bias-up', '--port', '0']);
    expect([serveEnded.code, serveEnded.stderr]).toEqual([2, expect.stringMatching(/^mlwatch: experiment "bias-up" has ended: there is nothing to serve/)]);
    const unknown = mlwatch(['experiment', 'show', 'nosuch', '--db', db]);
    expect([unknown.code, unknown.stderr]).toEqual([2, 'mlwatch: experiment:nosuch: no experiment of that name\n']);
    writeFileSync(join(dir, 'bad.json'), '{"name": "x", "variants": []}');
    const bad = mlwatch(['experiment', 'create', '--db', db, '--config', join(dir, 'bad.json')]);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/^mlwatch: Expected at least two variants/)]);
    const events = (await registry.auditEvents({ resource: 'experiment:bias-up' })).map((e) => `${e.actor} ${(e.details as { operation: string }).operation}`);
    expect(events).toEqual(['dana create', 'rel end']);
    await registry.close();
  }, 120_000);
});
