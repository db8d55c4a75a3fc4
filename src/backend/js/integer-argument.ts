/**
 * The js kernels' check of an integer argument, as the addon makes it (native/addon/args.h,
 * integer_arg): a safe integer of at least `min`, else the same TypeError.
 */
export function integerArgument(value: number, name: string, min: 0 | 1): number {
  if (!Number.isSafeInteger(value) || value < min) throw new TypeError(`Expected a ${min === 1 ? 'positive' : 'non-negative'} integer for ${name} but received ${String(value)}`);
  return value;
}
