/**
 * FeatureMatrix: the row-major table of numbers that every kernel reads, and its validation.
 */
import { isDetachedView, rangeError, typeError } from './errors.js';

/** The typed arrays the kernels read without copying. */
export type FloatArray = Float32Array | Float64Array;

/** Values accepted where a sample of numbers is expected. */
export type NumericInput = Float32Array | Float64Array | readonly number[];

/**
 * A row-major matrix: value (r, c) is `data[r * cols + c]`. `names` optionally names the columns.
 * The data is borrowed, never copied, by the kernels.
 */
export interface FeatureMatrix {
  data: FloatArray;
  rows: number;
  cols: number;
  names?: readonly string[];
}

/**
 * Checks a FeatureMatrix's types and shape; throws TypeError/RangeError naming the problem. Returns
 * a plain copy of the fields as they were read once (a getter cannot answer differently later).
 */
export function validateMatrix(m: unknown, name = 'matrix'): FeatureMatrix {
  if (typeof m !== 'object' || m === null) throw typeError('a FeatureMatrix { data, rows, cols }', name, m);
  const { data, rows, cols, names } = m as Partial<FeatureMatrix>;
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array) || isDetachedView(data)) {
    throw typeError('a Float32Array or Float64Array', `${name}.data`, data);
  }
  for (const [key, value] of [['rows', rows], ['cols', cols]] as const) {
    if (typeof value !== 'number') throw typeError('a positive integer', `${name}.${key}`, value);
    if (!Number.isSafeInteger(value) || value < 1) {
      throw rangeError('a positive integer (empty matrices have no statistics)', `${name}.${key}`, String(value));
    }
  }
  if (data.length !== rows! * cols!) {
    throw rangeError(
      `${name}.data.length == rows * cols (${rows} * ${cols} = ${rows! * cols!})`,
      `${name}.data`,
      `length ${data.length}`,
    );
  }
  const checked: FeatureMatrix = { data, rows: rows!, cols: cols! };
  if (names !== undefined) checked.names = [...validateNames(names, cols!, `${name}.names`)];
  return checked;
}

/** Checks a list of column names: strings, one per column. */
export function validateNames(names: unknown, cols: number, name: string): readonly string[] {
  if (!Array.isArray(names)) throw typeError('an array of strings', name, names);
  if (names.length !== cols) throw rangeError(`${cols} names (one per column)`, name, `${names.length}`);
  names.forEach((n, i) => {
    if (typeof n !== 'string') throw typeError('a string', `${name}[${i}]`, n);
  });
  return names;
}

/**
 * Returns the values as a Float32Array or Float64Array: typed arrays are borrowed as they are,
 * number[] is copied into a Float64Array after checking every element is a number.
 */
export function toFloatArray(values: unknown, name: string): FloatArray {
  if (values instanceof Float32Array || values instanceof Float64Array) {
    if (isDetachedView(values)) throw typeError('a Float32Array, Float64Array or number[]', name, values);
    return values;
  }
  if (Array.isArray(values)) {
    const out = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'number') throw typeError('a number', `${name}[${i}]`, v);
      out[i] = v;
    }
    return out;
  }
  throw typeError('a Float32Array, Float64Array or number[]', name, values);
}

/** Builds a FeatureMatrix from an array of equal-length rows (a convenience for small data). */
export function matrixFromRows(rows: readonly (readonly number[])[], names?: readonly string[]): FeatureMatrix {
  if (!Array.isArray(rows) || rows.length === 0) throw typeError('a non-empty array of rows', 'rows', rows);
  const cols = rows[0].length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, r) => {
    if (!Array.isArray(row) || row.length !== cols) throw rangeError(`a row of ${cols} numbers`, `rows[${r}]`, describeRow(row));
    row.forEach((v, c) => {
      if (typeof v !== 'number') throw typeError('a number', `rows[${r}][${c}]`, v);
      data[r * cols + c] = v;
    });
  });
  return validateMatrix({ data, rows: rows.length, cols, names });
}

function describeRow(row: unknown): string {
  return Array.isArray(row) ? `a row of ${row.length}` : typeof row;
}
