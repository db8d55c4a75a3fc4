/** Time source: epoch milliseconds, like Date.now. Injected into every class so that policies are testable without sleeping. */
import { coded } from './errors.js';

export type Clock = () => number;

/** Checks an optional clock option and returns it, or Date.now. */
export function clockOption(now: unknown, name = 'options.now'): Clock {
  if (now === undefined) return Date.now;
  if (typeof now !== 'function') throw coded(new TypeError(`Expected a function returning epoch milliseconds for ${name} but received ${typeof now}`), 'ERR_MLWATCH_INVALID_ARGUMENT');
  return now as Clock;
}
