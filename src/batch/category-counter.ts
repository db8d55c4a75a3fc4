/**
 * CategoryCounter: the categories of one categorical column of one table and their counts,
 * counted chunk by chunk (memory grows with the number of distinct categories, not rows).
 * Labels are counted by dictionary code first, so a chunk costs one array pass and one map
 * update per distinct code; numbers declared categorical count their finite values, sorted on the
 * backend and counted by runs, so a chunk costs one map update per distinct value too.
 */
import { compareCategories, runLengths, type CategoricalSample, type Category } from '../drift/samples.js';
import type { ChunkColumn } from './table-source.js';
import type { Backend } from '../backend/contract.js';
import { getBackend } from '../backend/registry.js';

/** Numbers' working memory, shared by every counter of this thread (add is synchronous): one chunk's kept values, and them sorted. */
const scratch = { gathered: new Float64Array(0), sorted: new Float64Array(0) };

export class CategoryCounter {
  private total = 0;
  private readonly counts = new Map<Category, number>();
  private codeCounts = new Float64Array(0);

  /**
   * Counts a chunk, its kept rows only when `keep` is given (`kept` of them): label codes (-1
   * missing) on the backend, or numbers (NaN and ±Infinity missing).
   */
  add(column: ChunkColumn, keep: Uint8Array | null = null, kept = column.type === 'label' ? column.codes.length : column.values.length, backend: Backend = getBackend()): void {
    this.total += kept;
    if (column.type === 'label') this.addLabels(column.codes, column.dictionary, keep, backend);
    else this.addNumbers(column.values, keep, backend);
  }

  private addLabels(codes: Int32Array, dictionary: readonly string[], keep: Uint8Array | null, backend: Backend): void {
    if (this.codeCounts.length < dictionary.length) this.codeCounts = new Float64Array(dictionary.length);
    const tally = this.codeCounts.subarray(0, dictionary.length);
    tally.fill(0);
    backend.countCodes(codes, keep, tally);
    for (let c = 0; c < dictionary.length; c++) {
      if (tally[c] > 0) this.counts.set(dictionary[c], (this.counts.get(dictionary[c]) ?? 0) + tally[c]);
    }
  }

  // numbers declared categorical: the kept rows' finite values sorted (sortArrays drops NaN and
  // ±Infinity), then one map update per run of equal values (-0 and 0 are one run and one key)
  private addNumbers(values: Float64Array, keep: Uint8Array | null, backend: Backend): void {
    if (scratch.sorted.length < values.length) {
      scratch.gathered = new Float64Array(values.length);
      scratch.sorted = new Float64Array(values.length);
    }
    const { gathered, sorted } = scratch;
    const input = keep ? gathered.subarray(0, backend.gatherFinite(values, keep, gathered, 0).count) : values;
    const n = backend.sortArrays([input], [sorted])[0];
    const runs = runLengths(sorted.subarray(0, n), backend);
    runs.values.forEach((v, r) => this.counts.set(v, (this.counts.get(v) ?? 0) + runs.counts[r]));
  }

  /** The counts as the drift tests read them: categories ascending. */
  sample(): CategoricalSample {
    const categories = [...this.counts.keys()].sort(compareCategories);
    const counts = categories.map((c) => this.counts.get(c)!);
    return { categories, counts, n: counts.reduce((a, b) => a + b, 0), total: this.total };
  }
}
