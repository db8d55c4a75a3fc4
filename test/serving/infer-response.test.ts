/** inferResponseJson writes exactly the text JSON.stringify writes for the same response. */
import { describe, expect, it } from 'vitest';
import { inferResponseJson } from '../../src/serving/infer-response.js';
import { SeededRandom } from '../../src/demo/random.js';

function stringified(r: Parameters<typeof inferResponseJson>[0]): string {
  return JSON.stringify({
    model_name: r.modelName,
    model_version: r.modelVersion,
    ...(r.id === undefined ? {} : { id: r.id }),
    outputs: [{ name: r.outputName, datatype: 'FP32', shape: [r.rows, r.outputs], data: Array.from(r.data) }],
  });
}

describe('inferResponseJson', () => {
  it('matches JSON.stringify on random outputs, with and without an id, names needing escapes', () => {
    const random = new SeededRandom(9);
    for (let n = 0; n < 300; n++) {
      const rows = 1 + Math.floor(random.uniform() * 20);
      const data = Float32Array.from({ length: rows * 3 }, () => random.normal() * 10 ** Math.floor(random.uniform() * 60 - 30));
      const r = { modelName: n % 2 ? 'fraud' : 'a"b\\c\u0001é', modelVersion: String(n), id: n % 3 ? `r${n}"` : undefined, outputName: 'output', rows, outputs: 3, data };
      expect(inferResponseJson(r)).toBe(stringified(r));
    }
  });

  it('writes null for NaN and infinities, and 0 for -0, as JSON does', () => {
    const r = { modelName: 'm', modelVersion: '1', id: 'x', outputName: 'y', rows: 1, outputs: 5, data: Float32Array.from([NaN, Infinity, -Infinity, -0, 1.5]) };
    expect(inferResponseJson(r)).toBe(stringified(r));
    expect(JSON.parse(inferResponseJson(r)).outputs[0].data).toEqual([null, null, null, 0, 1.5]);
  });
});
