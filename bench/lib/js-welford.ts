/**
 * Peer: a plain, well-written one-pass JS loop (Welford per column, min/max), the way one would
 * write column statistics by hand in JavaScript. Not part of the library.
 */
export function welfordColumnStats(data: Float32Array, rows: number, cols: number) {
  const n = new Float64Array(cols);
  const mean = new Float64Array(cols);
  const m2 = new Float64Array(cols);
  const min = new Float64Array(cols).fill(Infinity);
  const max = new Float64Array(cols).fill(-Infinity);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const x = data[base + c];
      const k = ++n[c];
      const d = x - mean[c];
      mean[c] += d / k;
      m2[c] += d * (x - mean[c]);
      if (x < min[c]) min[c] = x;
      if (x > max[c]) max[c] = x;
    }
  }
  return { n, mean, std: m2.map((v, c) => Math.sqrt(v / n[c])), min, max };
}
