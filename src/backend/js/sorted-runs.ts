/**
 * sortedRuns, the JS reference: the runs of equal values of a sorted array (its distinct values
 * and their multiplicities), for the batch job's summary of a sorted numeric column.
 */
export function sortedRuns(sorted: Float64Array, values: Float64Array, counts: Float64Array): number {
  const room = Math.min(values.length, counts.length);
  let runs = 0;
  for (let i = 0; i < sorted.length; ) {
    const v = sorted[i];
    let j = i + 1;
    while (j < sorted.length && sorted[j] === v) j++;
    if (runs < room) {
      values[runs] = v;
      counts[runs] = j - i;
    }
    runs++;
    i = j;
  }
  return runs;
}
