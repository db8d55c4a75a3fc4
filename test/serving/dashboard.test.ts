/**
 * The Grafana dashboard reads only metrics the server and the monitors expose: every metric name
 * in its queries appears in a running server's /metrics text (after traffic, a timeout, a refusal,
 * a drift check and an alert rule).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DenseModel } from '../../src/inference/dense-model.js';
import { DriftDetector } from '../../src/drift/drift-detector.js';
import { ModelServer } from '../../src/serving/model-server.js';

const dashboard = JSON.parse(readFileSync(new URL('../../dashboards/model-server.json', import.meta.url), 'utf8')) as { panels: { targets: { expr: string }[] }[] };

describe('dashboards/model-server.json', () => {
  it('queries only metrics that /metrics exposes', async () => {
    const model = () => new DenseModel([{ inputSize: 2, outputSize: 2, weights: Float32Array.of(1, 0, 0, 1), bias: new Float32Array(2), activation: 'softmax' }]);
    const body = JSON.stringify({ id: 'a', inputs: [{ name: 'input', shape: [1, 2], datatype: 'FP32', data: [1, 2] }] });
    const post = (url: string, path = 'infer', text = body) => fetch(`${url}/v2/models/m/${path}`, { method: 'POST', body: text, headers: { 'content-type': 'application/json' } });
    // one server answers, samples for drift and scores an outcome ...
    const serving = new ModelServer({ port: 0 });
    const reference = { data: Float64Array.from({ length: 400 }, (_, k) => Math.sin(k)), rows: 200, cols: 2 };
    serving.serve('m', model(), { drift: { detector: new DriftDetector(reference), share: 1, minRows: 1, intervalMs: 3_600_000 } });
    serving.monitor('m')!.configureAlerts({ error_rate: { threshold: 0.5, severity: 'high' } });
    const a = await serving.listen();
    expect((await post(a.url)).status).toBe(200);
    expect((await post(a.url, 'outcomes', '{"outcomes": [{"id": "a", "labels": [1]}]}')).status).toBe(200);
    serving.checkDrift();
    await serving.close();
    // ... the other one times out and refuses
    const stuck = new ModelServer({ port: 0, maxQueueRows: 1, timeoutMs: 50, maxQueueDelayMs: 1000, maxBatchRows: 100 });
    stuck.serve('m', model());
    const b = await stuck.listen();
    expect((await Promise.all([post(b.url), post(b.url)])).map((r) => r.status).sort()).toEqual([429, 504]);
    await stuck.close();
    const text = serving.metricsText() + stuck.metricsText();
    const names = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/mlwatch_[a-z_]+/g) ?? [])));
    expect(names.size).toBeGreaterThan(8);
    const exposed = (name: string) => new RegExp(`^${name}(\\{| )`, 'm').test(text);
    expect([...names].filter((n) => !exposed(n))).toEqual([]);
  });
});
