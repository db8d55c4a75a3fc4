/**
 * Exact quantiles in plain TypeScript, NumPy's default 'linear' method (Hyndman & Fan type 7):
 * the reference for native/kernels/quantiles.cc.
 *
 * The needed order statistics are found by Floyd–Rivest selection on a private copy (never a
 * full sort, never touching the caller's array). Ranks are sorted; the middle one is selected,
 * and each side is searched only for the ranks that fall in it.
 * Twins: native/kernels/quantiles.cc (cpu) and native/cuda/quantiles.cu (cuda): the same contract, the same answers.
 */
import type { FloatArray } from '../../matrix.js';

/** Quantiles of values for each q in [0, 1], in the order of q. */
export function quantiles(values: FloatArray, q: Float64Array): Float64Array {
  const n = values.length;
  const out = new Float64Array(q.length).fill(NaN);
  if (n === 0 || q.length === 0) return out;
  // A copy of the same precision: NumPy takes (b - a) in the input's precision.
  const work = values instanceof Float32Array ? Float32Array.from(values) : Float64Array.from(values);
  for (let i = 0; i < n; i++) if (work[i] !== work[i]) return out; // any NaN: all NaN, as NumPy

  const last = n - 1;
  const lo = new Array<number>(q.length);
  const hi = new Array<number>(q.length);
  const gamma = new Float64Array(q.length);
  for (let i = 0; i < q.length; i++) {
    const h = last * q[i];
    if (h >= last) {
      lo[i] = hi[i] = last;
      gamma[i] = h - last;
    } else {
      const f = Math.floor(Math.max(0, h));
      lo[i] = f;
      hi[i] = f + 1;
      gamma[i] = h - f;
    }
  }
  const ranks = [...new Set([...lo, ...hi])].sort((a, b) => a - b);
  selectRanks(work, 0, n, ranks, 0, ranks.length);

  const isF32 = work instanceof Float32Array;
  for (let i = 0; i < q.length; i++) {
    const a = work[lo[i]];
    const b = work[hi[i]];
    const diff = isF32 ? Math.fround(b - a) : b - a;
    // NumPy's _lerp: interpolate from the nearer end.
    out[i] = gamma[i] >= 0.5 ? b - diff * (1 - gamma[i]) : a + diff * gamma[i];
  }
  return out;
}

/** Places ranks[r0, r1) (sorted, all within [lo, hi)) at their sorted positions in v. */
function selectRanks(v: FloatArray, lo: number, hi: number, ranks: number[], r0: number, r1: number): void {
  while (r0 < r1) {
    const mid = (r0 + r1) >> 1;
    const k = ranks[mid];
    if (k === lo) moveMinTo(v, lo, hi);
    else floydRivest(v, k, lo, hi - 1);
    selectRanks(v, lo, k, ranks, r0, mid);
    lo = k + 1;
    r0 = mid + 1;
  }
}

/** Swaps the minimum of v[lo, hi) into v[lo]. */
function moveMinTo(v: FloatArray, lo: number, hi: number): void {
  let m = lo;
  for (let i = lo + 1; i < hi; i++) if (v[i] < v[m]) m = i;
  swap(v, lo, m);
}

/**
 * Floyd & Rivest (1975) selection, as in Kiwiel's description: afterwards v[k] holds the value of
 * rank k within v[left..right], smaller values before it and larger after it.
 */
function floydRivest(v: FloatArray, k: number, left: number, right: number): void {
  while (right > left) {
    if (right - left > 600) {
      // Recurse on a sample to pick pivots close to the k-th value.
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd));
      floydRivest(v, k, newLeft, newRight);
    }
    const t = v[k];
    let i = left;
    let j = right;
    swap(v, left, k);
    if (v[right] > t) swap(v, left, right);
    while (i < j) {
      swap(v, i, j);
      i++;
      j--;
      while (v[i] < t) i++;
      while (v[j] > t) j--;
    }
    if (v[left] === t) swap(v, left, j);
    else {
      j++;
      swap(v, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

function swap(v: FloatArray, i: number, j: number): void {
  const t = v[i];
  v[i] = v[j];
  v[j] = t;
}
