/**
 * The Backend contract: every kernel's signature and semantics. The JS backend (./js) is the
 * readable reference; the native backends (cpu, cuda) must give the same answers within
 * floating-point rounding (relative 1e-12 for statistics; bit-identical for quantiles, sorted
 * columns and the KS statistic; Wasserstein within 1e-12 relative; dense layers within 1e-5 of
 * the output's scale, float32 accumulation in a different order).
 *
 * Kernels receive arguments that the public functions have already validated; the native
 * addon validates them again.
 */
import type { FloatArray } from '../matrix.js';

/** The backends mlwatch knows. */
export type BackendName = 'js' | 'cpu' | 'cuda';

/** Per-column statistics, one value per column in each array. */
export interface ColumnStats {
  /** Number of non-NaN values (±Infinity counts as a value, as in NumPy's nan-functions). */
  count: Float64Array;
  /** Number of NaN values, which are skipped by every other statistic. */
  nanCount: Float64Array;
  /** Mean of the non-NaN values; NaN when the column has none. */
  mean: Float64Array;
  /** Population standard deviation (ddof = 0, as numpy.std); NaN when the column has none. */
  std: Float64Array;
  /** Smallest non-NaN value; NaN when the column has none. */
  min: Float64Array;
  /** Largest non-NaN value; NaN when the column has none. */
  max: Float64Array;
}

/** Bucket counts of a batch for the logarithmic quantile sketch; see Backend.sketchBins. */
export interface SketchBins {
  /** Key of counts[0]. */
  minKey: number;
  /** counts[k - minKey]: values whose key is k. Empty when no value had a key. */
  counts: Float64Array;
  /** Valid values <= minIndexable (counted as 0). */
  zeroCount: number;
  /** Sum, minimum and maximum of the valid values (0 when there is none). */
  sum: number;
  min: number;
  max: number;
  validCount: number;
  /** NaN, negative or +Infinity values: not counted. */
  invalidCount: number;
  /** Index of the first invalid value, or -1. */
  firstInvalid: number;
}

