/**
 * The addon's own argument checks: the second line of defence behind the TypeScript validation.
 * Calls the addon directly with input the public API would never pass; none may crash the process.
 */
import { describe, expect, it } from 'vitest';
import { loadNative } from '../../src/backend/native.js';

const { addon } = loadNative();

describe.skipIf(!addon)('native addon argument checks', () => {
  const a = addon!;
  it.each([
    ['a string as data', () => a.columnStats('x' as never, 1, 1), /Expected a Float32Array or Float64Array for data but received a string/],
    ['an Int32Array as data', () => a.columnStats(new Int32Array(4) as never, 2, 2), /for data but received Int32Array/],
    ['rows * cols != length', () => a.columnStats(new Float64Array(4), 3, 2), /data.length == rows \* cols \(3 \* 2\) but received data.length 4/],
    ['zero rows', () => a.columnStats(new Float64Array(0), 0, 2), /positive integer for rows but received number 0/],
    ['fractional cols', () => a.columnStats(new Float64Array(4), 2, 2.5), /positive integer for cols/],
    ['NaN rows', () => a.columnStats(new Float64Array(4), NaN, 2), /positive integer for rows/],
    ['huge rows (overflow)', () => a.columnStats(new Float64Array(4), 2 ** 52, 2 ** 12), /data.length == rows \* cols/],
    ['missing arguments', () => (a.columnStats as unknown as () => unknown)(), /for data but received undefined/],
    ['empty values', () => a.quantiles(new Float64Array(0), new Float64Array([0.5])), /non-empty array for values/],
    ['q as number[]', () => a.quantiles(new Float64Array(2), [0.5] as never), /Expected a Float64Array for q but received an Array/],
    ['q out of range', () => a.quantiles(new Float64Array(2), new Float64Array([0.5, 2])), /every q in \[0, 1\] but received q\[1\] = 2/],
    ['NaN q', () => a.quantiles(new Float64Array(2), new Float64Array([NaN])), /every q in \[0, 1\]/],
    ['sketchBins without a typed array', () => a.sketchBins([1, 2] as never, 50, 1e-9, 64), /Float32Array or Float64Array for values but received an Array/],
    ['sketchBins with a zero multiplier', () => a.sketchBins(new Float64Array(2), 0, 1e-9, 64), /positive finite numbers for multiplier and minIndexable/],
    ['sketchBins with a string multiplier', () => a.sketchBins(new Float64Array(2), '5' as never, 1e-9, 64), /Expected numbers for multiplier and minIndexable/],
    ['sketchBins with a fractional maxBuckets', () => a.sketchBins(new Float64Array(2), 50, 1e-9, 2.5), /positive integer for maxBuckets/],
    ['sketchBins with a huge maxBuckets', () => a.sketchBins(new Float64Array(2), 50, 1e-9, 2 ** 30), /at most 16777216 for maxBuckets/],
  ])('rejects %s with a JS error', (_, call, message) => {
    expect(call).toThrow(message);
  });

  it('rejects bad arguments to the async form synchronously, before queueing work', () => {
    expect(() => a.columnStatsAsync(new Float32Array(3), 2, 2)).toThrow(/rows \* cols/);
  });

  it('reads a typed array view at its byte offset (no copy, no overrun)', () => {
    const buffer = new Float64Array([100, 1, 2, 3, 4, 100]);
    const view = buffer.subarray(1, 5);
    const stats = a.columnStats(view, 2, 2);
    expect(Array.from(stats.mean)).toEqual([2, 3]);
    expect(Array.from(a.quantiles(view, new Float64Array([1])))).toEqual([4]);
  });
});
