/**
 * An experiment behind the real server on loopback: requests routed by unit id to the variants'
 * models (the x-mlwatch-variant header says which), outcomes posted through the outcomes route,
 * the analysis ships the better model, and the server then serves the winner alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { DenseModel } from '../../src/inference/dense-model.js';
import { Experiment } from '../../src/experiment/experiment.js';
import { ModelServer } from '../../src/serving/model-server.js';
import { SeededRandom } from '../../src/demo/random.js';

/** A 2 -> 2 softmax model that favours class 1 by `bias`. */
const model = (bias: number) => new DenseModel([{ inputSize: 2, outputSize: 2, weights: Float32Array.of(1, 0, 0, 1), bias: Float32Array.of(0, bias), activation: 'softmax' }]);

const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const r = await request(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  return { status: r.statusCode, headers: r.headers, json: (await r.body.json()) as Record<string, unknown> };
}

describe('ModelServer with an experiment', () => {
  it('routes by unit, logs outcomes through the route, ships the better variant and then serves it alone', async () => {
    const experiment = new Experiment({
      name: 'bias-test',
      variants: [
        { name: 'control', weight: 50 },
        { name: 'treatment', weight: 50 },
      ],
      metric: { name: 'converted', kind: 'proportion' },
      design: { baseline: 0.3, mde: 0.1, sequential: true },
    });
    const server = new ModelServer({ port: 0, maxQueueDelayMs: 1 });
    servers.push(server);
    server.serveExperiment('scorer', experiment, { control: model(0), treatment: model(2) });
    const { url } = await server.listen();
    const rng = new SeededRandom(1);
    const seen = new Map<string, number>();
    const outcomes: { unit: string; success: boolean }[] = [];
    for (let i = 0; i < 600; i++) {
      const unit = `user-${i}`;
      const body = { inputs: [{ name: 'input', shape: [1, 2], datatype: 'FP32', data: [0, 0] }], ...(i % 2 ? { parameters: { unit_id: unit } } : {}) };
      const r = await post(`${url}/v2/models/scorer/infer`, body, i % 2 ? {} : { 'x-mlwatch-unit': unit });
      expect(r.status).toBe(200);
      const variant = r.headers['x-mlwatch-variant'] as string;
      expect(variant).toBe(experiment.assign(unit));
      seen.set(variant, (seen.get(variant) ?? 0) + 1);
      // the user converts with the probability the served model gives class 1
      const p1 = (r.json.outputs as { data: number[] }[])[0].data[1];
      outcomes.push({ unit, success: rng.uniform() < p1 });
    }
    expect([...seen.keys()].sort()).toEqual(['control', 'treatment']);
    const logged = await post(`${url}/v2/models/scorer/outcomes`, { outcomes: [...outcomes, { unit: 'never-served', success: true }] });
    expect(logged.json).toMatchObject({ experiment: 'bias-test', logged: 601, outsideExperiment: [] });
    const analysis = experiment.analyze();
    expect(analysis.decision).toBe('ship');
    expect(analysis.winner).toBe('treatment');
    expect(server.metricsText()).toMatch(/mlwatch_latency_ms_count\{model="scorer:treatment"\} \d+/);

    await server.endExperiment('scorer', model(2), { version: 'treatment' });
    const after = await post(`${url}/v2/models/scorer/infer`, { inputs: [{ name: 'input', shape: [1, 2], datatype: 'FP32', data: [0, 0] }] });
    expect(after.status).toBe(200);
    expect(after.json.model_version).toBe('treatment');
    expect(after.headers['x-mlwatch-variant']).toBeUndefined();
  });

  it('starts an experiment in place of the served model and goes back to one model at its end, answering every request', async () => {
    const experiment = new Experiment({ name: 'in-place', variants: [{ name: 'control', weight: 1 }, { name: 'treatment', weight: 1 }], metric: { name: 'm', kind: 'proportion' }, design: { baseline: 0.5, mde: 0.1 } });
    const server = new ModelServer({ port: 0, maxQueueDelayMs: 20 });
    servers.push(server);
    server.serve('scorer', model(0), { version: '1' });
    const { url } = await server.listen();
    const input = { inputs: [{ name: 'input', shape: [1, 2], datatype: 'FP32', data: [0, 0] }], parameters: { unit_id: 'user-7' } };
    // requests sent while the experiment starts: each answered, by the model or by the experiment
    const queued = Array.from({ length: 20 }, () => post(`${url}/v2/models/scorer/infer`, input));
    await new Promise((r) => setTimeout(r, 5));
    await server.startExperiment('scorer', experiment, { control: model(0), treatment: model(2) });
    const around = await Promise.all(queued);
    for (const r of around) expect([r.status, ['1', experiment.assign('user-7')]]).toEqual([200, expect.arrayContaining([r.json.model_version])]);
    const during = await post(`${url}/v2/models/scorer/infer`, input);
    expect([during.status, during.headers['x-mlwatch-variant'], during.json.model_version]).toEqual([200, experiment.assign('user-7'), experiment.assign('user-7')]);
    await expect(server.startExperiment('nosuch', experiment, { control: model(0), treatment: model(2) })).rejects.toMatchObject({ name: 'ModelNotServedError' });
    await server.endExperiment('scorer', model(2), { version: '2' });
    const after = await post(`${url}/v2/models/scorer/infer`, input);
    expect([after.status, after.json.model_version, after.headers['x-mlwatch-variant']]).toEqual([200, '2', undefined]);
  });

  it('asks for the unit id and refuses bad outcomes without logging any of them', async () => {
    const experiment = new Experiment({ name: 'e', variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }], metric: { name: 'm', kind: 'proportion' }, design: { baseline: 0.5, mde: 0.1 } });
    const server = new ModelServer({ port: 0 });
    servers.push(server);
    server.serveExperiment('s', experiment, { a: model(0), b: model(1) });
    const { url } = await server.listen();
    const missing = await post(`${url}/v2/models/s/infer`, { inputs: [{ name: 'input', shape: [1, 2], datatype: 'FP32', data: [0, 0] }] });
    expect([missing.status, missing.json.error]).toEqual([400, 'this model runs experiment "e": send the unit id (a non-empty string) in the x-mlwatch-unit header or in parameters.unit_id']);
    const bad = await post(`${url}/v2/models/s/outcomes`, { outcomes: [{ unit: 'u1', success: true }, { unit: 'u2', success: 'yes' }] });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/outcomes\[1\]: Expected a boolean outcome.success/);
    expect(experiment.analyze().variants.map((v) => v.units)).toEqual([0, 0]);
    expect(() => server.serveExperiment('t', experiment, { a: model(0) })).toThrow(/models.b/);
  });
});
