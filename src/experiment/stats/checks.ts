/** Argument checks shared by the statistics functions (each throws the project's argument errors). */
import { rangeError, requireNumber, typeError } from '../../errors.js';

/** An integer count in [min, max]. */
export function checkCount(value: unknown, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw typeError('a count (an integer)', name, value);
  if (!Number.isInteger(value) || value < min || value > max) throw rangeError(`an integer in [${min}, ${max}]`, name, String(value));
  return value;
}

/** A probability strictly between 0 and 1 (a significance level, a power, a base rate). */
export function checkLevel(value: unknown, name: string): number {
  const v = requireNumber(value, name);
  if (!(v > 0 && v < 1)) throw rangeError('a number strictly between 0 and 1', name, String(v));
  return v;
}

/** A finite number (a mean, a variance >= 0 when nonNegative). */
export function checkFinite(value: unknown, name: string, nonNegative = false): number {
  const v = requireNumber(value, name);
  if (nonNegative && v < 0) throw rangeError('a number >= 0', name, String(v));
  return v;
}
