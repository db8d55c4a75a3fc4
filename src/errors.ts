/**
 * Uniform argument errors: "Expected X for name but received Y". Every public function checks
 * its arguments with these before any native code touches memory.
 */

/** True for a typed array whose buffer was transferred away (it reads as empty). */
export function isDetachedView(value: ArrayBufferView): boolean {
  if (value.byteLength !== 0) return false;
  try {
    new Uint8Array(value.buffer, 0, 0); // throws on a detached buffer only
    return false;
  } catch {
    return true;
  }
}

/** A short description of a value for error messages: its type and, for arrays, length. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return `number ${value}`;
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (Array.isArray(value)) return `Array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) {
    if (isDetachedView(value)) return `a detached ${value.constructor.name} (its buffer was transferred)`;
    const length = (value as unknown as { length?: number }).length;
    return `${value.constructor.name}${length === undefined ? '' : ` of length ${length}`}`;
  }
  if (typeof value === 'object') return `object ${(value as object).constructor?.name ?? 'Object'}`;
  return typeof value;
}

/** A TypeError for an argument of the wrong type. */
export function typeError(expected: string, name: string, received: unknown): TypeError {
  return new TypeError(`Expected ${expected} for ${name} but received ${describeValue(received)}`);
}

/** A RangeError for an argument of the right type but an unusable value or size. */
export function rangeError(expected: string, name: string, received: string): RangeError {
  return new RangeError(`Expected ${expected} for ${name} but received ${received}`);
}

/** Checks that value is a finite number within [min, max]; returns it. */
export function requireNumber(value: unknown, name: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw typeError('a number', name, value);
  if (!Number.isFinite(value) || value < min || value > max) {
    const range = `a finite number${min > -Infinity ? ` >= ${min}` : ''}${max < Infinity ? ` <= ${max}` : ''}`;
    throw rangeError(range, name, String(value));
  }
  return value;
}

/** Checks that value is an integer within [min, max]; returns it. */
export function requireInteger(value: unknown, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number') throw typeError('an integer', name, value);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw rangeError(`an integer in [${min}, ${max}]`, name, String(value));
  }
  return value;
}
