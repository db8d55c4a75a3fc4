/** Bench data: repeatable (an LCG, no Math.random), each column on its own scale. */

/**
 * A rows x cols float32 matrix of uniform values, column c scaled by 1 + c, column 0 shifted by
 * `shift` (so a detector sees drift in one column).
 */
export function driftMatrix(rows: number, cols: number, seed: number, shift = 0): { data: Float32Array; rows: number; cols: number } {
  const data = new Float32Array(rows * cols);
  let x = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    data[i] = (x / 4294967296 - 0.5) * (1 + (i % cols)) + (i % cols === 0 ? shift : 0);
  }
  return { data, rows, cols };
}
