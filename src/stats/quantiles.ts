/** Public exact quantiles and percentiles, on the active backend. */
import { getBackend } from '../backend/registry.js';
import { rangeError, typeError } from '../errors.js';
import { toFloatArray, type NumericInput } from '../matrix.js';

/**
 * Exact quantiles of `values` for each q in [0, 1], by NumPy's default 'linear' method, in the
 * order asked. Computed by selection on a copy: `values` is never modified. If any value is NaN
 * every result is NaN (as numpy.quantile).
 *
 * @param values a Float32Array, Float64Array or number[] with at least one value
 * @param q one probability or a list of them, each in [0, 1]
 * @throws TypeError for non-numeric input, RangeError for empty values or q outside [0, 1]
 */
export function quantiles(values: NumericInput, q: number | ArrayLike<number>): Float64Array {
  return quantilesOf(values, probabilities(q, 'q', 1), 1);
}

/**
 * Exact percentiles for each p in [0, 100]: numpy.percentile's default method, which is
 * quantiles(values, p / 100).
 */
export function percentiles(values: NumericInput, p: number | ArrayLike<number>): Float64Array {
  return quantilesOf(values, probabilities(p, 'p', 100), 100);
}

function quantilesOf(values: NumericInput, asked: Float64Array, scale: number): Float64Array {
  const data = toFloatArray(values, 'values');
  if (data.length === 0) throw rangeError('at least one value', 'values', 'an empty array');
  const q = scale === 1 ? asked : asked.map((p) => p / scale);
  return getBackend().quantiles(data, q);
}

/**
 * Checks a probability or list of them, each in [0, max] (1 for quantiles, 100 for percentiles),
 * and returns them as a Float64Array; throws a TypeError/RangeError naming the bad element.
 */
export function probabilities(q: unknown, name: string, max: number): Float64Array {
  const list: ArrayLike<unknown> | null =
    typeof q === 'number' ? [q] : Array.isArray(q) || q instanceof Float64Array || q instanceof Float32Array ? (q as ArrayLike<unknown>) : null;
  if (list === null) throw typeError(`a number or an array of numbers in [0, ${max}]`, name, q);
  const out = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v !== 'number') throw typeError('a number', `${name}[${i}]`, v);
    if (!(v >= 0 && v <= max)) throw rangeError(`a number in [0, ${max}]`, `${name}[${i}]`, String(v));
    out[i] = v;
  }
  return out;
}
