/**
 * The js backend's async kernels share one clock for their time slices: a run of short async calls,
 * each too short to yield on its own, still gives the event loop turns (a monitor's timer fires).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { columnStatsAsync, DenseModel, getBackend, useBackend } from '../../src/index.js';

const initial = getBackend().name;
afterAll(() => {
  useBackend(initial);
});

describe('js async kernels', () => {
  it('give the event loop turns during a run of short calls', async () => {
    useBackend('js');
    const small = { data: new Float64Array(4096).fill(1.5), rows: 512, cols: 8 };
    const model = new DenseModel([{ inputSize: 8, outputSize: 4, weights: new Float32Array(32).fill(0.1), bias: new Float32Array(4), activation: 'relu' }]);
    const x = { data: new Float32Array(64 * 8).fill(0.5), rows: 64, cols: 8 };
    let turns = 0;
    const timer = setImmediate(function tick() {
      turns++;
      timerRef = setImmediate(tick);
    });
    let timerRef = timer;
    let calls = 0;
    const started = performance.now();
    while (performance.now() - started < 300) {
      await columnStatsAsync(small);
      await model.predictAsync(x);
      calls += 2;
    }
    clearImmediate(timerRef);
    expect(calls).toBeGreaterThan(10);
    expect(turns).toBeGreaterThan(0);
  });
});
