/** The continuous learner's wait after failed runs: exponential, capped. */
import { requireNumber } from '../errors.js';

export interface BackoffOptions {
  /** The wait after the first failure, ms (default 60 000). */
  initialMs?: number;
  /** The longest wait, ms (default 3 600 000: one hour). */
  maxMs?: number;
}

/** The wait after `failures` consecutive failed runs: initialMs * 2^(failures - 1), at most maxMs; 0 without failures. */
export function backoffMs(failures: number, options: Required<BackoffOptions>): number {
  if (failures <= 0) return 0;
  // 2^failures overflows to Infinity long after the cap applies; Math.min keeps the cap
  return Math.min(options.initialMs * 2 ** (failures - 1), options.maxMs);
}

/** Checks backoff options and fills in the defaults. */
export function checkBackoff(options: BackoffOptions | undefined): Required<BackoffOptions> {
  const initialMs = requireNumber(options?.initialMs ?? 60_000, 'options.backoff.initialMs', 0);
  const maxMs = requireNumber(options?.maxMs ?? 3_600_000, 'options.backoff.maxMs', initialMs);
  return { initialMs, maxMs };
}
