/**
 * 10 000 malformed inference bodies against a running ModelServer: byte flips and truncations of
 * a valid body, fields replaced with values of every JSON type, shapes negative, huge or wrong,
 * data nested, mistyped or of the wrong length. No answer may be a 5xx, every 4xx must say what
 * was wrong in `{ "error" }`, and a valid request right after must still succeed. Then 2 000 more
 * from a body of 200 rows, large enough to be read by the tensor path (tensor-json.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pool } from 'undici';
import { DenseModel } from '../../src/inference/dense-model.js';
import { ModelServer } from '../../src/serving/model-server.js';
import { SeededRandom } from '../../src/demo/random.js';
import { TENSOR_MIN_BODY_BYTES } from '../../src/serving/tensor-json.js';

const FEATURES = 6;
const validBody = (rows: number) => ({ id: 'r', inputs: [{ name: 'input', shape: [rows, FEATURES], datatype: 'FP32', data: Array.from({ length: rows * FEATURES }, (_, k) => k / 7) }] });
const small = validBody(2);
const large = validBody(200);
const VALUES: unknown[] = [null, true, 0, -1, 1.5, 1e308, -1e308, 2 ** 53, '', 'FP32', 'x'.repeat(300), [], [[]], [1, 2], {}, { name: 'input' }, [-1, FEATURES], [1e10, FEATURES], [FEATURES], [2, FEATURES, 1]];

function mutate(rng: SeededRandom, valid: typeof small): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.uniform() * xs.length)];
  const text = JSON.stringify(valid);
  switch (Math.floor(rng.uniform() * 6)) {
    case 0: {
      // flip a few bytes
      const chars = text.split('');
      for (let k = 0; k < 1 + Math.floor(rng.uniform() * 4); k++) chars[Math.floor(rng.uniform() * chars.length)] = String.fromCharCode(32 + Math.floor(rng.uniform() * 95));
      return chars.join('');
    }
    case 1:
      return text.slice(0, Math.floor(rng.uniform() * text.length)); // truncated
    case 2: {
      const body = structuredClone(valid) as Record<string, unknown>;
      body[pick(['id', 'inputs', 'outputs', 'parameters'])] = pick(VALUES);
      return JSON.stringify(body);
    }
    case 3: {
      const body = structuredClone(valid);
      (body.inputs[0] as Record<string, unknown>)[pick(['name', 'shape', 'datatype', 'data'])] = pick(VALUES);
      return JSON.stringify(body);
    }
    case 4: {
      const body = structuredClone(valid);
      const data = body.inputs[0].data as unknown[];
      data[Math.floor(rng.uniform() * data.length)] = pick(VALUES);
      if (rng.uniform() < 0.3) data.length = Math.floor(rng.uniform() * data.length);
      body.inputs[0].datatype = pick(['FP32', 'FP64', 'INT32', 'BOOL']);
      return JSON.stringify(body);
    }
    default:
      return JSON.stringify(pick(VALUES));
  }
}

describe('ModelServer under malformed bodies', () => {
  let server: ModelServer;
  let pool: Pool;
  beforeAll(async () => {
    const model = new DenseModel([{ inputSize: FEATURES, outputSize: 2, weights: new Float32Array(2 * FEATURES).fill(0.25), bias: new Float32Array(2), activation: 'softmax' }]);
    server = new ModelServer({ port: 0, maxBodyBytes: 64 * 1024 });
    server.serve('fuzz', model);
    const { url } = await server.listen();
    pool = new Pool(url, { connections: 16 });
  });
  afterAll(async () => {
    await pool.close();
    await server.close();
  });

  async function fuzz(valid: typeof small, count: number, seed: number): Promise<void> {
    const rng = new SeededRandom(seed);
    const bodies = Array.from({ length: count }, () => mutate(rng, valid));
    const statuses = new Map<number, number>();
    const unexplained: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++];
          const r = await pool.request({ path: '/v2/models/fuzz/infer', method: 'POST', body, headers: { 'content-type': 'application/json' } });
          const answer = (await r.body.json()) as { error?: unknown };
          statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
          if (r.statusCode >= 400 && (typeof answer.error !== 'string' || answer.error.length < 10)) unexplained.push(`${r.statusCode} for ${body.slice(0, 80)}`);
        }
      }),
    );
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(count);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(count / 2); // most mutations are caught, not served
    expect(unexplained).toEqual([]);
    const ok = await pool.request({ path: '/v2/models/fuzz/infer', method: 'POST', body: JSON.stringify(valid), headers: { 'content-type': 'application/json' } });
    expect(ok.statusCode).toBe(200);
    expect(((await ok.body.json()) as { outputs: { data: number[] }[] }).outputs[0].data).toHaveLength(2 * valid.inputs[0].shape[0]);
  }

  it('answers 10 000 of them without a 5xx, each 4xx saying why, and still serves a valid request', async () => {
    await fuzz(small, 10_000, 20261126);
  }, 120_000);

  it('does the same for 2 000 mutations of a body large enough for the tensor path', async () => {
    expect(JSON.stringify(large).length).toBeGreaterThan(TENSOR_MIN_BODY_BYTES);
    await fuzz(large, 2_000, 20261127);
  }, 120_000);
});
