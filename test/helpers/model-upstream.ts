/**
 * A model server in its own process for load-balancing tests: serves a fixed 4 -> 3 softmax model
 * as "golden" on 127.0.0.1 at the port given (0: a free one), prints {"port": N} when listening,
 * and closes gracefully on SIGTERM. Run: node --import tsx test/helpers/model-upstream.ts PORT
 */
import { DenseModel } from '../../src/inference/dense-model.js';
import { ModelServer } from '../../src/serving/model-server.js';

const model = new DenseModel([{ inputSize: 4, outputSize: 3, weights: Float32Array.from({ length: 12 }, (_, k) => (k % 5) / 5 - 0.4), bias: new Float32Array(3), activation: 'softmax' }]);
const server = new ModelServer({ port: Number(process.argv[2] ?? 0) });
server.serve('golden', model);
const { port } = await server.listen();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
