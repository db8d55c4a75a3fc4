/**
 * DenseModel.predict of a 256 -> 128 -> 64 -> 10 model (relu, relu, softmax) with the same
 * weights everywhere: the native and JS backends, TensorFlow.js (CPU and WebAssembly backends) and
 * onnxruntime-node (CPU, 2 intra-op threads, the model written as ONNX by bench/lib/onnx-model.ts).
 * Slow candidates run on fewer rows; all are compared by GFLOP/s. TensorFlow.js predicts in
 * batches of 8192 rows like DenseModel (its default of 32 rows is many times slower).
 * Run: npm run bench -- dense
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import * as ort from 'onnxruntime-node';
import { availableBackends, DenseModel, useBackend, type ActivationName, type DenseLayer } from '../src/index.js';
import { SeededRandom } from '../src/demo/random.js';
import { timeRuns, type Timing } from './lib/measure.js';
import { onnxModel } from './lib/onnx-model.js';

const SIZES = [256, 128, 64, 10];
const ACTIVATIONS: ActivationName[] = ['relu', 'relu', 'softmax'];
const FLOPS_PER_ROW = 2 * (256 * 128 + 128 * 64 + 64 * 10);

interface Result {
  timing: Timing;
  rows: number;
  gflops: number;
}

function tfjsModel(layers: DenseLayer[]): tf.Sequential {
  const model = tf.sequential();
  layers.forEach((l, i) => model.add(tf.layers.dense({ units: l.outputSize, activation: l.activation, inputShape: i === 0 ? [l.inputSize] : undefined })));
  layers.forEach((l, i) => model.layers[i].setWeights([tf.tensor2d(l.weights, [l.inputSize, l.outputSize]), tf.tensor1d(l.bias)]));
  return model;
}

export async function benchDense(fullRows = 200_000): Promise<void> {
  const rng = new SeededRandom(21);
  const layers: DenseLayer[] = ACTIVATIONS.map((activation, i) => ({
    inputSize: SIZES[i],
    outputSize: SIZES[i + 1],
    weights: Float32Array.from({ length: SIZES[i] * SIZES[i + 1] }, () => rng.normal(0, 1 / Math.sqrt(SIZES[i]))),
    bias: Float32Array.from({ length: SIZES[i + 1] }, () => rng.normal(0, 0.1)),
    activation,
  }));
  const x = Float32Array.from({ length: fullRows * SIZES[0] }, () => rng.normal(0, 1));
  const model = new DenseModel(layers);
  const out = new Float32Array(fullRows * 10);
  const results: Result[] = [];
  const add = (timing: Timing, rows: number) => {
    results.push({ timing, rows, gflops: (FLOPS_PER_ROW * rows) / timing.bestMs / 1e6 });
    process.stderr.write(`  measured ${timing.name}\n`);
  };

  for (const backend of availableBackends()) {
    useBackend(backend);
    const rows = backend === 'js' ? 10_000 : fullRows;
    add(await timeRuns(`mlwatch DenseModel.predict (${backend})`, () => model.predict({ data: x.subarray(0, rows * 256), rows, cols: 256 }, out.subarray(0, rows * 10)), 3), rows);
  }

  await tf.setBackend('cpu'); // importing the wasm backend makes it the default before it is ready
  const tfModel = tfjsModel(layers);
  for (const [backend, rows] of [['cpu', 20_000], ['wasm', fullRows]] as const) {
    await tf.setBackend(backend);
    const input = tf.tensor2d(x.subarray(0, rows * 256), [rows, 256]);
    add(await timeRuns(`@tensorflow/tfjs predict (${backend})`, () => tf.tidy(() => (tfModel.predict(input, { batchSize: 8192 }) as tf.Tensor).dataSync()), 3), rows);
    input.dispose();
  }

  const session = await ort.InferenceSession.create(onnxModel(layers), { intraOpNumThreads: 2, interOpNumThreads: 1 });
  const feeds = { X: new ort.Tensor('float32', x, [fullRows, 256]) };
  add(await timeRuns('onnxruntime-node run (CPU, 2 threads)', () => session.run(feeds), 3), fullRows);

  console.log(`\ndense model 256 -> 128 -> 64 -> 10 (relu, relu, softmax), ${FLOPS_PER_ROW} FLOP per row`);
  console.log(`${'candidate'.padEnd(44)} ${'rows'.padStart(8)} ${'best ms'.padStart(9)} ${'median ms'.padStart(10)} ${'GFLOP/s'.padStart(8)}`);
  for (const r of results) {
    console.log(`${r.timing.name.padEnd(44)} ${String(r.rows).padStart(8)} ${r.timing.bestMs.toFixed(1).padStart(9)} ${r.timing.medianMs.toFixed(1).padStart(10)} ${r.gflops.toFixed(1).padStart(8)}`);
  }
  const native = results.find((r) => r.timing.name.includes('(cpu)') && r.timing.name.startsWith('mlwatch'));
  if (native) {
    for (const peer of results.filter((r) => r !== native)) {
      console.log(`native vs ${peer.timing.name}: ${(native.gflops / peer.gflops).toFixed(2)}x (GFLOP/s, best runs)`);
    }
  }
}
