/**
 * The drift tests' specs (src/drift/tests/): what is derived from them (names, default thresholds,
 * p-value and numerical-only sets, the drift rule at its boundary) and the automatic choice, which
 * must pick exactly one test for every kind of column, as documented.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, DRIFT_TESTS, isDrift, NUMERICAL_ONLY, P_VALUE_TESTS } from '../../src/drift/drift-options.js';
import { autoTestRule, DRIFT_TEST_SPECS, SMALL_REFERENCE_ROWS } from '../../src/drift/tests/index.js';

describe('drift test specs', () => {
  it('give the list of tests, their default thresholds and their kinds', () => {
    expect(DRIFT_TESTS).toEqual(['ks', 'wasserstein', 'psi', 'jensenshannon', 'chisquare', 'z', 'meanShift']);
    expect(DEFAULT_THRESHOLDS).toEqual({ ks: 0.05, wasserstein: 0.1, psi: 0.1, jensenshannon: 0.1, chisquare: 0.05, z: 0.05, meanShift: 2 });
    expect([...P_VALUE_TESTS].sort()).toEqual(['chisquare', 'ks', 'z']);
    expect([...NUMERICAL_ONLY].sort()).toEqual(['ks', 'meanShift', 'wasserstein']);
    expect(DRIFT_TEST_SPECS.filter((s) => s.distancesOnly).map((s) => s.name)).toEqual(['ks', 'wasserstein']);
  });

  it('decide drift at the threshold by each test’s own rule', () => {
    // at the threshold: ks drifts (p <= t), chisquare and z do not (p < t), meanShift does not (> t), the distances do (>= t)
    expect(isDrift('ks', 0.3, 0.05, 0.05)).toBe(true);
    expect(isDrift('chisquare', 9, 0.05, 0.05)).toBe(false);
    expect(isDrift('z', 2, 0.05, 0.05)).toBe(false);
    expect(isDrift('meanShift', 2, undefined, 2)).toBe(false);
    for (const t of ['wasserstein', 'psi', 'jensenshannon'] as const) expect(isDrift(t, 0.1, undefined, 0.1)).toBe(true);
    for (const t of DRIFT_TESTS) {
      const spec = DRIFT_TEST_SPECS.find((s) => s.name === t)!;
      const clear = spec.hasPValue ? { statistic: 0, pValue: 0.9 } : { statistic: 0 };
      expect(isDrift(t, clear.statistic, clear.pValue, spec.defaultThreshold), t).toBe(false);
    }
  });

  it('choose one test automatically for every kind of column, as documented', () => {
    const small = SMALL_REFERENCE_ROWS;
    const large = SMALL_REFERENCE_ROWS + 1;
    expect(autoTestRule(small, true, () => 0)).toBe('ks');
    expect(autoTestRule(small, false, () => 3)).toBe('chisquare');
    expect(autoTestRule(small, false, () => 2)).toBe('z');
    expect(autoTestRule(small, false, () => 1)).toBe('z');
    expect(autoTestRule(large, true, () => 0)).toBe('wasserstein');
    expect(autoTestRule(large, false, () => 50)).toBe('jensenshannon');
    // the number of categories is only asked where a spec needs it
    let asked = 0;
    autoTestRule(large, false, () => ++asked);
    autoTestRule(small, true, () => ++asked);
    expect(asked).toBe(0);
    // no two specs claim the same case
    const cases = DRIFT_TEST_SPECS.flatMap((s) => (s.auto ? [`${s.auto.reference}/${s.auto.numbers}/${s.auto.categories ?? '*'}`] : []));
    expect(new Set(cases).size).toBe(cases.length);
  });
});
