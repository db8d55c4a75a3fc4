/**
 * The drift suite's tests, their default thresholds and drift rules, and the options that
 * choose them per column.
 */
import { rangeError, requireNumber, typeError } from '../errors.js';
import { DRIFT_TEST_SPECS, driftTestSpec, type DriftTestName } from './tests/index.js';

export type { DriftTestName };

/** The tests' names, from their specs (drift/tests/). */
export const DRIFT_TESTS: readonly DriftTestName[] = DRIFT_TEST_SPECS.map((s) => s.name);

/** Tests that need numbers (the rest also take categories). */
export const NUMERICAL_ONLY: ReadonlySet<DriftTestName> = new Set(DRIFT_TEST_SPECS.filter((s) => s.columns === 'numerical').map((s) => s.name));
/** Tests whose statistic comes with a p-value (the ones multiple-testing correction applies to). */
export const P_VALUE_TESTS: ReadonlySet<DriftTestName> = new Set(DRIFT_TEST_SPECS.filter((s) => s.hasPValue).map((s) => s.name));

/** Default thresholds (Evidently's; meanShift: the original score's 2 standard deviations). */
export const DEFAULT_THRESHOLDS: Readonly<Record<DriftTestName, number>> = Object.fromEntries(DRIFT_TEST_SPECS.map((s) => [s.name, s.defaultThreshold])) as Record<DriftTestName, number>;

/** Whether a result is drift, by the test's own rule (ks: p <= threshold; chisquare and z: p < threshold; meanShift: > threshold; the others: >= threshold). */
export function isDrift(test: DriftTestName, statistic: number, pValue: number | undefined, threshold: number): boolean {
  return driftTestSpec(test).isDrift({ statistic, pValue }, threshold);
}

export type Correction = 'none' | 'bonferroni' | 'fdr';

/** Per-column choice of test and threshold. */
export interface ColumnDriftOptions {
  test?: DriftTestName | 'auto';
  threshold?: number;
}

export interface DriftSuiteOptions {
  /** Test for every column where it applies ('auto' elsewhere). Default 'auto'. */
  test?: DriftTestName | 'auto';
  /** Thresholds per test, replacing the defaults. */
  thresholds?: Partial<Record<DriftTestName, number>>;
  /** Per-column test and threshold, overriding the two options above. */
  columns?: Record<string, ColumnDriftOptions>;
  /** Dataset drift when the share of drifted columns is >= this. Default 0.5. */
  driftShare?: number;
  /** Multiple-testing correction over the p-value tests. Default 'none'. */
  correction?: Correction;
}

function requireTest(value: unknown, name: string): DriftTestName | 'auto' {
  if (value !== 'auto' && !DRIFT_TESTS.includes(value as DriftTestName)) {
    throw typeError(`'auto' or one of ${DRIFT_TESTS.join(', ')}`, name, value);
  }
  return value as DriftTestName | 'auto';
}

/** Checks the suite options; `columns` names and kinds are checked against the reference later. */
export function validateSuiteOptions(options: DriftSuiteOptions): Required<Omit<DriftSuiteOptions, 'columns'>> & { columns: Record<string, ColumnDriftOptions> } {
  const test = requireTest(options.test ?? 'auto', 'options.test');
  const thresholds = { ...DEFAULT_THRESHOLDS };
  if (options.thresholds !== undefined) {
    if (typeof options.thresholds !== 'object' || options.thresholds === null) throw typeError('an object of thresholds', 'options.thresholds', options.thresholds);
    for (const [key, value] of Object.entries(options.thresholds)) {
      requireTest(key, `options.thresholds key`);
      thresholds[key as DriftTestName] = requireNumber(value, `options.thresholds.${key}`, 0);
    }
  }
  const columns = options.columns ?? {};
  if (typeof columns !== 'object' || columns === null) throw typeError('an object of per-column options', 'options.columns', columns);
  for (const [name, c] of Object.entries(columns)) {
    if (typeof c !== 'object' || c === null) throw typeError('{ test?, threshold? }', `options.columns.${name}`, c);
    if (c.test !== undefined) requireTest(c.test, `options.columns.${name}.test`);
    if (c.threshold !== undefined) requireNumber(c.threshold, `options.columns.${name}.threshold`, 0);
  }
  const driftShare = requireNumber(options.driftShare ?? 0.5, 'options.driftShare', 0, 1);
  const correction = options.correction ?? 'none';
  if (!['none', 'bonferroni', 'fdr'].includes(correction)) throw rangeError("'none', 'bonferroni' or 'fdr'", 'options.correction', String(correction));
  return { test, thresholds, columns, driftShare, correction };
}
