/** A Neumaier-compensated running sum: value sum + comp. Twin: native/kernels/compensated.h. */
export interface Compensated {
  sum: number;
  comp: number;
}

/** Adds x to acc. */
export function addTo(acc: Compensated, x: number): void {
  const t = acc.sum + x;
  acc.comp += Math.abs(acc.sum) >= Math.abs(x) ? acc.sum - t + x : x - t + acc.sum;
  acc.sum = t;
}
