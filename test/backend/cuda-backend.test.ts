/**
 * The cuda backend's own behaviour: the addon's CUDA entry points check their arguments like the
 * CPU ones (everywhere, device or not), report a missing device with an error that says why, and
 * on a machine with a device turn device errors into JS errors after which the next call works.
 * Its numbers are checked by the suites that run on every backend (MLWATCH_CUDA_ROUTE=device sends
 * every call of those to the device).
 */
import { describe, expect, it } from 'vitest';
import { backendInfo } from '../../src/index.js';
import { loadNative } from '../../src/backend/native.js';

const { addon } = loadNative();
const info = backendInfo();
const device = info.backends.cuda.available;

describe.skipIf(!addon)('the addon\'s CUDA entry points check their arguments first', () => {
  const cuda = addon!.cuda;
  const v = new Float64Array(10);
  const one = Float64Array.of(0);
  it.each([
    ['columnStats: rows * cols != length', () => cuda.columnStats(new Float64Array(4), 3, 2), /data.length == rows \* cols/],
    ['sortColumns: colCount past the end', () => cuda.sortColumns(new Float64Array(6), 3, 2, 1, 2), /firstCol \+ colCount <= cols/],
    ['quantiles: q out of range', () => cuda.quantiles(new Float64Array(2), Float64Array.of(2)), /every q in \[0, 1\]/],
    ['ecdfDistances: a window past the end', () => cuda.ecdfDistances(v, Float64Array.of(5), Float64Array.of(6), v, one, one), /window inside a/],
    ['holdSamples: a Float32Array', () => cuda.holdSamples(new Float32Array(3) as never), /Float64Array for values/],
    ['sortAndMeasure: not a handle', () => cuda.sortAndMeasure(new Float64Array(6), 3, 2, 0, 2, {} as never, one, one, one), /handle from cuda.holdSamples for held/],
    ['denseStackForward: layers that do not chain', () => cuda.denseStackForward(new Float32Array(6), 2, [new Float32Array(6), new Float32Array(4)], [new Float32Array(2), new Float32Array(2)], Float64Array.of(3, 2, 1, 3, 2, 0), new Float32Array(4)), /layer 1 nIn == the previous layer's nOut \(2\)/],
    ['denseStackForward: a short bias', () => cuda.denseStackForward(new Float32Array(6), 2, [new Float32Array(6)], [new Float32Array(1)], Float64Array.of(3, 2, 1), new Float32Array(4)), /2 values for layer 0 bias but received 1/],
    ['denseStackForward: a bad activation', () => cuda.denseStackForward(new Float32Array(6), 2, [new Float32Array(6)], [new Float32Array(2)], Float64Array.of(3, 2, 9), new Float32Array(4)), /activation code 0..4 for layer 0 activation/],
  ])('rejects %s', (_, call, message) => {
    expect(call).toThrow(message);
  });

  it.skipIf(device)(`without a device, a CUDA kernel throws an error that says why (here: ${info.backends.cuda.reason})`, async () => {
    expect(() => cuda.columnStats(new Float64Array(4), 2, 2)).toThrow(/cuda columnStats: .*(no CUDA device|built without CUDA)/);
    await expect(cuda.sortColumnsAsync(new Float64Array(4), 2, 2, 0, 2)).rejects.toThrow(/cuda sortColumns: /);
    expect(cuda.memoryInfo()).toEqual({ free: 0, total: 0 });
  });
});

describe.skipIf(!device)(`the cuda backend on a device${device ? '' : ` (skipped: ${info.backends.cuda.reason})`}`, () => {
  const cuda = addon!.cuda;

  it('bounds a batch whose keys span far more buckets than asked for, like the CPU kernel', async () => {
    // keys from 1e-300 to 1e300 at 1e-6 relative accuracy: ~7e8 buckets apart
    const multiplier = 1 / Math.log((1 + 1e-6) / (1 - 1e-6));
    const values = Float64Array.of(1e-300, 1e300, 2e-300);
    const gpu = cuda.sketchBins(values, multiplier, 1e-320, 4096);
    const cpu = addon!.sketchBins(values, multiplier, 1e-320, 4096);
    expect(gpu.counts.length).toBe(4096);
    expect(gpu.minKey).toBe(cpu.minKey);
    expect(Array.from(gpu.counts)).toEqual(Array.from(cpu.counts));
    const m = cuda.memoryInfo();
    expect(m.free).toBeGreaterThan(0);
    expect(m.free).toBeLessThanOrEqual(m.total);
  });

  it('keeps held samples on the device across calls and measures against them', () => {
    const ref = Float64Array.from({ length: 1000 }, (_, i) => i / 10);
    const held = cuda.holdSamples(ref);
    const current = Float64Array.from({ length: 500 }, (_, i) => 50 + i / 10);
    for (let round = 0; round < 3; round++) {
      const r = cuda.sortAndMeasure(current, 500, 1, 0, 1, held, Float64Array.of(0), Float64Array.of(1000), Float64Array.of(0));
      expect(r.counts[0]).toBe(500);
      const cpu = addon!.ecdfDistances(ref, Float64Array.of(0), Float64Array.of(1000), current, Float64Array.of(0), Float64Array.of(500));
      expect(r.ks[0]).toBe(cpu.ks[0]);
      expect(Math.abs(r.wasserstein[0] - cpu.wasserstein[0])).toBeLessThanOrEqual(1e-12 * cpu.wasserstein[0]);
    }
  });

  it('reports staged transfer rates', () => {
    const rates = cuda.measureTransfers(64 << 20);
    for (const rate of Object.values(rates)) expect(rate).toBeGreaterThan(0.1);
  });
});
