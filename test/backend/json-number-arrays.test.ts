/**
 * jsonNumberArrays on every backend: the arrays it finds and their values against JSON.parse of
 * the same text (V8's parser: an independent reference), what it must leave alone, and the same
 * answer from every backend on random bytes.
 */
import { describe, expect, it } from 'vitest';
import { backendsUnderTest, backendObjects } from '../helpers/backends.js';
import { mutate, randomJson, rng } from '../helpers/random-json.js';
import type { Backend } from '../../src/backend/contract.js';

const backends: Backend[] = backendObjects(backendsUnderTest);
const bytes = (text: string) => new TextEncoder().encode(text);

function found(b: Backend, text: string, minLength = 1): { arrays: string[]; values: number[][] } {
  const t = bytes(text);
  const { spans, values } = b.jsonNumberArrays(t, minLength);
  const arrays: string[] = [];
  const out: number[][] = [];
  let offset = 0;
  for (let k = 0; k < spans.length; k += 3) {
    arrays.push(new TextDecoder().decode(t.subarray(spans[k], spans[k + 1])));
    out.push(Array.from(values.subarray(offset, offset + spans[k + 2])));
    offset += spans[k + 2];
  }
  expect(offset).toBe(values.length);
  return { arrays, values: out };
}

describe.each(backends.map((b) => [b.name, b] as const))('jsonNumberArrays (%s)', (_name, b) => {
  it('finds arrays of numbers and reads them as JSON.parse does', () => {
    const text = '{"inputs": [{"shape": [2, 3], "data": [ 1, -2.5e3 ,0.1,\n1E-7,\t-0, 123456789012345678901 ]}]}';
    const { arrays, values } = found(b, text, 3);
    expect(arrays).toEqual(['[ 1, -2.5e3 ,0.1,\n1E-7,\t-0, 123456789012345678901 ]']);
    expect(values[0]).toEqual(JSON.parse(arrays[0]));
    expect(Object.is(values[0][4], -0)).toBe(true);
    expect(found(b, text, 2).arrays).toEqual(['[2, 3]', arrays[0]]);
  });

  it('skips strings, with their brackets and escaped quotes', () => {
    expect(found(b, '{"s": "[1,2,3]", "t": "a\\"[4,5]\\\\", "u": [6, 7]}').arrays).toEqual(['[6, 7]']);
    expect(found(b, '["[1]", 2]').arrays).toEqual([]);
  });

  it('takes the inner arrays of a nested array, not the outer one', () => {
    expect(found(b, '[[1,2],[3, 4], "x", [5]]').values).toEqual([[1, 2], [3, 4], [5]]);
    expect(found(b, '[[1,2],[3, 4]]', 3).arrays).toEqual([]);
  });

  it('leaves arrays with anything but JSON numbers to the JSON parser', () => {
    for (const bad of ['01', '1.', '.5', '+1', '1e', '1e+', '-', '--1', '0x10', 'Infinity', 'NaN', '1 2', 'true', 'null', '"1"', '{}', '1,', ',1', '']) {
      expect(found(b, `[0, ${bad}]`).arrays, bad).toEqual([]);
    }
    expect(found(b, '[1, 2, 3').arrays).toEqual([]);
    expect(found(b, '[1, 2, 3] [4').values).toEqual([[1, 2, 3]]);
  });

  it('leaves numbers that overflow or underflow a double to JSON.parse, and takes the rest exactly', () => {
    for (const edge of ['1e400', '-1e400', '1e-400', '1.7976931348623159e308', '2.4703282292062327e-324']) expect(found(b, `[${edge}]`).arrays, edge).toEqual([]);
    for (const edge of ['5e-324', '2.4703282292062328e-324', '0e999999', '-0.0e-999', '1.7976931348623157e308', '9007199254740993']) {
      expect(found(b, `[${edge}]`).values, edge).toEqual([[JSON.parse(edge)]]);
    }
  });

  it('reads every qualifying array of random JSON texts to the bit, as JSON.parse does', () => {
    const r = rng(7);
    for (let n = 0; n < 400; n++) {
      const text = randomJson(r, 4);
      const { arrays, values } = found(b, text, 4);
      arrays.forEach((a, k) => {
        const want = JSON.parse(a) as number[];
        expect(values[k].length).toBe(want.length);
        values[k].forEach((v, i) => expect(Object.is(v, want[i]), `${a}[${i}]`).toBe(true));
      });
    }
  });

  it('refuses what is not a Uint8Array or a positive length', () => {
    expect(() => b.jsonNumberArrays('[1]' as unknown as Uint8Array, 1)).toThrow(TypeError);
    expect(() => b.jsonNumberArrays(new Float64Array(2) as unknown as Uint8Array, 1)).toThrow(TypeError);
    expect(() => b.jsonNumberArrays(bytes('[1]'), 0)).toThrow(TypeError);
    expect(() => b.jsonNumberArrays(bytes('[1]'), 1.5)).toThrow(TypeError);
  });

  it('reads nothing from a detached buffer', () => {
    const t = bytes('[1, 2, 3]');
    structuredClone(t.buffer, { transfer: [t.buffer] });
    expect(t.length).toBe(0);
    expect(Array.from(b.jsonNumberArrays(t, 1).spans)).toEqual([]);
  });
});

describe('jsonNumberArrays gives every backend the same answer', () => {
  it.runIf(backends.length > 1)('on random bytes and on mutated JSON texts', () => {
    const r = rng(11);
    const alphabet = ' [],{}":-.0123456789eE+\\\n\tanul';
    for (let n = 0; n < 3000; n++) {
      const text = n % 2 ? mutate(mutate(randomJson(r, 3), r), r) : Array.from({ length: Math.floor(r() * 80) }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
      const answers = backends.map((b) => b.jsonNumberArrays(bytes(text), 1 + (n % 3)));
      for (const a of answers.slice(1)) {
        expect(Array.from(a.spans), text).toEqual(Array.from(answers[0].spans));
        expect(a.values.length).toBe(answers[0].values.length);
        a.values.forEach((v, i) => expect(Object.is(v, answers[0].values[i]), text).toBe(true));
      }
    }
  });
});
