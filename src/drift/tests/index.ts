/**
 * The drift tests, one spec per file, and what is derived from them: the list of names, the
 * default thresholds, the p-value tests, the drift rule and the automatic choice.
 */
import type { TestResult } from '../statistics.js';
import { chisquare } from './chisquare.js';
import { categoryCount, testedAsNumbers, type ColumnPair } from './column-pair.js';
import { jensenshannon } from './jensenshannon.js';
import { ks } from './ks.js';
import { meanShift } from './mean-shift.js';
import { psi } from './psi.js';
import type { AutoChoice, DriftTestSpec } from './spec.js';
import { wasserstein } from './wasserstein.js';
import { z } from './z.js';

/** Every drift test, in the order reports and messages list them. */
export const DRIFT_TEST_SPECS = [ks, wasserstein, psi, jensenshannon, chisquare, z, meanShift] as const;

export type DriftTestName = (typeof DRIFT_TEST_SPECS)[number]['name'];

const BY_NAME = new Map<string, DriftTestSpec<DriftTestName>>(DRIFT_TEST_SPECS.map((s) => [s.name, s]));

/** The spec of a test by name. */
export function driftTestSpec(name: DriftTestName): DriftTestSpec<DriftTestName> {
  return BY_NAME.get(name)!;
}

/** Reference sizes up to this use the small-sample tests (the automatic choice's 'small'). */
export const SMALL_REFERENCE_ROWS = 1000;

/** The automatic choice from its inputs: the reference's usable values, numbers or categories, and (asked only when a spec needs it) the number of categories of both samples together. */
export function autoTestRule(referenceCount: number, numbers: boolean, categories: () => number): DriftTestName {
  const reference: AutoChoice['reference'] = referenceCount <= SMALL_REFERENCE_ROWS ? 'small' : 'large';
  let count: 'two' | 'more' | undefined;
  for (const spec of DRIFT_TEST_SPECS) {
    const auto: AutoChoice | undefined = spec.auto;
    if (!auto || auto.reference !== reference || auto.numbers !== numbers) continue;
    if (auto.categories !== undefined) {
      count ??= categories() > 2 ? 'more' : 'two';
      if (auto.categories !== count) continue;
    }
    return spec.name;
  }
  throw new Error(`no drift test is chosen automatically for a ${reference} reference of ${numbers ? 'numbers' : 'categories'}`);
}

/** The automatic choice for a column pair. */
export function autoTest(pair: ColumnPair): DriftTestName {
  return autoTestRule(pair.referenceCount, testedAsNumbers(pair), () => categoryCount(pair));
}

/** The statistic (and p-value) of `test` on a column pair. */
export function measureColumn(pair: ColumnPair, test: DriftTestName): TestResult {
  return driftTestSpec(test).measure(pair);
}
