/**
 * ModelServer over real HTTP on loopback: the Open Inference Protocol against a golden exchange
 * computed with NumPy, every kind of bad input answered with a 4xx naming it, batching by rows,
 * the limits (429, 504, 413, 415), outcomes into the monitor, reload under load with no failed
 * request, and a graceful close that answers every request in flight.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { DenseModel, type DenseLayer } from '../../src/inference/dense-model.js';
import { ModelServer, type ModelServerOptions } from '../../src/serving/model-server.js';
import { DriftDetector } from '../../src/drift/drift-detector.js';
import { SeededRandom } from '../../src/demo/random.js';

const golden = JSON.parse(readFileSync(new URL('../fixtures/serving/infer-golden.json', import.meta.url), 'utf8'));

function goldenModel(scale = 1): DenseModel {
  const layers: DenseLayer[] = golden.model.layers.map((l: { inputSize: number; outputSize: number; weights: number[]; bias: number[]; activation: DenseLayer['activation'] }) => ({
    inputSize: l.inputSize,
    outputSize: l.outputSize,
    weights: Float32Array.from(l.weights, (w) => w * scale),
    bias: Float32Array.from(l.bias),
    activation: l.activation,
  }));
  return new DenseModel(layers);
}

const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: ModelServerOptions = {}, model = goldenModel()): Promise<{ server: ModelServer; url: string }> {
  const server = new ModelServer({ port: 0, ...options });
  server.serve('golden', model);
  servers.push(server);
  const { url } = await server.listen();
  return { server, url };
}

async function post(url: string, body: unknown, contentType = 'application/json'): Promise<{ status: number; json: Record<string, unknown>; headers: Record<string, unknown> }> {
  const r = await request(url, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': contentType } });
  const text = await r.body.text();
  return { status: r.statusCode, json: JSON.parse(text), headers: r.headers };
}

async function get(url: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await request(url);
  return { status: r.statusCode, json: (await r.body.json()) as Record<string, unknown> };
}

function oneRow(k: number, id?: string) {
  return { ...(id ? { id } : {}), inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [k, -k, k / 2, 1] }] };
}

describe('ModelServer: the Open Inference Protocol', () => {
  it('answers the golden request as NumPy computed it, with the protocol metadata and health routes', async () => {
    const { url } = await start();
    const r = await post(`${url}/v2/models/golden/infer`, golden.request);
    expect(r.status).toBe(200);
    const { outputs, ...rest } = r.json as { outputs: { data: number[] }[] };
    const { outputs: want, ...wantRest } = golden.response;
    expect(rest).toEqual(wantRest);
    expect({ ...outputs[0], data: undefined }).toEqual({ ...want[0], data: undefined });
    outputs[0].data.forEach((v: number, i: number) => expect(Math.abs(v - want[0].data[i])).toBeLessThanOrEqual(1e-6));
    expect((await post(`${url}/v2/models/golden/versions/1/infer`, golden.request)).status).toBe(200);
    expect((await get(`${url}/v2/models/golden`)).json).toEqual(golden.metadata);
    expect((await get(`${url}/v2/models/golden/versions/1`)).json).toEqual(golden.metadata);
    expect(await get(`${url}/v2/health/live`)).toEqual({ status: 200, json: { live: true } });
    expect(await get(`${url}/v2/health/ready`)).toEqual({ status: 200, json: { ready: true } });
    expect(await get(`${url}/v2/models/golden/ready`)).toEqual({ status: 200, json: { name: 'golden', ready: true } });
    expect((await get(`${url}/v2`)).json).toMatchObject({ name: 'mlwatch' });
  });

  it.each([
    ['malformed JSON', '{"inputs": [', /not valid JSON/],
    ['an empty body', '', /body is empty/],
    ['an array body', [], /JSON object with "inputs"/],
    ['no inputs', { id: 'x' }, /inputs: expected an array with one tensor/],
    ['two inputs', { inputs: [{}, {}] }, /inputs: expected an array with one tensor/],
    ['a wrong input name', { inputs: [{ name: 'x', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, /inputs\[0\]\.name: expected "input"/],
    ['a wrong datatype', { inputs: [{ name: 'input', shape: [1, 4], datatype: 'BYTES', data: [1, 2, 3, 4] }] }, /datatype: expected one of FP32, FP64, INT32/],
    ['a shape that does not match the data', { inputs: [{ name: 'input', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] }, /shape says 8 values but data holds 4/],
    ['a shape that does not match the model', { inputs: [{ name: 'input', shape: [1, 5], datatype: 'FP32', data: [1, 2, 3, 4, 5] }] }, /model takes 4 features per row but the shape says 5/],
    ['a negative shape', { inputs: [{ name: 'input', shape: [-1, 4], datatype: 'FP32', data: [] }] }, /shape\[0\]: expected a non-negative integer/],
    ['an overflowing shape', { inputs: [{ name: 'input', shape: [1e300, 4], datatype: 'FP32', data: [] }] }, /shape\[0\]: expected a non-negative integer/],
    ['zero rows', { inputs: [{ name: 'input', shape: [0, 4], datatype: 'FP32', data: [] }] }, /at least 1 row/],
    ['a string in the data', { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, '2', 3, 4] }] }, /data\[1\]: expected a number but received the string "2"/],
    ['a fraction as INT32', { inputs: [{ name: 'input', shape: [1, 4], datatype: 'INT32', data: [1, 2.5, 3, 4] }] }, /data\[1\]: expected an INT32/],
    ['an FP32 overflow', { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 1e39, 3, 4] }] }, /overflows FP32/],
    ['data nested too deep', { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [[[1, 2, 3, 4]]] }] }, /nested deeper/],
    ['an unknown output', { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }], outputs: [{ name: 'probs' }] }, /outputs\[0\]\.name: expected "output"/],
    ['a numeric id', { id: 7, inputs: [] }, /id: expected a string/],
  ])('answers %s with 400 naming what was wrong, and serves the next request', async (_what, body, message) => {
    const { url } = await start();
    const r = await post(`${url}/v2/models/golden/infer`, body);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatch(message);
    expect((await post(`${url}/v2/models/golden/infer`, golden.request)).status).toBe(200);
  });

  it('answers 404 for an unknown model, version or route, 415 for another content type, 413 past maxBodyBytes', async () => {
    const { url } = await start({ maxBodyBytes: 1024 });
    const unknown = await post(`${url}/v2/models/nope/infer`, golden.request);
    expect([unknown.status, unknown.json.error]).toEqual([404, 'model "nope" is not served here; served: "golden"']);
    const version = await post(`${url}/v2/models/golden/versions/9/infer`, golden.request);
    expect(version.status).toBe(404);
    expect(version.json.error).toMatch(/not served at version "9"/);
    expect((await get(`${url}/v2/elsewhere`)).status).toBe(404);
    const text = await post(`${url}/v2/models/golden/infer`, 'hello', 'text/plain');
    expect([text.status, text.json.error]).toEqual([415, 'expected Content-Type: application/json but received "text/plain"']);
    const big = await post(`${url}/v2/models/golden/infer`, { inputs: [{ name: 'input', shape: [100, 4], datatype: 'FP32', data: new Array(400).fill(1.2345678) }] });
    expect([big.status, big.json.error]).toEqual([413, "the body is larger than this server's limit of 1024 bytes (maxBodyBytes)"]);
    expect((await post(`${url}/v2/models/golden/infer`, golden.request)).status).toBe(200);
  });

  it('reads the tensors of large bodies (flat or nested) to the same answers, and names a bad element in them', async () => {
    const features = 32;
    const random = new SeededRandom(5);
    const wide = new DenseModel([{ inputSize: features, outputSize: 3, weights: Float32Array.from({ length: features * 3 }, () => random.normal()), bias: new Float32Array(3), activation: 'softmax' }]);
    const server = new ModelServer({ port: 0 });
    server.serve('wide', wide);
    servers.push(server);
    const { url } = await server.listen();
    const rows = 200;
    const data = Array.from({ length: rows * features }, () => random.normal());
    const want = wide.predict({ data: Float32Array.from(data), rows, cols: features }).data;
    const nested = Array.from({ length: rows }, (_, r) => data.slice(r * features, (r + 1) * features));
    for (const body of [data, nested]) {
      const r = await post(`${url}/v2/models/wide/infer`, { inputs: [{ name: 'input', shape: [rows, features], datatype: 'FP32', data: body }] });
      expect(r.status).toBe(200);
      const got = (r.json.outputs as { data: number[] }[])[0].data;
      expect(got.length).toBe(rows * 3);
      got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-6));
    }
    const bad = (datatype: string, at: number, value: string) => {
      const tokens = data.map((x) => String(Math.round(x)));
      tokens[at] = value;
      return `{"inputs": [{"name": "input", "shape": [${rows}, ${features}], "datatype": "${datatype}", "data": [${tokens.join(',')}]}]}`;
    };
    const int32 = await post(`${url}/v2/models/wide/infer`, bad('INT32', 77, '1.5'));
    expect([int32.status, int32.json.error]).toEqual([400, 'input "input".data[77]: expected an INT32 but received 1.5']);
    const fp32 = await post(`${url}/v2/models/wide/infer`, bad('FP32', 5, '1e39'));
    expect([fp32.status, fp32.json.error]).toEqual([400, 'input "input".data[5]: 1e+39 overflows FP32']);
    const cut = JSON.stringify({ inputs: [{ name: 'input', shape: [rows, features], datatype: 'FP32', data }] });
    for (const broken of [cut.slice(0, cut.length - 3), cut.replace('[', '{'), cut.replace(',', ',,')]) {
      const r = await post(`${url}/v2/models/wide/infer`, broken);
      expect(r.status).toBe(400);
    }
    expect((await post(`${url}/v2/models/wide/infer`, { inputs: [{ name: 'input', shape: [rows, features], datatype: 'FP32', data }] })).status).toBe(200);
  });

  it('coalesces concurrent requests into batches counted in rows, each answer its own rows', async () => {
    const { server, url } = await start({ maxBatchRows: 64, maxQueueDelayMs: 20 });
    const model = goldenModel();
    const answers = await Promise.all(Array.from({ length: 200 }, (_, k) => post(`${url}/v2/models/golden/infer`, oneRow(k))));
    answers.forEach((r, k) => {
      expect(r.status).toBe(200);
      const want = model.predict({ data: Float32Array.from(oneRow(k).inputs[0].data), rows: 1, cols: 4 }).data;
      const got = (r.json.outputs as { data: number[] }[])[0].data;
      got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-6));
    });
    const metrics = server.metricsText();
    const batches = Number(/mlwatch_server_batch_rows_count (\d+)/.exec(metrics)![1]);
    expect(Number(/mlwatch_server_batch_rows_sum (\d+)/.exec(metrics)![1])).toBe(200);
    expect(batches).toBeLessThan(200); // several rows per model call
    expect(metrics).toMatch(/mlwatch_server_requests_total\{route="\/v2\/models\/:name\/infer",status="200"\} 200/);
    expect(metrics).toMatch(/mlwatch_latency_ms_count\{model="golden"\} 200/);
  });

  it('refuses past maxQueueRows with 429 and Retry-After, and answers 504 at timeoutMs, counted as errors', async () => {
    // A batch waits up to 60 s for rows: nothing runs, so the queue fills and its requests time out.
    const { server, url } = await start({ maxBatchRows: 1000, maxQueueDelayMs: 60_000, maxQueueRows: 5, timeoutMs: 300, retryAfterSeconds: 2 });
    const queued = Array.from({ length: 5 }, (_, k) => post(`${url}/v2/models/golden/infer`, oneRow(k)));
    await new Promise((r) => setTimeout(r, 100));
    const refused = await post(`${url}/v2/models/golden/infer`, oneRow(9));
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.json.error).toMatch(/5 rows are queued for this model \(maxQueueRows 5\)/);
    const late = await Promise.all(queued);
    expect(late.map((r) => r.status)).toEqual([504, 504, 504, 504, 504]);
    expect(late[0].json.error).toMatch(/within 300 ms/);
    expect(server.monitor('golden')!.stats.errors).toBe(5);
    expect(server.metricsText()).toMatch(/mlwatch_server_timeouts_total\{model="golden"\} 5/);
  });

  it('scores labels that arrive later against the predictions of requests with an id', async () => {
    const { server, url } = await start();
    const model = goldenModel();
    const predicted = model.classify({ data: Float32Array.from(oneRow(3).inputs[0].data), rows: 1, cols: 4 }).labels[0];
    expect((await post(`${url}/v2/models/golden/infer`, oneRow(3, 'req-3'))).status).toBe(200);
    const scored = await post(`${url}/v2/models/golden/outcomes`, { outcomes: [{ id: 'req-3', labels: [predicted] }, { id: 'never-sent', labels: [0] }] });
    expect(scored.json).toEqual({ model_name: 'golden', matched: 1, accuracies: { 'req-3': 1 }, unmatched: ['never-sent'] });
    expect(server.monitor('golden')!.meanAccuracy()).toBe(1);
    const bad = await post(`${url}/v2/models/golden/outcomes`, { outcomes: [{ id: 'x', labels: [-1] }] });
    expect([bad.status, bad.json.error]).toEqual([400, 'outcomes[0].labels: expected an array of class indices (integers >= 0), one per row']);
  });

  it('reloads the model under load with no failed request; new requests get the new version', async () => {
    const { server, url } = await start({ maxQueueDelayMs: 1 });
    let stop = false;
    const statuses: number[] = [];
    const load = Promise.all(
      Array.from({ length: 8 }, async (_, c) => {
        for (let k = 0; !stop; k++) statuses.push((await post(`${url}/v2/models/golden/infer`, oneRow(c * 1000 + k))).status);
      }),
    );
    await new Promise((r) => setTimeout(r, 200));
    await server.reload('golden', goldenModel(2), { version: '2' });
    await new Promise((r) => setTimeout(r, 200));
    stop = true;
    await load;
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const after = await post(`${url}/v2/models/golden/infer`, oneRow(5));
    expect(after.json.model_version).toBe('2');
    const want = goldenModel(2).predict({ data: Float32Array.from(oneRow(5).inputs[0].data), rows: 1, cols: 4 }).data;
    (after.json.outputs as { data: number[] }[])[0].data.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(1e-6));
    expect((await post(`${url}/v2/models/golden/versions/1/infer`, oneRow(5))).status).toBe(404);
  });

  it('closes gracefully: every request in flight is answered, then the port is closed', async () => {
    const { server, url } = await start({ maxBatchRows: 1000, maxQueueDelayMs: 1000 });
    const inFlight = Array.from({ length: 20 }, (_, k) => post(`${url}/v2/models/golden/infer`, oneRow(k)));
    // Close once all 20 have reached the server (they wait there for the batch), however slow the machine.
    while (!server.metricsText().includes('mlwatch_server_in_flight 20\n')) await new Promise((r) => setTimeout(r, 5));
    await server.close();
    expect((await Promise.all(inFlight)).map((r) => r.status)).toEqual(new Array(20).fill(200));
    await expect(request(`${url}/v2/health/live`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('samples inputs for drift against the reference; a critical drift alert makes it not ready (readyUnlessCritical)', async () => {
    const rng = new SeededRandom(5);
    const reference = { data: Float64Array.from({ length: 2000 * 4 }, () => rng.normal()), rows: 2000, cols: 4 };
    const server = new ModelServer({ port: 0, readyUnlessCritical: true });
    servers.push(server);
    server.serve('golden', goldenModel(), { drift: { detector: new DriftDetector(reference), share: 0.5, windowRows: 1000, intervalMs: 3_600_000, minRows: 50 } });
    server.monitor('golden')!.configureAlerts({ drift_score: { threshold: 2, severity: 'critical' } });
    const { url } = await server.listen();
    const rows = (shift: number) => ({ inputs: [{ name: 'input', shape: [50, 4], datatype: 'FP32', data: Array.from({ length: 200 }, () => rng.normal() + shift) }] });
    await post(`${url}/v2/models/golden/infer`, rows(0));
    expect(server.checkDrift()).toEqual({ golden: null }); // 25 rows sampled: fewer than minRows
    await post(`${url}/v2/models/golden/infer`, rows(0));
    expect(server.checkDrift().golden).toBeLessThan(1);
    expect((await get(`${url}/v2/health/ready`)).status).toBe(200);
    for (let k = 0; k < 20; k++) await post(`${url}/v2/models/golden/infer`, rows(3)); // the window turns over to shifted rows
    expect(server.checkDrift().golden).toBeGreaterThan(2);
    expect(await get(`${url}/v2/health/ready`)).toEqual({ status: 503, json: { ready: false } });
    expect(server.metricsText()).toContain('mlwatch_alert_firing{model="golden",alert="drift_score",severity="critical"} 1');
    expect(server.metricsText()).toMatch(/mlwatch_drift_score\{model="golden"\} [2-9]\./);
  });

  it('refuses requests past maxConcurrentRequests with 429', async () => {
    const { url } = await start({ maxConcurrentRequests: 2, maxBatchRows: 1000, maxQueueDelayMs: 60_000, timeoutMs: 300 });
    const answers = await Promise.all(Array.from({ length: 5 }, (_, k) => post(`${url}/v2/models/golden/infer`, oneRow(k))));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([429, 429, 429, 504, 504]);
    expect(answers.find((r) => r.status === 429)!.json.error).toMatch(/2 requests are being answered \(maxConcurrentRequests 2\)/);
  });

  it('checks its options', () => {
    expect(() => new ModelServer({ maxBatchRows: 0 })).toThrow(/options.maxBatchRows/);
    expect(() => new ModelServer({ port: 70_000 })).toThrow(/options.port/);
    const server = new ModelServer();
    expect(() => server.serve('bad name', goldenModel())).toThrow(/a model name of letters/);
  });
});
