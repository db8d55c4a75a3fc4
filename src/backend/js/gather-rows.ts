/**
 * gatherFinite and countCodes, the JS reference: a batch job's collectors take a chunk's kept
 * rows (a keep mask from maskRows / maskCodes, or every row) without first copying the chunk.
 */
import type { GatheredValues } from '../contract.js';

function keptRows(keep: Uint8Array | null, rows: number): number {
  if (!keep) return rows;
  if (keep.length !== rows) throw new RangeError(`Expected keep to hold ${rows} entries (one per row) but received ${keep.length}`);
  let kept = 0;
  for (let i = 0; i < rows; i++) if (keep[i] !== 0) kept++;
  return kept;
}

export function gatherFinite(values: Float64Array, keep: Uint8Array | null, out: Float64Array, at: number): GatheredValues {
  const kept = keptRows(keep, values.length);
  if (!(Number.isInteger(at) && at >= 0 && at <= out.length && out.length - at >= kept)) throw new RangeError(`Expected out to hold ${kept} values (the kept rows) from index ${at} but received out.length ${out.length}`);
  let n = at;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (keep && keep[i] === 0) continue;
    const v = values[i];
    if (v - v !== 0) continue; // NaN or ±Infinity
    out[n++] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { count: n - at, min, max };
}

export function countCodes(codes: Int32Array, keep: Uint8Array | null, counts: Float64Array): void {
  keptRows(keep, codes.length);
  for (let i = 0; i < codes.length; i++) {
    if (keep && keep[i] === 0) continue;
    if (codes[i] >= counts.length) throw new RangeError(`Expected codes below counts.length (${counts.length}) but received ${codes[i]} at row ${i}`);
  }
  for (let i = 0; i < codes.length; i++) {
    if (keep && keep[i] === 0) continue;
    const c = codes[i];
    if (c >= 0) counts[c]++;
  }
}