/** Activation of a dense layer; softmax is applied per row. */
export type ActivationName = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';
export const ACTIVATIONS: readonly ActivationName[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'];

/** The finite values of some columns, each sorted ascending; see Backend.sortColumns. */
export interface SortedColumns {
  /** Column k (of those asked for) occupies values[k * rows, k * rows + counts[k]). */
  values: Float64Array;
  /** Number of finite values of each column (NaN and ±Infinity are dropped). */
  counts: Float64Array;
}

/** What jsonNumberArrays finds. */
export interface JsonNumberArrays {
  /** Per array, three entries: the byte offset of its '[', one past its ']', its value count. */
  spans: Float64Array;
  /** The values of every array found, in the order of the text. */
  values: Float64Array;
}

/** Distances between pairs of empirical distributions; see Backend.ecdfDistances. */
export interface EcdfDistances {
  /** Largest |F_a(x) - F_b(x)| over the pooled values: the two-sample KS statistic. */
  ks: Float64Array;
  /** ∫ |F_a - F_b| dx: the first Wasserstein distance. */
  wasserstein: Float64Array;
}

/** The KS distance of two unsorted samples; see Backend.ksDistance. */
export interface KsDistanceResult {
  /** Largest |F_a(x) - F_b(x)| over the pooled finite values; NaN when a sample has none. */
  ks: number;
  /** Finite values in a. */
  na: number;
  /** Finite values in b. */
  nb: number;
}

/** The first Wasserstein distance of two unsorted samples; see Backend.wassersteinDistance. */
export interface WassersteinDistanceResult {
  /** ∫ |F_a - F_b| dx over the finite values; NaN when a sample has none. */
  wasserstein: number;
  /** Finite values in a. */
  na: number;
  /** Finite values in b. */
  nb: number;
}

/** Sorted reference samples kept by a backend for repeated comparisons; see Backend.holdSamples. */
export interface HeldSamples {
  /** The samples, as given (the backend may also keep a copy where it computes: device memory on cuda). */
  readonly values: Float64Array;
}

/** What sortAndMeasure returns: the columns' counts and the pairs' distances. */
export interface MeasuredColumns extends EcdfDistances {
  /** Number of finite values of each sorted column. */
  counts: Float64Array;
  /** The sorted columns (as sortColumns lays them out) when `out` was given, else null. */
  values: Float64Array | null;
}

/** Why csvColumns stopped early (CsvColumnsResult.error). */
export const CSV_ERROR = {
  none: 0,
  /** Field errorField of the record is not a number. */
  notANumber: 1,
  /** The record has `fields` fields, not one per slot. */
  fieldCount: 2,
  /** The bytes end inside a quoted field (only when atEnd). */
  quoteNotClosed: 3,
  /** A '"' inside unquoted field errorField. */
  openingQuote: 4,
  /** Something other than a separator after the closing quote of field errorField. */
  closingQuote: 5,
} as const;

/** What csvColumns read; see Backend.csvColumns. */
export interface CsvColumnsResult {
  /** Records written to out and codes. */
  rows: number;
  /** Bytes consumed: the next call starts there. */
  bytesUsed: number;
  /** Record separators in the bytes consumed (on an error: before the failing field or record). */
  lines: number;
  /** A CSV_ERROR value; on an error the failing record is record `rows` (0-based) of this call. */
  error: number;
  errorField: number;
  /** Fields of the failing record (fieldCount errors; else 0). */
  fields: number;
  /** The failing field's value bytes [fieldBegin, fieldEnd) (notANumber errors; else 0): a quoted field's, within its quotes. */
  fieldBegin: number;
  fieldEnd: number;
  /**
   * Per output column (labels.length of them): for a label column, the bytes [begin, end) of the
   * field where each code first appears, quotes included, as pairs in code order; empty for a
   * number column.
   */
  firsts: Float64Array[];
}

/** The typed arrays an Arrow numeric column's values come in; see Backend.arrowNumbers. */
export type ArrowValueArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

/** Row filter comparisons as maskRows takes them: value OP operand. */
export const ROW_COMPARISONS = ['<', '<=', '>', '>=', '=', '!='] as const;

/** What gatherFinite collected; see Backend.gatherFinite. */
export interface GatheredValues {
  /** Values written to out. */
  count: number;
  /** Smallest and largest value written (+Infinity and -Infinity when none was). */
  min: number;
  max: number;
}

/** One dense layer's arrays, as DenseModel keeps them. */
export interface DenseLayerArrays {
  readonly inputSize: number;
  readonly outputSize: number;
  /** inputSize x outputSize, row-major. */
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  readonly activation: ActivationName;
}

export interface Backend {
  readonly name: BackendName;
  /**
   * Statistics of every column of a row-major rows x cols matrix, in one pass over memory with
   * float64 accumulation: blocks of rows are reduced with a two-pass mean/deviation in cache and
   * merged with Chan et al.'s update, so large offsets (1e8 + N(0, 1)) keep their precision.
   */
  columnStats(data: FloatArray, rows: number, cols: number): ColumnStats;
  /** The same as columnStats, without blocking the event loop for the whole computation. */
  columnStatsAsync(data: FloatArray, rows: number, cols: number): Promise<ColumnStats>;
  /**
   * columnStats carried across blocks of rows: adds rows x cols values to `state` (7 x cols values,
   * laid out as column-stats-state.ts says; newColumnStatsState makes a fresh one, and
   * columnStatsOfState reads the statistics). The first block with values in a column fixes its
   * shift, so any number of blocks keeps the digits of 1e12 + N(0, 0.01); one call on a fresh
   * state gives columnStats' answer exactly. The batch layer feeds it blocks read from disk.
   */
  accumulateColumnStats(data: FloatArray, rows: number, cols: number, state: Float64Array): void;
  /**
   * Exact quantiles by NumPy's default 'linear' method (q in [0, 1], results in the order of q).
   * Never modifies values. If any value is NaN every result is NaN, as numpy.quantile.
   */
  quantiles(values: FloatArray, q: Float64Array): Float64Array;
  /**
   * The batch insertion of QuantileSketch: for valid values (0 <= x < Infinity), x <= minIndexable
   * counts as zero, otherwise its key is ceil(ln(x) * multiplier). Pure: the caller merges the
   * counts only when invalidCount is 0. (Keys come from each platform's log: a value within one
   * ulp of a bucket boundary may fall in the neighbouring bucket on another backend, which stays
   * inside the sketch's accuracy bound.) At most maxBuckets counts come back: keys more than
   * maxBuckets - 1 below the batch's largest are counted in the lowest bucket kept, as the sketch
   * collapses its own lowest buckets, so memory is bounded whatever the values.
   */
  sketchBins(values: FloatArray, multiplier: number, minIndexable: number, maxBuckets: number): SketchBins;
  /**
   * One dense layer over a batch: out = act(x . w + b) with x rows x nIn, w nIn x nOut (row-major),
   * b nOut, out rows x nOut; softmax subtracts each row's maximum first. Float32 in and out.
   * IEEE arithmetic throughout (0 x Infinity is NaN: no input is skipped); relu(NaN) is 0.
   */
  denseForward(x: Float32Array, rows: number, nIn: number, w: Float32Array, b: Float32Array, nOut: number, activation: ActivationName, out: Float32Array): void;
  /** denseForward without blocking the event loop (native: a worker thread; JS: the next macrotask). */
  denseForwardAsync(x: Float32Array, rows: number, nIn: number, w: Float32Array, b: Float32Array, nOut: number, activation: ActivationName, out: Float32Array): Promise<void>;
  /**
   * The finite values of columns [firstCol, firstCol + colCount) of a row-major rows x cols
   * matrix, each column sorted ascending into float64 (NaN and ±Infinity dropped and counted out).
   * -0 and +0 compare equal and may come in either order. When `out` (at least rows * colCount
   * values) is given, the values are written there and returned in it: callers that sort
   * repeatedly reuse one buffer instead of paying for fresh memory each time. `out` may be `data`
   * itself when data is a Float64Array of one column (cols = colCount = 1): sorted in place.
   */
  sortColumns(data: FloatArray, rows: number, cols: number, firstCol: number, colCount: number, out?: Float64Array): SortedColumns;
  /** sortColumns without blocking the event loop (`out` must not be touched until it resolves). */
  sortColumnsAsync(data: FloatArray, rows: number, cols: number, firstCol: number, colCount: number, out?: Float64Array): Promise<SortedColumns>;
  /**
   * Several separate arrays sorted in one call: the finite values of arrays[k] (NaN and ±Infinity
   * dropped) ascending into out[k][0, counts[k]), exactly as sortColumns(arrays[k], n, 1, 0, 1)
   * sorts them; returns counts. out[k] holds at least arrays[k].length values; no out array may
   * share memory with another out array or with any input. For the batch layer's sorted runs and
   * merge blocks (one column each, of different lengths): native, each thread takes whole arrays
   * when there are at least as many arrays as threads. Synchronous (the batch job runs it on its
   * own worker thread).
   */
  sortArrays(arrays: readonly Float64Array[], out: readonly Float64Array[]): Float64Array;
  /**
   * For each pair k, the KS statistic and the Wasserstein distance between the sorted samples
   * a[aStart[k] .. + aCount[k]) and b[bStart[k] .. + bCount[k]) (counts >= 1), in one merge walk:
   * after each distinct pooled value x, diff = i/n_a - j/n_b (i, j: values <= x), ks = max |diff|
   * and wasserstein += |diff| * (next pooled value - x), summed with Neumaier's compensation.
   */
  ecdfDistances(a: Float64Array, aStart: Float64Array, aCount: Float64Array, b: Float64Array, bStart: Float64Array, bCount: Float64Array): EcdfDistances;
  /** ecdfDistances without blocking the event loop. */
  ecdfDistancesAsync(a: Float64Array, aStart: Float64Array, aCount: Float64Array, b: Float64Array, bStart: Float64Array, bCount: Float64Array): Promise<EcdfDistances>;
  /**
   * The merge walk of ecdfDistances carried across blocks, for samples delivered a sorted block at
   * a time: consumes from a and b (the next values of each sample, ascending, never below what came
   * before) every value it can, updating `state` (ecdf-walk-state.ts: newEcdfWalkState(na, nb)
   * with the samples' whole sizes; ecdfWalkDistances reads the result). All of both blocks are
   * consumed when both are final (nothing follows them); otherwise the walk stops when a non-final
   * block is used up, since its sample's next value is unknown. The caller reads how many values of
   * each block were consumed from the state's counts and passes the rest again with the next block.
   * A walk over any cut into blocks gives ecdfDistances' answer bit for bit.
   */
  ecdfWalk(a: Float64Array, aFinal: boolean, b: Float64Array, bFinal: boolean, state: Float64Array): void;
  /**
   * The arrays of plain numbers in a JSON text (UTF-8 bytes), so that a long tensor in a request
   * body is read without first becoming an array of boxed JS numbers. An array is found when it
   * lies outside strings, holds at least `minLength` elements, and each element is a JSON number
   * (RFC 8259 grammar, JSON whitespace and commas between) whose value, correctly rounded to a
   * double, is neither infinite nor zero from a nonzero mantissa (JSON.parse is left those). The
   * scan does not validate the rest of the text: that is the caller's JSON.parse.
   */
  jsonNumberArrays(text: Uint8Array, minLength: number): JsonNumberArrays;
  /**
   * Pr(D_n+ > x), the one-sided Smirnov tail (scipy.special.smirnov(n, x)) for a positive integer
   * n and 0 <= x <= 1 (NaN otherwise): the costly part of the large-n two-sample KS p-value
   * (kstwo.sf is twice it for n·x² >= 2.2, a sum of up to n terms). The sum is cut into fixed
   * blocks (js/smirnov.ts says how), so backends differ only by their log and exp (1e-12 relative)
   * and the cpu backend's result does not depend on its number of threads.
   */
  smirnovSf(n: number, x: number): number;
  /**
   * The two-sample KS distance of two unsorted samples (NaN and ±Infinity dropped): bit for bit
   * the `ks` of ecdfDistances over both samples' finite values sorted, found without sorting them
   * (js/ks-distance.ts says how): the values are binned, and only the few bins where the maximum
   * can lie are sorted and walked. Samples of fewer than 2^17 values together are sorted and
   * walked whole (binning them costs more).
   */
  ksDistance(a: FloatArray, b: FloatArray): KsDistanceResult;
  /**
   * The first Wasserstein distance of two unsorted samples (NaN and ±Infinity dropped): the
   * integral of |F_a - F_b| that ecdfDistances sums over both samples' finite values sorted,
   * found without sorting them (js/wasserstein-distance.ts says how): the values are binned, the
   * integral is taken in closed form over each bin where F_a - F_b keeps its sign, and only the
   * other bins are sorted and walked. Equal to ecdfDistances' `wasserstein` to rounding (1e-12
   * relative), not bit for bit; the same on any number of threads. Samples of fewer than 2^17
   * values together are sorted and walked whole: then it is the walk's sum exactly.
   */
  wassersteinDistance(a: FloatArray, b: FloatArray): WassersteinDistanceResult;
  /**
   * Reads CSV records from `bytes` into columns: field f of each record goes to column slots[f]
   * (-1: skipped), for at most `capacity` records. Column k is a label column when labels[k] is
   * nonzero, its codes at codes[k * capacity + row]; else a number column, its values at
   * out[k * capacity + row]. Fields are separated by ',', records by lineEnd (0: LF, 1: CRLF,
   * 2: CR; any other CR or LF is data); a field opening with '"' is quoted ("" escapes a quote,
   * separators inside are data); empty lines are skipped; every record has slots.length fields.
   * A field's text is a quoted field's bytes within its quotes ("" read as "), else its bytes.
   * A missing marker is "", NA, N/A, NaN, nan, null, NULL or None: NaN in a number column, code
   * -1 in a label column. A number is, with JavaScript white space trimmed, a decimal
   * [+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)? or [+-]?Infinity read as Number reads it. A label's
   * code is the index of its text's bytes among the column's distinct ones in this call, in
   * order of first appearance (result.firsts says where each first appears); a record is coded
   * only once it is complete and valid. Without atEnd only records whose separator lies in the
   * bytes are read. Stops at the first error, which it reports rather than throws (the caller
   * names the file, line and column). Throws a TypeError for a capacity that is not a positive
   * integer or a lineEnd other than 0, 1 and 2, and a RangeError when a slot is not -1 or below
   * labels.length, or its column does not fit out or codes. slots and labels are read before
   * anything is written (they may share memory with out or codes).
   */
  csvColumns(bytes: Uint8Array, slots: Int32Array, labels: Uint8Array, lineEnd: 0 | 1 | 2, atEnd: boolean, out: Float64Array, codes: Int32Array, capacity: number): CsvColumnsResult;
  /**
   * An Arrow numeric column chunk as float64: out[i] = value (offset + i) times `scale`, or divided
   * by −`scale` when `scale` is negative (a division by 1000 is correctly rounded, a product with
   * 1e-3 is not always), for i < length, and NaN where `validity` (an Arrow validity bitmap, bit offset + i, LSB first; null:
   * every value valid) says the value is missing. The value is the element of `values`, or, when
   * `bitPacked` (Arrow booleans; `values` must then be a Uint8Array), bit offset + i as 0 or 1.
   * 64-bit integers are rounded to the nearest double (ties to even) once, as Number(bigint) does,
   * then scaled. Throws a RangeError when values, validity or out are too short.
   */
  arrowNumbers(values: ArrowValueArray, bitPacked: boolean, offset: number, length: number, validity: Uint8Array | null, scale: number, out: Float64Array): void;
  /**
   * Codes the strings of an Arrow Utf8 / LargeUtf8 column chunk: string i (i < length) is the bytes
   * [offsets[offset + i], offsets[offset + i + 1]) of `bytes`; codes[i] = `base` + the index of its
   * byte sequence in order of first appearance, or -1 where `validity` says it is missing (its
   * offsets are not read). Returns, per code from `base` on, the row i of its first appearance,
   * which the caller decodes as the code's label (two byte sequences that are not valid UTF-8 may
   * decode to the same label under two codes). Throws a RangeError when offsets, validity or
   * codes are too short, or a valid string's offsets are decreasing or outside `bytes`.
   */
  arrowLabels(offsets: Int32Array | BigInt64Array, bytes: Uint8Array, offset: number, length: number, validity: Uint8Array | null, codes: Int32Array, base: number): Int32Array;
  /**
   * Codes the keys of an Arrow dictionary-encoded column chunk (the dictionary's own order):
   * codes[i] = base + keys[offset + i] (`keys` an integer array, 8 to 64 bits), or -1 where
   * `validity` says it is missing (its key is not read). Throws a TypeError for keys that are not
   * an integer array or an argument of the wrong type, and a RangeError when keys, validity or
   * codes are too short, base + size exceeds 2147483647, or a valid key is negative or at least
   * `size` (the dictionary's length).
   */
  arrowKeys(keys: ArrowValueArray, offset: number, length: number, validity: Uint8Array | null, size: number, base: number, codes: Int32Array): void;
  /**
   * A row filter on a numeric column: keep[i] = 0 unless values[i] OP operand holds (OP:
   * ROW_COMPARISONS[op], IEEE comparisons, so NaN fails every one but '!='); returns the rows whose
   * keep[i] is then nonzero. keep must have values.length entries.
   */
  maskRows(values: Float64Array, op: number, operand: number, keep: Uint8Array): number;
  /**
   * A row filter on a label column: keep[i] = 0 unless codes[i] >= 0 and pass[codes[i]] is
   * nonzero (codes at or beyond pass.length fail); returns the rows whose keep[i] is then nonzero.
   */
  maskCodes(codes: Int32Array, pass: Uint8Array, keep: Uint8Array): number;
  /**
   * Appends the finite values of the kept rows (keep null: every row; else keep[i] nonzero) to
   * out from index `at`, in row order; NaN and ±Infinity are left out. Throws a RangeError, before
   * writing anything, when out has fewer than (kept rows) entries from `at`.
   */
  gatherFinite(values: Float64Array, keep: Uint8Array | null, out: Float64Array, at: number): GatheredValues;
  /**
   * counts[codes[i]] += 1 for the kept rows (keep null: every row) whose code is not negative.
   * Throws a RangeError, before counting anything, when a kept code is counts.length or more.
   */
  countCodes(codes: Int32Array, keep: Uint8Array | null, counts: Float64Array): void;
  /**
   * The runs of equal values of a sorted array (a run starts at index 0 and wherever sorted[i] !==
   * sorted[i - 1]): run r's first value and its length go to values[r] and counts[r] while r is
   * below both arrays' lengths; returns the number of runs, the distinct values (which may exceed
   * the room given: pass empty arrays to count only).
   */
  sortedRuns(sorted: Float64Array, values: Float64Array, counts: Float64Array): number;
  /** labels[r] = index of the largest value of row r (first on ties), confidence[r] = that value. */
  argmaxRows(p: Float32Array, rows: number, cols: number, labels: Int32Array, confidence: Float32Array): void;
  /** argmaxRows without blocking the event loop (`labels` and `confidence` must not be touched until it resolves). */
  argmaxRowsAsync(p: Float32Array, rows: number, cols: number, labels: Int32Array, confidence: Float32Array): Promise<void>;
  /**
   * Keeps sorted reference samples for sortAndMeasure. The values must not change while held (a
   * ReferenceProfile's packed samples never do); the cuda backend copies them to the device once,
   * and frees that copy when the returned object is garbage-collected.
   */
  holdSamples(values: Float64Array): HeldSamples;
  /**
   * sortColumns of columns [firstCol, firstCol + colCount), then the KS and Wasserstein distances
   * of pairs: pair j compares the held window [aStart[j], aStart[j] + aCount[j]) with sorted column
   * column[j] (0-based within the range); ks/wasserstein are NaN where a side is empty. The sorted
   * columns are written to `out` (at least rows * colCount values) only when it is given: a caller
   * that needs only the distances saves that copy (on cuda the sorted columns never leave the device).
   */
  sortAndMeasure(data: FloatArray, rows: number, cols: number, firstCol: number, colCount: number, reference: HeldSamples, aStart: Float64Array, aCount: Float64Array, column: Float64Array, out?: Float64Array): MeasuredColumns;
  /** sortAndMeasure without blocking the event loop (`out` must not be touched until it resolves). */
  sortAndMeasureAsync(data: FloatArray, rows: number, cols: number, firstCol: number, colCount: number, reference: HeldSamples, aStart: Float64Array, aCount: Float64Array, column: Float64Array, out?: Float64Array): Promise<MeasuredColumns>;
  /**
   * Every layer of a dense model over rows x layers[0].inputSize values (float64 input is rounded
   * to float32 first), into out (rows x the last layer's outputSize). Host backends run the layers
   * batchRows rows at a time with intermediate results in two batch-sized buffers; cuda keeps
   * them on the device and sizes its own chunks.
   */
  denseStackForward(x: FloatArray, rows: number, layers: readonly DenseLayerArrays[], out: Float32Array, batchRows: number): void;
  /** denseStackForward without blocking the event loop (`out` must not be touched until it resolves). */
  denseStackForwardAsync(x: FloatArray, rows: number, layers: readonly DenseLayerArrays[], out: Float32Array, batchRows: number): Promise<void>;
}
