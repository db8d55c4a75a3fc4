import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../src/index.js';

describe('RingBuffer', () => {
  it('keeps the newest values in order and overwrites the oldest', () => {
    const ring = new RingBuffer(3);
    expect(ring.size).toBe(0);
    for (const x of [1, 2]) ring.push(x);
    expect(Array.from(ring.toArray())).toEqual([1, 2]);
    expect(Array.from(ring.unorderedView())).toEqual([1, 2]);
    for (const x of [3, 4, 5]) ring.push(x);
    expect(ring.size).toBe(3);
    expect(Array.from(ring.toArray())).toEqual([3, 4, 5]);
    expect(ring.fromNewest(0)).toBe(5);
    expect(ring.fromNewest(2)).toBe(3);
    expect(ring.meanOfRecent(2)).toBe(4.5);
    expect(ring.meanOfRecent(1, 2)).toBe(3);
    expect(Array.from(ring.unorderedView()).sort()).toEqual([3, 4, 5]);
  });
});
