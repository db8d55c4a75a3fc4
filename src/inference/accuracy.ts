import { rangeError, typeError } from '../errors.js';

/** Share of predicted labels equal to the true labels (both of the same length, at least one). */
export function accuracyOf(labels: Int32Array, yTrue: Int32Array | readonly number[]): number {
  let correct = 0;
  for (let r = 0; r < labels.length; r++) if (labels[r] === yTrue[r]) correct++;
  return correct / labels.length;
}

/**
 * Checks true labels: an Int32Array or number[] of class indices (integers >= 0, below `classes`
 * when it is known), one per row. Anything else (strings, fractions, a wrong length) is an error,
 * never an accuracy of 0.
 */
export function checkLabels(yTrue: unknown, rows: number, classes = Infinity, name = 'yTrue'): asserts yTrue is Int32Array | readonly number[] {
  if (!(yTrue instanceof Int32Array) && !Array.isArray(yTrue)) throw typeError('an Int32Array or number[] of class indices', name, yTrue);
  if (yTrue.length !== rows) throw rangeError(`${rows} labels (one per row)`, name, `${yTrue.length}`);
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i] as unknown;
    if (typeof y !== 'number' || !Number.isInteger(y) || y < 0 || y >= classes) {
      const range = classes === Infinity ? 'an integer >= 0' : `an integer in [0, ${classes - 1}]`;
      throw typeError(`a class index (${range})`, `${name}[${i}]`, y);
    }
  }
}
