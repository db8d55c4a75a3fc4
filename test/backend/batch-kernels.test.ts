/**
 * The batch reader's kernels on every backend: arrowNumbers (Arrow numeric chunks to float64),
 * arrowLabels (strings coded by byte sequence), arrowKeys (dictionary keys as codes), maskRows / maskCodes (row filters) and
 * gatherFinite / countCodes (the collectors), each against expectations computed here by other
 * means (Number(bigint), TextDecoder and a Map of strings, plain comparisons), on edge cases and
 * random inputs; the same answers from every backend; and the native addon's argument checks.
 */
import { describe, expect, it } from 'vitest';
import { backendsUnderTest, backendObjects } from '../helpers/backends.js';
import { ROW_COMPARISONS, type ArrowValueArray, type Backend } from '../../src/backend/contract.js';
import { loadNative } from '../../src/backend/native.js';

const backends: Backend[] = backendObjects(backendsUnderTest);
const addon = loadNative().addon;

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
}

/** A validity bitmap with bit i set where valid[i]. */
function bitmap(valid: readonly boolean[]): Uint8Array {
  const bits = new Uint8Array(Math.ceil(valid.length / 8));
  valid.forEach((v, i) => {
    if (v) bits[i >> 3] |= 1 << (i & 7);
  });
  return bits;
}

/** Float64 bytes, so that NaN and -0 compare exactly. */
const bits = (a: Float64Array) => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

