/**
 * Misuse that used to give a silent wrong answer or an unclear error: labels that are not class
 * indices, detached arrays, getters that answer differently on a second read, building blocks
 * with fractional sizes, a retraining policy that contradicts itself.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AlertManager, columnStats, DenseModel, DriftDetector, ErrorWindow, getBackend, ModelMonitor, MonitorRegistry, RetrainingTrigger, RingBuffer, useBackend } from '../../src/index.js';
import { describeEachBackend } from '../helpers/backends.js';

const initial = getBackend().name;
afterAll(() => void useBackend(initial));

function transfer(buffer: ArrayBufferLike): void {
  structuredClone(buffer, { transfer: [buffer as ArrayBuffer] });
}

const model = new DenseModel([{ inputSize: 2, outputSize: 3, weights: Float32Array.of(1, 0, -1, 0, 1, 1), bias: new Float32Array(3), activation: 'softmax' }]);
const X = { data: Float32Array.of(1, 0, 0, 1, 2, 2), rows: 3, cols: 2 };

describe('labels must be class indices', () => {
  it.each([
    ['strings', ['cat', 'dog', 'cat'], /Expected a class index \(an integer in \[0, 2\]\) for yTrue\[0\] but received string "cat"/],
    ['a fraction', [0, 1.5, 2], /for yTrue\[1\] but received number 1.5/],
    ['a class the model does not have', [0, 1, 3], /for yTrue\[2\] but received number 3/],
    ['a negative index', Int32Array.of(0, -1, 2), /for yTrue\[1\] but received number -1/],
    ['a string instead of labels', 'abc', /Expected an Int32Array or number\[\] of class indices for yTrue but received string/],
    ['too few labels', [0, 1], /Expected 3 labels \(one per row\) for yTrue but received 2/],
  ])('evaluate refuses %s', (_, labels, message) => {
    expect(() => model.evaluate(X, labels as never)).toThrow(message);
  });

  it('observeBatch checks the matrix and the labels before running the model', () => {
    const monitor = new ModelMonitor('m');
    expect(() => monitor.observeBatch(model, null as never, [0])).toThrow(/Expected a FeatureMatrix \{ data, rows, cols \} for X but received null/);
    expect(() => monitor.observeBatch(model, X, 'abc' as never)).toThrow(/of class indices for yTrue but received string/);
    expect(() => monitor.observeBatch(model, X, ['a', 'b', 'c'] as never)).toThrow(/for yTrue\[0\] but received string "a"/);
    expect(monitor.stats.records).toBe(0);
    monitor.observeBatch(model, X, [0, 1, 1]);
    expect(monitor.stats.accuracyRecords).toBe(1);
  });
});

describe('detached arrays are refused by name, never read as empty', () => {
  it('recordBatch with transferred latencies', () => {
    const monitor = new ModelMonitor('m');
    const latencies = Float64Array.of(10, 20);
    transfer(latencies.buffer);
    expect(() => monitor.recordBatch(null, latencies)).toThrow(/for latencies but received a detached Float64Array/);
  });

  it('columnStats of a matrix whose data was transferred', () => {
    const data = new Float64Array(4);
    transfer(data.buffer);
    expect(() => columnStats({ data, rows: 2, cols: 2 })).toThrow(/for matrix.data but received a detached Float64Array/);
  });

  it('a model whose caller transferred the weights keeps its own copy', () => {
    const weights = Float32Array.of(1, 2);
    const m = new DenseModel([{ inputSize: 1, outputSize: 2, weights, bias: new Float32Array(2), activation: 'linear' }]);
    transfer(weights.buffer);
    expect(Array.from(m.predict({ data: Float32Array.of(3), rows: 1, cols: 1 }).data)).toEqual([3, 6]);
  });
});

describeEachBackend('a matrix is read once (%s backend)', (backend) => {
  it('a getter that answers differently on its second read changes nothing', () => {
    useBackend(backend);
    let reads = 0;
    const hostile = {
      data: Float64Array.of(1, 2, 3, 4),
      get rows() {
        return reads++ === 0 ? 2 : (undefined as unknown as number);
      },
      cols: 2,
    };
    const stats = columnStats(hostile);
    expect(Array.from(stats.mean)).toEqual([2, 3]);
  });
});

describe('building blocks check their sizes', () => {
  it.each([
    ['RingBuffer(2.5)', () => new RingBuffer(2.5), /integer in \[1, 1073741824\] for capacity but received 2.5/],
    ['RingBuffer(0)', () => new RingBuffer(0), /for capacity but received 0/],
    ['ErrorWindow(1.5)', () => new ErrorWindow(1.5), /for capacity but received 1.5/],
    ['ErrorWindow.record(true, -1)', () => new ErrorWindow(4).record(true, -1), /for count but received -1/],
    ['ErrorWindow.record(true, NaN)', () => new ErrorWindow(4).record(true, NaN), /for count but received NaN/],
  ])('%s throws', (_, make, message) => {
    expect(make).toThrow(message);
  });

  it('a retraining policy whose minimum interval exceeds its maximum age is refused', () => {
    expect(() => new RetrainingTrigger('m', { minTimeBetweenRetrainsMs: 10 * 86_400_000, maxTimeWithoutRetrainMs: 86_400_000 })).toThrow(
      /Expected a policy.minTimeBetweenRetrainsMs <= policy.maxTimeWithoutRetrainMs \(86400000\) for policy.minTimeBetweenRetrainsMs but received 864000000/,
    );
  });
});

describe('Prometheus output and its inputs', () => {
  it('refuses a model name with a lone surrogate (no UTF-8 form: two would be one series)', () => {
    expect(() => new ModelMonitor('a\ud800')).toThrow(/Expected a well-formed Unicode string \(no lone surrogate\) for modelName/);
  });

  it('names quantiles given as percentiles and a string', () => {
    const registry = new MonitorRegistry();
    registry.get('m').recordPerformance(0.9, 12);
    expect(() => registry.metrics([50, 99])).toThrow(/quantiles\[0\] \(a quantile in \[0, 1\], not a percentile\) but received 50/);
    expect(() => registry.metrics('0.5' as never)).toThrow(/Expected an array of quantiles in \[0, 1\] for quantiles but received string/);
    expect(registry.metrics([0.5])).toMatch(/mlwatch_latency_ms\{model="m",quantile="0.5"\} 12/);
  });

  it('AlertManager checks its arguments', () => {
    expect(() => new AlertManager(null as never, null as never)).toThrow(/for figures but received null/);
  });
});

describe('inputs documented as accepted', () => {
  it('null in a number column of a table is a missing value, not a label', () => {
    const detector = new DriftDetector({ a: [1, 2, 3, 4, 5, 6, 7, 8] });
    const result = detector.detect({ a: [1, 2, null, 4, 5, 6, 7, 8] as never });
    expect(result.columns.a.kind).toBe('numerical');
    expect(result.columns.a.missingShare).toBe(1 / 8);
    expect(() => detector.detect({ a: [1, true, null] as never })).toThrow(/Expected a number \(or null for a missing value\) for current.a\[1\] but received/);
  });

  it('a layer too wide for the batch size is refused at construction, naming batchRows', () => {
    const wide = 1 << 24;
    const layer = { inputSize: 1, outputSize: wide, weights: new Float32Array(wide), bias: new Float32Array(wide), activation: 'linear' as const };
    expect(() => new DenseModel([layer])).toThrow(/options.batchRows x the widest layer \(16777216\) at most 2\^30 values: batchRows <= 64/);
    expect(new DenseModel([layer], { batchRows: 64 }).batchRows).toBe(64);
  });
});

it('a FeatureMatrix without data is told so, not read as a table with a column "rows"', () => {
  expect(() => new DriftDetector({ rows: 2, cols: 2 } as never)).toThrow(/Expected a Float32Array or Float64Array for baseline.data but received undefined/);
});
