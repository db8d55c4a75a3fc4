/**
 * Every kernel and class test runs once per backend available on this machine. On CI the
 * native `cpu` backend must be among them (a missing addon there is a failure, not a skip).
 */
import { afterAll, beforeEach, describe } from 'vitest';
import { availableBackends, getBackend, useBackend, type Backend, type BackendName } from '../../src/index.js';

export const backendsUnderTest: BackendName[] = availableBackends();

/**
 * A suite written once and run on every backend available here (as TensorFlow.js's ALL_ENVS):
 * `title` may hold %s for the backend's name; each test starts with that backend active, and the
 * backend active before the suite is restored after it.
 */
export function describeEachBackend(title: string, body: (backend: BackendName) => void): void {
  describe.each(backendsUnderTest)(title, (backend) => {
    const before = getBackend().name;
    beforeEach(() => {
      useBackend(backend);
    });
    afterAll(() => {
      useBackend(before);
    });
    body(backend);
  });
}

/** The backend objects of the named backends (the active backend is left as it was). */
export function backendObjects(names: readonly BackendName[]): Backend[] {
  const active = getBackend().name;
  const out = names.map((name) => useBackend(name));
  useBackend(active);
  return out;
}

/** Relative closeness with an absolute floor, treating NaN == NaN and equal infinities as equal. */
export function close(actual: number, expected: number, rel: number, abs = 0): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (!Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= Math.max(abs, rel * Math.abs(expected));
}

/** Indexes where actual and expected differ beyond the tolerance (empty when they agree). */
export function mismatches(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, abs = 0): string[] {
  const out: string[] = [];
  if (actual.length !== expected.length) return [`length ${actual.length} != ${expected.length}`];
  for (let i = 0; i < expected.length; i++) {
    if (!close(actual[i], expected[i], rel, abs)) out.push(`[${i}] ${actual[i]} != ${expected[i]}`);
  }
  return out;
}

/** True when two typed arrays hold the same bytes (a fast check that an input was not modified). */
export function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}