describe.each(backends.map((b) => [b.name, b] as const))('batch reader kernels (%s)', (_name, b) => {
  it('arrowNumbers reads every width as Number does, scaled, with offsets and nulls', () => {
    const big = [0n, 1n, -1n, 2n ** 53n + 1n, 2n ** 53n + 3n, -(2n ** 63n), 2n ** 63n - 1n, 123456789012345n];
    const ubig = [0n, 2n ** 64n - 1n, 2n ** 53n + 1n, 2n ** 63n + 1025n];
    const cases: [ArrowValueArray, number[]][] = [
      [Int8Array.of(-128, 0, 127), [-128, 0, 127]],
      [Uint8Array.of(0, 255, 7), [0, 255, 7]],
      [Int16Array.of(-32768, 5, 32767), [-32768, 5, 32767]],
      [Uint16Array.of(65535, 0), [65535, 0]],
      [Int32Array.of(-(2 ** 31), 2 ** 31 - 1), [-(2 ** 31), 2 ** 31 - 1]],
      [Uint32Array.of(2 ** 32 - 1, 3), [2 ** 32 - 1, 3]],
      [Float32Array.of(0.1, -0, NaN, Infinity), [Math.fround(0.1), -0, NaN, Infinity]],
      [Float64Array.of(0.1, -0, NaN, -Infinity), [0.1, -0, NaN, -Infinity]],
      [BigInt64Array.from(big), big.map(Number)],
      [BigUint64Array.from(ubig), ubig.map(Number)],
    ];
    for (const [values, expected] of cases) {
      // a negative scale divides: microseconds (-1000) and nanoseconds (-1e6) to milliseconds
      for (const scale of [1, 1e-3, 86_400_000, -1000, -1e6]) {
        const out = new Float64Array(expected.length);
        b.arrowNumbers(values, false, 0, expected.length, null, scale, out);
        // toEqual: -0 is not 0, and a NaN is a NaN whatever its sign bit (a compiler may turn x / -s into -(x / s))
        expect(Array.from(out)).toEqual(expected.map((v) => (scale < 0 ? v / -scale : v * scale)));
      }
      // offset 1, the second value missing
      const n = expected.length - 1;
      const valid = Array.from({ length: expected.length }, (_, i) => i !== 2);
      const out = new Float64Array(n + 2).fill(7);
      b.arrowNumbers(values, false, 1, n, bitmap(valid), 1, out);
      expect(bits(out)).toEqual(bits(Float64Array.from([...expected.slice(1).map((v, i) => (i === 1 ? NaN : v)), 7, 7])));
    }
  });

  it('arrowNumbers reads bit-packed booleans from any bit offset', () => {
    const flags = Array.from({ length: 37 }, (_, i) => i % 3 === 0 || i % 7 === 1);
    const packed = bitmap(flags);
    for (const offset of [0, 1, 5, 8, 13]) {
      const n = flags.length - offset;
      const out = new Float64Array(n);
      const valid = flags.map((_, i) => i % 5 !== 4);
      b.arrowNumbers(packed, true, offset, n, bitmap(valid), 1, out);
      expect(Array.from(out)).toEqual(flags.slice(offset).map((f, i) => (valid[offset + i] ? Number(f) : NaN)));
    }
  });

  it('arrowNumbers refuses short arrays with a RangeError', () => {
    expect(() => b.arrowNumbers(Int32Array.of(1, 2), false, 1, 2, null, 1, new Float64Array(2))).toThrow(RangeError);
    expect(() => b.arrowNumbers(Uint8Array.of(1), true, 3, 6, null, 1, new Float64Array(6))).toThrow(RangeError);
    expect(() => b.arrowNumbers(Int32Array.of(1, 2), false, 0, 2, new Uint8Array(0), 1, new Float64Array(2))).toThrow(RangeError);
    expect(() => b.arrowNumbers(Int32Array.of(1, 2), false, 0, 2, null, 1, new Float64Array(1))).toThrow(RangeError);
    b.arrowNumbers(new Int32Array(0), false, 0, 0, null, 1, new Float64Array(0));
  });

  it('arrowLabels codes strings by first appearance, decodes each once, and skips nulls', () => {
    const labels = ['SFO', 'LAX', '', 'SFO', 'Zürich', 'a long airport name', 'LAX', 'a long airport name', '', 'ORD', 'SFO'];
    const valid = labels.map((_, i) => i !== 3 && i !== 9);
    const encoder = new TextEncoder();
    const parts = labels.map((l) => encoder.encode(l));
    const offsets = new Int32Array(labels.length + 1);
    parts.forEach((p, i) => (offsets[i + 1] = offsets[i] + p.length));
    const bytes = new Uint8Array(offsets[labels.length]);
    parts.forEach((p, i) => bytes.set(p, offsets[i]));
    for (const offs of [offsets, BigInt64Array.from(offsets, (o) => BigInt(o))]) {
      for (const [offset, base] of [[0, 0], [1, 5], [4, 100]]) {
        const n = labels.length - offset;
        const codes = new Int32Array(n);
        const firsts = b.arrowLabels(offs, bytes, offset, n, bitmap(valid), codes, base);
        // independent coding: a Map of decoded strings, in order of first appearance
        const seen = new Map<string, number>();
        const expected = labels.slice(offset).map((l, i) => (valid[offset + i] ? base + (seen.get(l) ?? seen.set(l, seen.size).get(l)!) : -1));
        expect(Array.from(codes)).toEqual(expected);
        const decoded = Array.from(firsts, (i) => new TextDecoder().decode(bytes.subarray(offsets[offset + i], offsets[offset + i + 1])));
        expect(decoded).toEqual([...seen.keys()]);
      }
    }
  });

  it('arrowKeys codes dictionary keys of every integer width, with offsets, bases and nulls', () => {
    const keys = [0, 3, 1, 3, 2, 0, 1, 1, 2, 3];
    const valid = keys.map((_, i) => i % 4 !== 2);
    const arrays: ArrowValueArray[] = [Int8Array.from(keys), Uint8Array.from(keys), Int16Array.from(keys), Uint16Array.from(keys), Int32Array.from(keys), Uint32Array.from(keys), BigInt64Array.from(keys, BigInt), BigUint64Array.from(keys, BigInt)];
    for (const array of arrays) {
      for (const [offset, base, validity] of [[0, 0, null], [3, 7, bitmap(valid)], [9, 2, bitmap(valid)]] as const) {
        const n = keys.length - offset;
        const codes = new Int32Array(n).fill(-7);
        b.arrowKeys(array, offset, n, validity, 4, base, codes);
        expect(Array.from(codes), array.constructor.name).toEqual(keys.slice(offset).map((k, i) => (validity === null || valid[offset + i] ? base + k : -1)));
      }
    }
  });

  it('arrowKeys refuses keys outside the dictionary, float keys and short arrays', () => {
    const codes = new Int32Array(3);
    expect(() => b.arrowKeys(Int32Array.of(0, 4, 1), 0, 3, null, 4, 0, codes)).toThrow(/key of row 1 to be below the dictionary's size \(4\) and not negative but received 4/);
    expect(() => b.arrowKeys(Int8Array.of(0, -1, 1), 0, 3, null, 4, 0, codes)).toThrow(/received -1/);
    expect(() => b.arrowKeys(BigUint64Array.of(0n, 2n ** 64n - 1n, 1n), 0, 3, null, 4, 0, codes)).toThrow(/received 18446744073709551615/);
    expect(() => b.arrowKeys(BigInt64Array.of(0n, 2n ** 53n + 1n), 0, 2, null, 4, 0, codes)).toThrow(/received 9007199254740993/);
    expect(() => b.arrowKeys(BigInt64Array.of(0n, -1n), 0, 2, null, 4, 0, codes)).toThrow(/received -1/);
    expect(() => b.arrowKeys(Uint32Array.of(0, 2 ** 31), 0, 2, null, 4, 0, codes)).toThrow(/received 2147483648/);
    for (const keys of [Float64Array.of(0, 1, 2), new Uint8ClampedArray(3), new DataView(new ArrayBuffer(3))]) {
      expect(() => b.arrowKeys(keys as never, 0, 3, null, 4, 0, codes)).toThrow(TypeError);
    }
    expect(() => b.arrowKeys(Int32Array.of(0, 1, 2), 0.5, 2, null, 4, 0, codes)).toThrow(TypeError);
    expect(() => b.arrowKeys(Int32Array.of(0, 1, 2), 0, 3, undefined as never, 4, 0, codes)).toThrow(TypeError);
    // base + size at the int32 limit is taken
    b.arrowKeys(Int32Array.of(0, 3, 1), 0, 3, null, 4, 2 ** 31 - 5, codes);
    expect(Array.from(codes)).toEqual([2 ** 31 - 5, 2 ** 31 - 2, 2 ** 31 - 4]);
    expect(() => b.arrowKeys(Int32Array.of(0, 1), 0, 3, null, 4, 0, codes)).toThrow(RangeError);
    expect(() => b.arrowKeys(Int32Array.of(0, 1, 2), 0, 3, new Uint8Array(0), 4, 0, codes)).toThrow(RangeError);
    expect(() => b.arrowKeys(Int32Array.of(0, 1, 2), 0, 3, null, 4, 0, new Int32Array(2))).toThrow(RangeError);
    expect(() => b.arrowKeys(Int32Array.of(0, 1, 2), 0, 3, null, 4, 2 ** 31 - 4, codes)).toThrow(RangeError);
    // a missing value's key is not read
    b.arrowKeys(Int32Array.of(1, 99, -5), 0, 3, bitmap([true, false, false]), 4, 0, codes);
    expect(Array.from(codes)).toEqual([1, -1, -1]);
  });

  it('arrowLabels refuses offsets outside the bytes and short arrays', () => {
    const bytes = new TextEncoder().encode('abcdef');
    const codes = new Int32Array(3);
    expect(() => b.arrowLabels(Int32Array.of(0, 2, 9, 9), bytes, 0, 3, null, codes, 0)).toThrow(/offsets of string 1/);
    expect(() => b.arrowLabels(Int32Array.of(0, 4, 2, 6), bytes, 0, 3, null, codes, 0)).toThrow(RangeError);
    expect(() => b.arrowLabels(BigInt64Array.of(0n, -2n, 3n, 6n), bytes, 0, 3, null, codes, 0)).toThrow(RangeError);
    expect(() => b.arrowLabels(BigInt64Array.of(0n, 2n ** 40n, 3n, 6n), bytes, 0, 3, null, codes, 0)).toThrow(RangeError);
    expect(() => b.arrowLabels(Int32Array.of(0, 2, 4), bytes, 0, 3, null, codes, 0)).toThrow(RangeError);
    expect(() => b.arrowLabels(Int32Array.of(0, 2, 4, 6), bytes, 0, 3, null, new Int32Array(2), 0)).toThrow(RangeError);
    expect(() => b.arrowLabels(Int32Array.of(0, 2, 4, 6), bytes, 0, 3, null, codes, 2 ** 31 - 2)).toThrow(RangeError);
    // a missing string's offsets are not read
    expect(Array.from(b.arrowLabels(Int32Array.of(0, 2, -5, 6), bytes, 0, 3, bitmap([true, false, false]), codes, 0))).toEqual([0]);
    expect(Array.from(codes)).toEqual([0, -1, -1]);
  });

  it('maskRows and maskCodes AND a filter into the mask and count the rows kept', () => {
    const values = Float64Array.of(1, 2, NaN, 3, -Infinity, 2, -0, 0);
    for (let op = 0; op < ROW_COMPARISONS.length; op++) {
      for (const operand of [2, 0, NaN]) {
        const keep = Uint8Array.of(1, 1, 1, 1, 1, 0, 1, 1);
        const kept = b.maskRows(values, op, operand, keep);
        const expected = Array.from(values, (v, i) => {
          const pass = [v < operand, v <= operand, v > operand, v >= operand, v === operand, v !== operand][op];
          return i !== 5 && pass ? 1 : 0;
        });
        expect(Array.from(keep)).toEqual(expected);
        expect(kept).toBe(expected.filter((k) => k === 1).length);
      }
    }
    const keep = new Uint8Array(6).fill(1);
    expect(b.maskCodes(Int32Array.of(0, 1, -1, 2, 5, 1), Uint8Array.of(1, 0, 1), keep)).toBe(2);
    expect(Array.from(keep)).toEqual([1, 0, 0, 1, 0, 0]);
    expect(() => b.maskRows(values, 0, 1, new Uint8Array(3))).toThrow(RangeError);
    expect(() => b.maskRows(values, 6, 1, new Uint8Array(values.length))).toThrow(RangeError);
    expect(() => b.maskCodes(Int32Array.of(0), Uint8Array.of(1), new Uint8Array(2))).toThrow(RangeError);
  });

  it('gatherFinite appends the finite values of the kept rows; countCodes tallies their codes', () => {
    const values = Float64Array.of(3, NaN, -1, Infinity, 7, -0, 2);
    const out = new Float64Array(10).fill(9);
    expect(b.gatherFinite(values, null, out, 2)).toEqual({ count: 5, min: -1, max: 7 });
    expect(Array.from(out)).toEqual([9, 9, 3, -1, 7, -0, 2, 9, 9, 9]);
    const keep = Uint8Array.of(0, 1, 1, 1, 0, 0, 1);
    expect(b.gatherFinite(values, keep, out, 0)).toEqual({ count: 2, min: -1, max: 2 });
    expect(b.gatherFinite(values, new Uint8Array(7), out, 10)).toEqual({ count: 0, min: Infinity, max: -Infinity });
    expect(() => b.gatherFinite(values, keep, out, 7)).toThrow(RangeError);
    expect(() => b.gatherFinite(values, null, new Float64Array(6), 0)).toThrow(RangeError);
    expect(() => b.gatherFinite(values, new Uint8Array(3), out, 0)).toThrow(RangeError);
    const counts = new Float64Array(3);
    b.countCodes(Int32Array.of(0, 2, -1, 2, 1, 2), Uint8Array.of(1, 1, 1, 1, 0, 1), counts);
    expect(Array.from(counts)).toEqual([1, 0, 3]);
    b.countCodes(Int32Array.of(1, 1), null, counts);
    expect(Array.from(counts)).toEqual([1, 2, 3]);
    expect(() => b.countCodes(Int32Array.of(0, 3), null, counts)).toThrow(RangeError);
    expect(Array.from(counts)).toEqual([1, 2, 3]); // nothing counted before the error
    b.countCodes(Int32Array.of(0, 3), Uint8Array.of(1, 0), counts); // a code beyond the counts on a dropped row is fine
    expect(Array.from(counts)).toEqual([2, 2, 3]);
  });

  it('sortedRuns gives the distinct values and their counts, as far as there is room', () => {
    const sorted = Float64Array.of(-2, -2, -0, 0, 0, 1.5, 7, 7, 7);
    const values = new Float64Array(5);
    const counts = new Float64Array(5);
    expect(b.sortedRuns(sorted, values, counts)).toBe(4);
    expect(Array.from(values.subarray(0, 4))).toEqual([-2, -0, 1.5, 7]); // -0 == 0: one run, its first value
    expect(Array.from(counts.subarray(0, 4))).toEqual([2, 3, 1, 3]);
    const v2 = new Float64Array(2);
    const c2 = new Float64Array(3);
    expect(b.sortedRuns(sorted, v2, c2)).toBe(4);
    expect(Array.from(v2)).toEqual([-2, -0]);
    expect(Array.from(c2)).toEqual([2, 3, 0]);
    expect(b.sortedRuns(sorted, new Float64Array(0), new Float64Array(0))).toBe(4);
    expect(b.sortedRuns(new Float64Array(0), values, counts)).toBe(0);
  });
});

describe('batch reader kernels give every backend the same answer on random inputs', () => {
  it('agrees on random chunks', () => {
    const r = rng(19);
    for (let trial = 0; trial < 40; trial++) {
      const n = Math.floor(r() * 3000);
      const offset = Math.floor(r() * 20);
      const valid = Array.from({ length: offset + n }, () => r() > 0.1);
      const validity = trial % 3 === 0 ? null : bitmap(valid);
      const words = BigInt64Array.from({ length: offset + n }, () => BigInt(Math.floor((r() - 0.5) * 2 ** 52)) * BigInt(1 + Math.floor(r() * 4096)));
      const floats = Float64Array.from({ length: offset + n }, () => (r() < 0.05 ? NaN : r() < 0.02 ? Infinity : Math.round((r() - 0.5) * 200)));
      const alphabet = ['SFO', 'LAX', 'ORD', '', 'JFK', 'a longer label', 'é', 'another long one', 'EIGHTBYT', 'NINEBYTES'];
      const enc = alphabet.map((s) => new TextEncoder().encode(s));
      const picks = Array.from({ length: offset + n }, () => Math.floor(r() * alphabet.length));
      const offsets = new Int32Array(offset + n + 1);
      picks.forEach((p, i) => (offsets[i + 1] = offsets[i] + enc[p].length));
      const bytes = new Uint8Array(offsets[offset + n]);
      picks.forEach((p, i) => bytes.set(enc[p], offsets[i]));
      const seed = r();
      const scale = trial % 2 ? -1000 : 1e-3;
      const answers = backends.map((b) => {
        const r = rng(Math.floor(seed * 2 ** 32));
        const numbers = new Float64Array(n);
        b.arrowNumbers(words, false, offset, n, validity, scale, numbers);
        const codes = new Int32Array(n);
        const firsts = b.arrowLabels(offsets, bytes, offset, n, validity, codes, 3);
        const values = floats.subarray(offset);
        const keep = new Uint8Array(n).fill(1);
        const kept = [b.maskRows(values, trial % 6, 10, keep), b.maskCodes(codes, Uint8Array.of(0, 0, 0, 1, 0, 1, 1), keep)];
        const out = new Float64Array(n);
        const gathered = b.gatherFinite(values, keep, out, 0);
        const counts = new Float64Array(3 + firsts.length);
        b.countCodes(codes, keep, counts);
        const sorted = Float64Array.from(out.subarray(0, gathered.count)).sort();
        const runValues = new Float64Array(Math.floor(r() * 50));
        const runCounts = new Float64Array(runValues.length);
        const runs = b.sortedRuns(sorted, runValues, runCounts);
        return { numbers: bits(numbers), codes: Array.from(codes), firsts: Array.from(firsts), keep: Array.from(keep), kept, gathered, out: bits(out), counts: Array.from(counts), runs, runValues: bits(runValues), runCounts: Array.from(runCounts) };
      });
      for (const a of answers.slice(1)) expect(a).toEqual(answers[0]);
      // Number(bigint) scaled, independently
      const expected = Float64Array.from(words.subarray(offset), (w, i) => (validity && !valid[offset + i] ? NaN : trial % 2 ? Number(w) / 1000 : Number(w) * 1e-3));
      expect(answers[0].numbers).toEqual(bits(expected));
    }
  });
});

describe.skipIf(!addon)('the native batch reader kernels check their arguments', () => {
  it('throws TypeErrors and RangeErrors instead of reading out of bounds', () => {
    const a = addon!;
    expect(() => a.arrowNumbers([1, 2] as never, false, 0, 2, null, 1, new Float64Array(2))).toThrow(TypeError);
    expect(() => a.arrowNumbers(new Uint8ClampedArray(2) as never, false, 0, 2, null, 1, new Float64Array(2))).toThrow(TypeError);
    expect(() => a.arrowNumbers(Int32Array.of(1), true, 0, 1, null, 1, new Float64Array(1))).toThrow(/bit-packed/);
    expect(() => a.arrowNumbers(Int32Array.of(1), false, -1, 1, null, 1, new Float64Array(1))).toThrow(TypeError);
    expect(() => a.arrowNumbers(Int32Array.of(1), false, 0, 1.5, null, 1, new Float64Array(1))).toThrow(TypeError);
    expect(() => a.arrowNumbers(Int32Array.of(1), false, 0, 1, Int32Array.of(1) as never, 1, new Float64Array(1))).toThrow(TypeError);
    expect(() => a.arrowNumbers(Int32Array.of(1), false, 0, 1, null, '1' as never, new Float64Array(1))).toThrow(TypeError);
    expect(() => a.arrowNumbers(Int32Array.of(1), false, 0, 1, null, 1, new Float32Array(1) as never)).toThrow(TypeError);
    expect(() => a.arrowNumbers(Int32Array.of(1), false, 2 ** 53, 1, null, 1, new Float64Array(1))).toThrow();
    expect(() => a.arrowLabels(Uint32Array.of(0, 1) as never, new Uint8Array(1), 0, 1, null, new Int32Array(1), 0)).toThrow(TypeError);
    expect(() => a.arrowLabels(Int32Array.of(0, 1), new Int8Array(1) as never, 0, 1, null, new Int32Array(1), 0)).toThrow(TypeError);
    expect(() => a.arrowLabels(Int32Array.of(0, 1), new Uint8Array(1), 0, 1, null, new Float64Array(1) as never, 0)).toThrow(TypeError);
    expect(() => a.maskRows(Float32Array.of(1) as never, 0, 1, new Uint8Array(1))).toThrow(TypeError);
    expect(() => a.maskRows(Float64Array.of(1), 0, 'x' as never, new Uint8Array(1))).toThrow(TypeError);
    expect(() => a.maskCodes(Int32Array.of(1), [1] as never, new Uint8Array(1))).toThrow(TypeError);
    expect(() => a.gatherFinite(Float64Array.of(1), null, new Float64Array(1), -1)).toThrow(TypeError);
    expect(() => a.countCodes(Int32Array.of(1), null, new Int32Array(2) as never)).toThrow(TypeError);
    expect(() => a.sortedRuns(Float64Array.of(1), [0] as never, new Float64Array(1))).toThrow(TypeError);
  });

  it('treats a detached buffer as empty', () => {
    const values = new Float64Array(4);
    structuredClone(values.buffer, { transfer: [values.buffer] });
    expect(() => addon!.gatherFinite(values, null, new Float64Array(4), 0)).not.toThrow();
    expect(() => addon!.arrowNumbers(values, false, 0, 4, null, 1, new Float64Array(4))).toThrow(RangeError);
    const out = new Float64Array(4);
    structuredClone(out.buffer, { transfer: [out.buffer] });
    expect(() => addon!.arrowNumbers(Int32Array.of(1, 2, 3, 4), false, 0, 4, null, 1, out)).toThrow(RangeError);
  });
});
