/**
 * The model server under load: autocannon against loopback, each server in its own process, the
 * same model (64 -> 128 relu -> 10 softmax) and the same request bodies, one run:
 * - infer of 1 x 64 rows at 50 connections against a bare fastify hello-world route (the ceiling
 *   of any fastify route) and against onnxruntime-node behind the same fastify route;
 * - 256 connections of 1-row requests with batching on and off (rows/s and p99 against
 *   maxQueueDelayMs + model time), and the hello-world route under the same load (the p99 floor);
 * - monitoring on and off.
 * Each row also gives the server process's CPU time per request (all its threads): on a machine
 * where the load generator shares the cores, a steadier figure than requests/s. The batching run
 * also reports the p99 the server's own monitor recorded, without the wait in the socket queues.
 * Run: npm run bench -- serving
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { DenseModel } from '../src/inference/dense-model.js';
import { benchLayers } from './lib/serving-model.js';

const ROOT = new URL('..', import.meta.url).pathname;
const DURATION_S = 5;

interface Load {
  name: string;
  /** The server process's CPU time per answered request, ms (all its threads; the run only). */
  cpuMsPerRequest: number;
  /** p99 of the latency the server's own monitor recorded (arrival at the handler to answer), ms; NaN without one. */
  serverP99: number;
  requestsPerSecond: number;
  rowsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** Runs `body` against a fresh target process; its figures gain the server's CPU time per request. */
async function withTarget(kind: string, options: object, body: (url: string, startCounting: () => void) => Promise<Omit<Load, 'cpuMsPerRequest'> & { requests: number }>): Promise<Load> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/serving-target.ts', kind, JSON.stringify(options)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  let exited = false;
  try {
    const port = (JSON.parse((await lines.next()).value as string) as { port: number }).port;
    const { requests, ...load } = await body(`http://127.0.0.1:${port}`, () => process.kill(child.pid!, 'SIGUSR2'));
    process.kill(child.pid!, 'SIGTERM');
    const cpu = (JSON.parse((await lines.next()).value as string) as { cpuSeconds: number }).cpuSeconds;
    await once(child, 'exit');
    exited = true;
    return { ...load, cpuMsPerRequest: (cpu * 1000) / requests };
  } finally {
    if (!exited) {
      process.kill(child.pid!, 'SIGTERM');
      await once(child, 'exit');
    }
  }
}

function inferBody(rows: number, seed: number): string {
  const data = Array.from({ length: rows * 64 }, (_, k) => Math.sin(k + seed));
  return JSON.stringify({ inputs: [{ name: 'input', shape: [rows, 64], datatype: 'FP32', data }] });
}

function load(name: string, path: string, rows: number, connections: number) {
  return async (url: string, startCounting: () => void): Promise<Omit<Load, 'cpuMsPerRequest'> & { requests: number }> => {
    const bodies = Array.from({ length: 16 }, (_, k) => inferBody(rows, k));
    let next = 0;
    // a short warm-up, then the measured run
    await autocannon({ url: url + path, connections, duration: 1, method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[0] });
    startCounting();
    const r = await autocannon({
      url: url + path,
      connections,
      duration: DURATION_S,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: [{ setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }) }],
    });
    // The model's monitor: the latency inside the server, without the wait in the socket queues.
    const metrics = await fetch(`${url}/metrics`).then((m) => (m.ok ? m.text() : ''), () => '');
    const serverP99 = Number(/mlwatch_latency_ms\{model="bench",quantile="0.99"\} (\S+)/.exec(metrics)?.[1] ?? NaN);
    return { name, serverP99, requests: r.requests.total, requestsPerSecond: r.requests.average, rowsPerSecond: r.requests.average * rows, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
  };
}

function print(title: string, rows: Load[]): void {
  console.log(`\n${title}`);
  console.log(`${'candidate'.padEnd(58)} ${'req/s'.padStart(9)} ${'rows/s'.padStart(10)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'CPU ms/req'.padStart(10)}  non-2xx errors`);
  for (const r of rows) console.log(`${r.name.padEnd(58)} ${r.requestsPerSecond.toFixed(0).padStart(9)} ${r.rowsPerSecond.toFixed(0).padStart(10)} ${r.p50.toFixed(1).padStart(7)} ${r.p99.toFixed(1).padStart(7)} ${r.cpuMsPerRequest.toFixed(3).padStart(10)}  ${r.non2xx} ${r.errors}`);
}

