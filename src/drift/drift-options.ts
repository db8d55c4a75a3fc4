/**
 * The drift suite's tests, their default thresholds and drift rules, and the options that
 * choose them per column.
 */
import { rangeError, requireNumber, typeError } from '../errors.js';

export type DriftTestName = 'ks' | 'wasserstein' | 'psi' | 'jensenshannon' | 'chisquare' | 'z' | 'meanShift';
export const DRIFT_TESTS: readonly DriftTestName[] = ['ks', 'wasserstein', 'psi', 'jensenshannon', 'chisquare', 'z', 'meanShift'];

/** Tests that need numbers (the rest also take categories). */
export const NUMERICAL_ONLY: ReadonlySet<DriftTestName> = new Set(['ks', 'wasserstein', 'meanShift']);
/** Tests whose statistic comes with a p-value (the ones multiple-testing correction applies to). */
export const P_VALUE_TESTS: ReadonlySet<DriftTestName> = new Set(['ks', 'chisquare', 'z']);

/** Default thresholds (Evidently's; meanShift: the original score's 2 standard deviations). */
export const DEFAULT_THRESHOLDS: Readonly<Record<DriftTestName, number>> = {
  ks: 0.05,
  wasserstein: 0.1,
  psi: 0.1,
  jensenshannon: 0.1,
  chisquare: 0.05,
  z: 0.05,
  meanShift: 2,
};

/**
 * Whether a result is drift: ks when p <= threshold; chisquare and z when p < threshold;
 * wasserstein, psi and jensenshannon when the statistic >= threshold; meanShift when > threshold.
 */
export function isDrift(test: DriftTestName, statistic: number, pValue: number | undefined, threshold: number): boolean {
  switch (test) {
    case 'ks':
      return pValue! <= threshold;
    case 'chisquare':
    case 'z':
      return pValue! < threshold;
    case 'meanShift':
      return statistic > threshold;
    default:
      return statistic >= threshold;
  }
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
