/**
 * parseTensorJson on every backend: the same value as JSON.parse with every long array of plain
 * numbers as a Float64Array, and a text JSON.parse rejects is rejected (random texts and edits).
 */
import { expect, it } from 'vitest';
import { describeEachBackend } from '../helpers/backends.js';
import { mutate, randomJson, rng } from '../helpers/random-json.js';
import { TENSOR_MIN_LENGTH, parseTensorJson } from '../../src/serving/tensor-json.js';

/** JSON.parse, then every array of >= TENSOR_MIN_LENGTH numbers as a Float64Array. */
function expected(text: string): unknown {
  const convert = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      if (v.length >= TENSOR_MIN_LENGTH && v.every((x) => typeof x === 'number')) return Float64Array.from(v);
      return v.map(convert);
    }
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, convert(x)]));
    return v;
  };
  return convert(JSON.parse(text));
}

/** v with every Float64Array as a plain array. */
function plain(v: unknown): unknown {
  if (v instanceof Float64Array) return Array.from(v);
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

function outcome(f: () => unknown): { value?: unknown; threw?: boolean } {
  try {
    return { value: f() };
  } catch {
    return { threw: true };
  }
}

describeEachBackend('parseTensorJson (%s)', () => {
  it('gives JSON.parse\'s value with the long number arrays as Float64Arrays', () => {
    const data = Array.from({ length: 40 }, (_, k) => Math.sin(k));
    const text = JSON.stringify({ id: 'a', inputs: [{ name: 'x', shape: [2, 20], datatype: 'FP32', data }], nested: [data.slice(0, 20), data.slice(20)], short: [1, 2] });
    const parsed = parseTensorJson(Buffer.from(text), JSON.parse) as { inputs: { data: unknown }[]; nested: unknown[]; short: unknown };
    expect(parsed.inputs[0].data).toBeInstanceOf(Float64Array);
    expect(Array.from(parsed.inputs[0].data as Float64Array)).toEqual(data);
    expect(parsed.nested[0]).toBeInstanceOf(Float64Array);
    expect(parsed.short).toEqual([1, 2]);
    expect(parsed).toEqual(expected(text));
  });

  it('parses a top-level number array, and leaves a look-alike marker a plain object', () => {
    const top = JSON.stringify(Array.from({ length: 20 }, (_, k) => k / 3));
    expect(parseTensorJson(Buffer.from(top), JSON.parse)).toEqual(expected(top));
    const forged = '{"data": {"\\u0000mlwatch-tensor 0": 0}, "x": [' + '1,'.repeat(20) + '1]}';
    expect(parseTensorJson(Buffer.from(forged), JSON.parse)).toEqual(expected(forged));
  });

  it('agrees with JSON.parse on random texts, and rejects what it rejects after random edits', () => {
    const r = rng(3);
    let rejected = 0;
    for (let n = 0; n < 1500; n++) {
      const valid = `{"a": ${randomJson(r, 4)}, "b": ${randomJson(r, 3)}}`;
      expect(parseTensorJson(Buffer.from(valid), JSON.parse)).toEqual(expected(valid));
      const edited = mutate(mutate(valid, r), r);
      const want = outcome(() => expected(edited));
      const got = outcome(() => parseTensorJson(Buffer.from(edited), JSON.parse));
      expect(got.threw ?? false, edited).toBe(want.threw ?? false);
      // An edit may push a number past a double's range: its array is then left to the JSON parser.
      if (!want.threw) expect(plain(got.value)).toEqual(plain(want.value));
      else rejected++;
    }
    expect(rejected).toBeGreaterThan(300);
  });
});
