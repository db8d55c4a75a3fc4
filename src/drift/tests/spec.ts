/**
 * A drift test, described once: its name, the columns it takes, its default threshold, whether it
 * gives a p-value, its drift rule, when the automatic choice picks it, and how it measures a
 * column pair. Everything else (the list of tests, default thresholds, the p-value set, the drift
 * rule, the automatic choice, the CLI's list) is derived from the specs in ./index.ts, so adding a
 * test is one file here (and its test).
 */
import type { TestResult } from '../statistics.js';
import type { ColumnPair } from './column-pair.js';

/** When the automatic choice picks a test: by reference size, numbers or categories, and (for small references of categories) how many. */
export interface AutoChoice {
  /** 'small': a reference of at most SMALL_REFERENCE_ROWS usable values; 'large': more. */
  reference: 'small' | 'large';
  /** true: the column is tested as numbers; false: as categories. */
  numbers: boolean;
  /** For categories of a small reference: 'two' (at most two categories in both samples together) or 'more'. */
  categories?: 'two' | 'more';
}

export interface DriftTestSpec<Name extends string = string> {
  readonly name: Name;
  /** 'numerical': the test needs numbers; 'any': it takes categories too (numbers as their distinct values). */
  readonly columns: 'numerical' | 'any';
  readonly defaultThreshold: number;
  /** True when the statistic comes with a p-value (multiple-testing correction applies to these). */
  readonly hasPValue: boolean;
  /**
   * True when the test reads only the sample sizes and the ECDF distances of the current values
   * (and the reference's summary): a backend that measures a column where it sorted it (cuda) then
   * need not send the values back.
   */
  readonly distancesOnly: boolean;
  /** When the automatic choice picks this test (undefined: only when named). */
  readonly auto?: AutoChoice;
  /** Whether a result is drift at a threshold. */
  isDrift(result: TestResult, threshold: number): boolean;
  /** The statistic (and p-value) of a column pair. */
  measure(pair: ColumnPair): TestResult;
}

/** A spec with its name kept as a literal type (the union of names is derived from the list). */
export function defineDriftTest<Name extends string>(spec: DriftTestSpec<Name>): DriftTestSpec<Name> {
  return spec;
}
