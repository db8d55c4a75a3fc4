/**
 * JS sortArrays: several separate arrays sorted in one call, each exactly as sortColumns sorts a
 * one-column matrix (its finite values gathered into its output and sorted with
 * Float64Array.prototype.sort). The JS backend has one thread, so this is sortColumns array by
 * array; the native kernel gives each thread whole arrays.
 * Twin: native/kernels/sort_columns.cc (sort_arrays; cuda delegates to cpu).
 */
import { rangeError, typeError } from '../../errors.js';
import { sortColumn } from './sort-columns.js';

function float64Arrays(value: unknown, name: string): readonly Float64Array[] {
  if (!Array.isArray(value)) throw typeError('an Array of Float64Array', name, value);
  value.forEach((a, k) => {
    if (!(a instanceof Float64Array)) throw typeError('a Float64Array', `${name}[${k}]`, a);
  });
  return value as readonly Float64Array[];
}

/** Whether two arrays share any byte of memory. */
function overlaps(a: Float64Array, b: Float64Array): boolean {
  return a.buffer === b.buffer && a.length > 0 && b.length > 0 && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

export function sortArrays(arrays: readonly Float64Array[], out: readonly Float64Array[]): Float64Array {
  const inputs = float64Arrays(arrays, 'arrays');
  const outputs = float64Arrays(out, 'out');
  if (outputs.length !== inputs.length) throw rangeError(`out.length == arrays.length (${inputs.length})`, 'out.length', String(outputs.length));
  outputs.forEach((o, k) => {
    if (o.length < inputs[k].length) throw rangeError(`out[${k}].length >= arrays[${k}].length (${inputs[k].length})`, `out[${k}]`, String(o.length));
    for (let j = 0; j < inputs.length; j++) {
      if (overlaps(o, inputs[j])) throw rangeError(`out[${k}] to share no memory with arrays[${j}]`, `out[${k}]`, 'overlapping arrays');
      if (j !== k && overlaps(o, outputs[j])) throw rangeError(`out[${k}] to share no memory with out[${j}]`, `out[${k}]`, 'overlapping arrays');
    }
  });
  const counts = new Float64Array(inputs.length);
  inputs.forEach((a, k) => {
    counts[k] = sortColumn(a, a.length, 1, 0, outputs[k], 0);
  });
  return counts;
}
