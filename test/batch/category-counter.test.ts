/**
 * CategoryCounter on every backend: label codes and numbers declared categorical, counted chunk
 * by chunk with and without kept-row masks, against counts made here with a Map per value (the
 * plain definition): NaN and ±Infinity are missing, -0 and 0 one category.
 */
import { expect, it } from 'vitest';
import { CategoryCounter } from '../../src/batch/category-counter.js';
import { getBackend } from '../../src/index.js';
import { describeEachBackend } from '../helpers/backends.js';

/** A small LCG so the cases are the same on every run. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 4294967296;
}

const SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 1e-300, -2.5, 7];

describeEachBackend('CategoryCounter on %s', () => {
  it('counts numbers declared categorical as a Map per value does, over chunks and masks', () => {
    const random = lcg(3);
    const counter = new CategoryCounter();
    const expected = new Map<number, number>();
    let total = 0;
    for (let chunk = 0; chunk < 12; chunk++) {
      const rows = chunk === 5 ? 0 : 1 + Math.floor(random() * 3000);
      const values = Float64Array.from({ length: rows }, () => (random() < 0.2 ? SPECIAL[Math.floor(random() * SPECIAL.length)] : Math.floor(random() * 50) / 4));
      const keep = chunk % 3 === 0 ? null : Uint8Array.from({ length: rows }, () => (random() < 0.6 ? 1 : 0));
      const kept = keep ? keep.reduce((a, b) => a + b, 0) : rows;
      counter.add({ type: 'number', values }, keep, kept, getBackend());
      total += kept;
      values.forEach((v, i) => {
        if ((keep === null || keep[i]) && Number.isFinite(v)) expected.set(v, (expected.get(v) ?? 0) + 1);
      });
    }
    const categories = [...expected.keys()].sort((a, b) => a - b);
    const sample = counter.sample();
    expect(sample.categories).toEqual(categories);
    expect(sample.counts).toEqual(categories.map((c) => expected.get(c)));
    expect(sample.total).toBe(total);
    expect(sample.n).toBe([...expected.values()].reduce((a, b) => a + b, 0));
    expect(sample.categories.filter((c) => Object.is(c, -0))).toEqual([]); // 0 and -0: one category, 0
  });

  it('counts labels by code, each chunk with its own dictionary', () => {
    const counter = new CategoryCounter();
    counter.add({ type: 'label', codes: Int32Array.of(0, 1, -1, 0, 2), dictionary: ['b', 'a', 'c'] }, Uint8Array.of(1, 1, 1, 1, 0), 4, getBackend());
    counter.add({ type: 'label', codes: Int32Array.of(1, 0, 0), dictionary: ['c', 'b'] }, null, 3, getBackend());
    expect(counter.sample()).toEqual({ categories: ['a', 'b', 'c'], counts: [1, 3, 2], n: 6, total: 7 });
  });
});
