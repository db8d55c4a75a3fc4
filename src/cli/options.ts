/**
 * Option values of the command line: sizes ("1GiB", "512MB", bytes), comma lists, and the
 * --tests form ("auto", one test for every column, or column=test pairs).
 */
import { DRIFT_TESTS, type ColumnDriftOptions, type DriftTestName } from '../drift/drift-options.js';

export { UsageError } from '../errors.js';
import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1e3, kib: 1024, m: 1e6, mb: 1e6, mib: 1024 ** 2, g: 1e9, gb: 1e9, gib: 1024 ** 3 };

/** "1GiB", "512MB", "2g", "1048576" as bytes. */
export function parseBytes(text: string, option: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new UsageError(`${option}: expected a size such as 1GiB, 512MiB or 200MB, got ${JSON.stringify(text)}`);
  return Math.floor(Number(m[1]) * unit);
}

/** A decimal number in [0, 1] ("0.3", "1"); an empty or other string is a usage error, never 0. */
/** A whole-number option (absent: undefined), at least `min`. */
export function parseWholeNumber(text: string | undefined, option: string, min = 0): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min) throw new UsageError(`${option}: expected a whole number${min > 0 ? ` >= ${min}` : ''}, got ${JSON.stringify(text)}`);
  return Number(text);
}

export function parseShare(text: string, option: string): number {
  const value = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(text) ? Number(text) : NaN;
  if (!(value >= 0 && value <= 1)) throw new UsageError(`${option}: expected a number in [0, 1], got ${JSON.stringify(text)}`);
  return value;
}

/** "a,b , c" as ['a', 'b', 'c'] (empty items dropped). */
export function parseList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function requireTestName(name: string): DriftTestName | 'auto' {
  if (name !== 'auto' && !DRIFT_TESTS.includes(name as DriftTestName)) throw new UsageError(`--tests: unknown test ${JSON.stringify(name)} (auto, ${DRIFT_TESTS.join(', ')})`);
  return name as DriftTestName | 'auto';
}

/** --tests: "auto", "ks" (every column), or "wasserstein,origin=chisquare" (a default and per-column tests). */
export function parseTests(text: string | undefined): { test?: DriftTestName | 'auto'; columns: Record<string, ColumnDriftOptions> } {
  const columns: Record<string, ColumnDriftOptions> = {};
  let test: DriftTestName | 'auto' | undefined;
  for (const item of parseList(text) ?? []) {
    const eq = item.indexOf('=');
    if (eq < 0) {
      if (test !== undefined) throw new UsageError(`--tests: two tests for every column (${test}, ${item}); name columns as column=test`);
      test = requireTestName(item);
    } else columns[item.slice(0, eq).trim()] = { test: requireTestName(item.slice(eq + 1).trim()) };
  }
  return { test, columns };
}
