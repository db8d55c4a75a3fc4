/**
 * A server for the serving benchmark, in its own process so that the load generator does not
 * share its event loop: `node --import tsx bench/lib/serving-target.ts KIND OPTIONS_JSON`, prints
 * {"port": N} when listening on 127.0.0.1; SIGUSR2 starts counting its CPU time, and SIGTERM prints
 * {"cpuSeconds": S} (user + system, every thread, since SIGUSR2) and exits. Kinds:
 * - hello: a bare fastify route answering {"ok": true} (the ceiling for any fastify route);
 * - mlwatch: ModelServer serving the benchmark model (OPTIONS_JSON: ModelServerOptions);
 * - onnx: the same model in onnxruntime-node behind a fastify route that reads the same
 *   Open Inference Protocol body and runs one session per request (what a user would write).
 */
import Fastify from 'fastify';
import { DenseModel } from '../../src/inference/dense-model.js';
import { ModelServer } from '../../src/serving/model-server.js';
import { benchLayers } from './serving-model.js';

const [kind, optionsJson] = process.argv.slice(2);
const options = JSON.parse(optionsJson ?? '{}');
let port: number;
let close: () => Promise<void>;
if (kind === 'mlwatch') {
  const server = new ModelServer({ port: 0, ...options });
  server.serve('bench', new DenseModel(benchLayers()));
  port = (await server.listen()).port;
  close = () => server.close();
} else {
  const app = Fastify({ bodyLimit: 8 * 1024 * 1024 });
  if (kind === 'hello') {
    app.post('/hello', async () => ({ ok: true }));
  } else if (kind === 'onnx') {
    const ort = await import('onnxruntime-node');
    const { onnxModel } = await import('./onnx-model.js');
    const layers = benchLayers();
    const session = await ort.InferenceSession.create(onnxModel(layers), { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const features = layers[0].inputSize;
    app.post('/v2/models/bench/infer', async (request) => {
      const input = (request.body as { inputs: { shape: number[]; data: number[] }[] }).inputs[0];
      const rows = input.shape[0];
      const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', Float32Array.from(input.data), [rows, features]) });
      const out = result[session.outputNames[0]];
      return { model_name: 'bench', model_version: '1', outputs: [{ name: 'output', datatype: 'FP32', shape: out.dims, data: Array.from(out.data as Float32Array) }] };
    });
  } else {
    throw new Error(`unknown kind ${kind}`);
  }
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
  close = () => app.close();
}
process.stdout.write(`${JSON.stringify({ port })}\n`);
let cpuFrom = process.cpuUsage();
process.on('SIGUSR2', () => {
  cpuFrom = process.cpuUsage();
});
process.on('SIGTERM', () => {
  const used = process.cpuUsage(cpuFrom);
  process.stdout.write(`${JSON.stringify({ cpuSeconds: (used.user + used.system) / 1e6 })}\n`);
  void close().then(() => process.exit(0));
});
