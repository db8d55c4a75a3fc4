/**
 * Async calls on memory that changes under them: an input or output buffer transferred
 * (structuredClone with a transfer list) or a resizable buffer shrunk while the call runs must
 * reject with an error naming the argument, or compute on the data as it was when the call began;
 * never crash, never resolve with numbers from freed or missing memory. On every backend.
 */
import { afterAll, expect, it } from 'vitest';
import { columnStats, columnStatsAsync, DenseModel, DriftDetector, getBackend, useBackend } from '../../src/index.js';
import { describeEachBackend } from '../helpers/backends.js';
import { SeededRandom } from '../../src/demo/random.js';

const initial = getBackend().name;
afterAll(() => void useBackend(initial));

const DETACHED = /to stay attached and the same size until the async call completes/;
const BIG_ROWS = 3_000_000; // 3e6 x 4 float32 = 48 MiB: the private copy spans several event-loop turns

function transfer(buffer: ArrayBufferLike): void {
  structuredClone(buffer, { transfer: [buffer as ArrayBuffer] });
}

function matrix(rows: number, cols: number, seed: number, resizable = false) {
  const rng = new SeededRandom(seed);
  // Resizable ArrayBuffers (ES2024) are newer than this project's TypeScript lib.
  const Resizable = ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer;
  const buffer = resizable ? new Resizable(rows * cols * 4, { maxByteLength: rows * cols * 4 }) : new ArrayBuffer(rows * cols * 4);
  const data = new Float32Array(buffer, 0, rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() + (i % cols);
  return { data, rows, cols };
}

describeEachBackend('async calls on memory that changes under them, %s backend', (backend) => {
  it('columnStatsAsync: a large input transferred during the call rejects with a clear error', async () => {
    useBackend(backend);
    const m = matrix(BIG_ROWS, 4, 1);
    const pending = columnStatsAsync(m);
    transfer(m.data.buffer);
    await expect(pending).rejects.toThrow(DETACHED);
  });

  it('columnStatsAsync: a small input is copied before the call returns, so a transfer afterwards changes nothing', async () => {
    useBackend(backend);
    const m = matrix(1000, 3, 2);
    const want = columnStats(m);
    const pending = columnStatsAsync(m);
    transfer(m.data.buffer);
    const got = await pending;
    expect(Array.from(got.mean)).toEqual(Array.from(want.mean));
    expect(Array.from(got.std)).toEqual(Array.from(want.std));
  });

  it('columnStatsAsync: a resizable input shrunk during the call rejects', async () => {
    useBackend(backend);
    const m = matrix(BIG_ROWS, 4, 3, true);
    const pending = columnStatsAsync(m);
    (m.data.buffer as unknown as { resize(n: number): void }).resize(16);
    await expect(pending).rejects.toThrow(DETACHED);
  });

  it('detectAsync: the current matrix transferred during the call rejects; the detector still works', async () => {
    useBackend(backend);
    const reference = matrix(20_000, 4, 4);
    const detector = new DriftDetector(reference);
    const current = matrix(BIG_ROWS, 4, 5);
    const pending = detector.detectAsync(current);
    transfer(current.data.buffer);
    await expect(pending).rejects.toThrow(DETACHED);
    const again = await detector.detectAsync(matrix(5000, 4, 6));
    expect(Object.keys(again.columns)).toHaveLength(4);
  });

  it('predictAsync: an output transferred during the call rejects, and a model keeps its own weights', async () => {
    useBackend(backend);
    const rng = new SeededRandom(7);
    const weights = Float32Array.from({ length: 8 * 3 }, () => rng.normal());
    const model = new DenseModel([{ inputSize: 8, outputSize: 3, weights, bias: new Float32Array(3), activation: 'softmax' }]);
    const x = Float32Array.from({ length: 8 * 200_000 }, () => rng.normal());
    const want = model.predict({ data: x, rows: 200_000, cols: 8 }).data;
    transfer(weights.buffer); // the caller's array, not the model's copy
    const out = new Float32Array(3 * 200_000);
    const pending = model.predictAsync({ data: x, rows: 200_000, cols: 8 }, out);
    transfer(out.buffer);
    await expect(pending).rejects.toThrow(DETACHED);
    const got = await model.predictAsync({ data: x, rows: 200_000, cols: 8 });
    expect(got.data).toEqual(want);
  });
});
