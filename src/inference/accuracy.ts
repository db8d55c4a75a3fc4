/** Share of predicted labels equal to the true labels (both of the same length, at least one). */
export function accuracyOf(labels: Int32Array, yTrue: Int32Array | readonly number[]): number {
  let correct = 0;
  for (let r = 0; r < labels.length; r++) if (labels[r] === yTrue[r]) correct++;
  return correct / labels.length;
}
