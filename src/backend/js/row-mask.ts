/**
 * maskRows and maskCodes, the JS reference: a batch job's row filters (`delay>15`, `origin=SFO`)
 * as a keep mask over a chunk's rows, several filters ANDed into one mask.
 */

function checkMask(keep: Uint8Array, rows: number): void {
  if (keep.length !== rows) throw new RangeError(`Expected keep to hold ${rows} entries (one per row) but received ${keep.length}`);
}

export function maskRows(values: Float64Array, op: number, operand: number, keep: Uint8Array): number {
  checkMask(keep, values.length);
  if (!(Number.isInteger(op) && op >= 0 && op <= 5)) throw new RangeError(`Expected an operator code 0-5 for op but received ${op}`);
  let kept = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const pass = op === 0 ? v < operand : op === 1 ? v <= operand : op === 2 ? v > operand : op === 3 ? v >= operand : op === 4 ? v === operand : v !== operand;
    if (!pass) keep[i] = 0;
    else if (keep[i] !== 0) kept++;
  }
  return kept;
}

export function maskCodes(codes: Int32Array, pass: Uint8Array, keep: Uint8Array): number {
  checkMask(keep, codes.length);
  let kept = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0 || c >= pass.length || pass[c] === 0) keep[i] = 0;
    else if (keep[i] !== 0) kept++;
  }
  return kept;
}