/** Model time of one batch of `rows` rows in this process, ms (median of 50). */
function modelMs(rows: number): number {
  const model = new DenseModel(benchLayers());
  const x = { data: new Float32Array(rows * 64).fill(0.5), rows, cols: 64 };
  const times = Array.from({ length: 50 }, () => {
    const t = performance.now();
    model.predict(x);
    return performance.now() - t;
  }).sort((a, b) => a - b);
  return times[25];
}

export async function benchServing(): Promise<void> {
  const hello = await withTarget('hello', {}, load('bare fastify hello-world route (POST, same body)', '/hello', 64, 50));
  const mlwatch = await withTarget('mlwatch', {}, load('mlwatch ModelServer infer, 1 x 64 rows', '/v2/models/bench/infer', 64, 50));
  const onnx = await withTarget('onnx', {}, load('onnxruntime-node behind the same fastify route, 1 x 64', '/v2/models/bench/infer', 64, 50));
  print('infer of 1 x 64 rows, 50 connections', [hello, mlwatch, onnx]);
  console.log(`mlwatch vs the bare hello-world route: ${((mlwatch.requestsPerSecond / hello.requestsPerSecond) * 100).toFixed(0)} % of its requests/s`);
  console.log(`mlwatch vs onnxruntime-node behind the same route: ${(mlwatch.requestsPerSecond / onnx.requestsPerSecond).toFixed(2)}x requests/s`);
  console.log(`server CPU per request: mlwatch ${(mlwatch.cpuMsPerRequest / hello.cpuMsPerRequest).toFixed(2)}x the hello-world route's, ${(mlwatch.cpuMsPerRequest / onnx.cpuMsPerRequest).toFixed(2)}x onnxruntime-node's`);

  const delay = 2;
  const batched = await withTarget('mlwatch', { maxQueueDelayMs: delay, maxBatchRows: 1024 }, load(`batching on (maxQueueDelayMs ${delay}, maxBatchRows 1024)`, '/v2/models/bench/infer', 1, 256));
  const unbatched = await withTarget('mlwatch', { maxQueueDelayMs: 0, maxBatchRows: 1 }, load('batching off (one request per model call)', '/v2/models/bench/infer', 1, 256));
  // The floor of any fastify server here: at 256 connections, latency is connections / throughput.
  const helloFloor = await withTarget('hello', {}, load('bare fastify hello-world route, the same 1-row bodies', '/hello', 1, 256));
  print('1-row requests, 256 connections', [batched, unbatched, helloFloor]);
  const model256 = modelMs(256);
  console.log(`batching on vs off: ${(batched.rowsPerSecond / unbatched.rowsPerSecond).toFixed(2)}x rows/s; p99 ${batched.p99.toFixed(1)} ms against maxQueueDelayMs + model time (256 rows: ${model256.toFixed(2)} ms) + 5 ms = ${(delay + model256 + 5).toFixed(1)} ms; inside the server (its monitor's p99) ${batched.serverP99.toFixed(1)} ms; the hello-world route's p99 at the same load ${helloFloor.p99.toFixed(1)} ms`);
  console.log(`server CPU per row: batching on ${((batched.cpuMsPerRequest / unbatched.cpuMsPerRequest) * 100).toFixed(0)} % of batching off`);

  const monitored = await withTarget('mlwatch', { monitoring: true }, load('monitoring on', '/v2/models/bench/infer', 64, 50));
  const bare = await withTarget('mlwatch', { monitoring: false }, load('monitoring off', '/v2/models/bench/infer', 64, 50));
  print('monitoring, 1 x 64 rows, 50 connections', [monitored, bare]);
  console.log(`monitoring costs ${((1 - monitored.requestsPerSecond / bare.requestsPerSecond) * 100).toFixed(1)} % of requests/s (negative: within this run's noise) and ${((monitored.cpuMsPerRequest / bare.cpuMsPerRequest - 1) * 100).toFixed(1)} % more server CPU per request`);
}
