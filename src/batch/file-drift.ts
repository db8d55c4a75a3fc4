/**
 * driftOfFiles: the drift suite over two table files (or a saved reference profile and a file),
 * read in chunks within a memory budget. Numeric columns are collected as sorted values, in
 * memory while they fit and as sorted runs on disk beyond that; every test is then exact:
 * KS and Wasserstein from a merge walk over the sorted values, histograms (PSI,
 * Jensen–Shannon, on DriftDetector's bins), counts (chi-square, z) and moments (mean shift)
 * from the same pass. Results are DriftDetector's on the same data.
 *
 * Memory: the budget is split in fifths: collected values (both files), the sort of spilled runs
 * (the runs waiting to be sorted together and their sorted output: memory-pool.ts), the merge of
 * one column's runs, and two fifths for the reader and the runtime.
 */
import { statSync } from 'node:fs';
import type { Backend, BackendName } from '../backend/contract.js';
import { getBackend, isRegisteredBackend } from '../backend/registry.js';
import { peakRssBytes } from '../peak-memory.js';
import { rangeError, requireInteger, typeError } from '../errors.js';
import { resolveSuite } from '../drift/drift-detector.js';
import type { DriftSuiteOptions, DriftTestName } from '../drift/drift-options.js';
import { columnOutcome, summarise, type ColumnOutcome, type DatasetDriftResult, type SuiteConfig } from '../drift/drift-suite.js';
import { ReferenceProfile, type PreparedColumn, type ProfileParts } from '../drift/reference-profile.js';
import { runOnWorker } from './job-thread.js';
import { openedPath } from './readers/open-table.js';
import type { CategoricalSample } from '../drift/samples.js';
import { sturgesEdges } from '../drift/statistics.js';
import { barsDistribution, histogramDistribution, type Distribution } from './distribution.js';
import { streamedEcdfDistances } from './ecdf-walk.js';
import { MemoryPool } from './memory-pool.js';
import { createRunDirectory, removeRunDirectory } from './run-directory.js';
import type { NumericColumn } from './numeric-collector.js';
import { parseRowFilter } from './row-filter.js';
import { singleBlock, type SortedBlocks } from './sorted-blocks.js';
import { SummaryBuilder } from './sorted-summary.js';
import { autoTestOfSummaries, categoriesOfSide, evaluateSummaries, usableCount, type SideSummary } from './summary-drift.js';
import { collectTables, type CollectedTable, type CollectPlan } from './table-collector.js';
import { InputFileError, requireColumns, type TableSource } from './table-source.js';
import { MAX_DISCRETE_VALUES } from '../drift/statistics.js';

/** Default memory budget of a job: 1 GiB. */
export const DEFAULT_MEMORY_BYTES = 1024 * 1024 * 1024;

/** Where a job is: reading a file (how far), or measuring the columns (how many done). */
export type JobProgress =
  | {
      phase: 'read';
      /** The file being read: 'both' when one file holds both sides (read once). */
      side: 'reference' | 'current' | 'both';
      path: string;
      rowsRead: number;
      /** Rows in the file, when its format says so. */
      rowsTotal: number | undefined;
      bytesRead: number | undefined;
      bytesTotal: number;
    }
  | {
      phase: 'measure';
      /** Columns measured so far, of `columns`. */
      done: number;
      columns: number;
      /** True when the column being measured is merged from sorted runs on disk. */
      fromDisk: boolean;
    };

export interface FileDriftOptions extends DriftSuiteOptions {
  /** Columns to compare (default: every column of the reference). */
  include?: readonly string[];
  /** Columns of numbers to compare as categories (label columns always are). */
  categorical?: readonly string[];
  /** Row filters on the reference file, all of which must hold: "date<2001-02-01", "origin=SFO". */
  referenceFilters?: readonly string[];
  /** Row filters on the current file. */
  currentFilters?: readonly string[];
  /** Memory budget in bytes (default 1 GiB); beyond it values are sorted into runs on disk. */
  memoryBytes?: number;
  /** Directory for the sorted runs (default the system's temporary directory). */
  tmpDir?: string;
  /** Backend that sorts (default the active one). */
  backend?: Backend;
  /** Called after every chunk read. */
  onProgress?: (progress: JobProgress) => void;
  /**
   * Where the job runs: 'worker' (default), a worker thread, so the caller's event loop keeps
   * running (a job holds it for tens of milliseconds per chunk and seconds per column from disk);
   * 'caller', this thread, which saves starting the worker (0.1-0.5 s, once while jobs keep
   * coming), for a process with nothing else to do. Tables of the caller's own making (not
   * from openTable) and backends of the caller's own making always run on the caller's thread.
   */
  thread?: 'worker' | 'caller';
}

/** A file's part in a job. */
export interface FileUse {
  path: string;
  rowsRead: number;
  /** Rows that passed the filters. */
  rowsUsed: number;
}

export interface FileDriftReport {
  drift: DatasetDriftResult;
  /** Per column, what a report plots. */
  distributions: Record<string, Distribution>;
  /** The reference file, or the profile's path-less summary (rowsRead = the profile's rows). */
  reference: FileUse;
  current: FileUse;
  backend: BackendName;
  memoryBudgetBytes: number;
  /** True when values went to disk as sorted runs. */
  spilledToDisk: boolean;
  seconds: number;
  /** Of which reading the files (and sorting what stayed in memory or spilling runs)… */
  readSeconds: number;
  /** …and measuring the columns (merging runs from disk, the tests). */
  measureSeconds: number;
  /** The process's peak resident memory when the job ended (everything it ever held, not only this job). */
  peakRssBytes: number;
}

interface ColumnPlan {
  name: string;
  kind: 'numerical' | 'categorical';
  /** Categories are strings (false: numbers counted as categories). */
  labels: boolean;
}

/** One column of one side after reading. */
type CollectedSide = { kind: 'numeric'; column: NumericColumn | SortedInMemory } | { kind: 'categorical'; sample: CategoricalSample };

/** A profile's numeric column, shaped like a collected one. */
interface SortedInMemory {
  total: number;
  count: number;
  min: number;
  max: number;
  sorted: Float64Array;
  blocks(memoryBytes: number): SortedBlocks;
}

function inMemory(sorted: Float64Array, total: number): SortedInMemory {
  const count = sorted.length;
  return { total, count, min: count ? sorted[0] : NaN, max: count ? sorted[count - 1] : NaN, sorted, blocks: () => singleBlock(sorted) };
}

function validateOptions(options: FileDriftOptions): { memoryBytes: number; backend: Backend } {
  if (typeof options !== 'object' || options === null) throw typeError('an options object', 'options', options);
  const memoryBytes = requireInteger(options.memoryBytes ?? DEFAULT_MEMORY_BYTES, 'options.memoryBytes', 1 << 20);
  if (options.thread !== undefined && options.thread !== 'worker' && options.thread !== 'caller') throw typeError("'worker' or 'caller'", 'options.thread', options.thread);
  for (const key of ['include', 'categorical', 'referenceFilters', 'currentFilters'] as const) {
    const list = options[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((v) => typeof v !== 'string'))) throw typeError('an array of strings', `options.${key}`, list);
  }
  return { memoryBytes, backend: options.backend ?? getBackend() };
}

/** The columns of the job and their kinds, from the reference. */
function planColumns(reference: TableSource | ReferenceProfile, options: FileDriftOptions): ColumnPlan[] {
  const categorical = new Set(options.categorical ?? []);
  let all: ColumnPlan[];
  if (reference instanceof ReferenceProfile) {
    all = reference.columns.map((c) => ({ name: c.name, kind: c.kind, labels: c.kind === 'categorical' && c.labels }));
  } else {
    all = reference.columns.map((c) => ({ name: c.name, kind: c.type === 'label' || categorical.has(c.name) ? 'categorical' : 'numerical', labels: c.type === 'label' }));
  }
  const where = reference instanceof ReferenceProfile ? 'the reference profile' : reference.path;
  for (const name of [...(options.include ?? []), ...categorical]) {
    if (!all.some((c) => c.name === name)) throw rangeError(`a column of ${where} (${all.map((c) => c.name).join(', ')})`, 'the columns named', JSON.stringify(name));
  }
  const chosen = options.include ? all.filter((c) => options.include!.includes(c.name)) : all;
  if (chosen.length === 0) throw rangeError('at least one column to compare', 'columns', 'none');
  return chosen;
}

/** True when both sources read the same file (one pass serves both sides). */
function sameFile(a: TableSource, b: TableSource): boolean {
  if (a === b) return true;
  try {
    const sa = statSync(a.path);
    const sb = statSync(b.path);
    return sa.dev === sb.dev && sa.ino === sb.ino && a.format === b.format;
  } catch {
    return false;
  }
}

/**
 * Checks that the current file has every column with the reference's type; returns the columns
 * of guessed type (CSV columns without values in their first rows) to read as labels.
 */
function checkCurrentColumns(current: TableSource, columns: readonly ColumnPlan[]): Set<string> {
  const asLabels = new Set<string>();
  const found = requireColumns(current, columns.map((c) => c.name));
  for (const [k, c] of columns.entries()) {
    if (found[k].guessed && c.labels) asLabels.add(c.name);
    else if ((found[k].type === 'label') !== c.labels) {
      throw new InputFileError(current.path, undefined, c.name, `holds ${found[k].type === 'label' ? 'labels' : 'numbers'} but the reference's column holds ${c.labels ? 'labels' : 'numbers'}`);
    }
  }
  return asLabels;
}

function sideOf(table: CollectedTable, c: ColumnPlan): CollectedSide {
  const numeric = table.numeric.get(c.name);
  return numeric ? { kind: 'numeric', column: numeric } : { kind: 'categorical', sample: table.categorical.get(c.name)! };
}

function sideOfProfile(profile: ReferenceProfile, name: string): CollectedSide {
  const column = profile.columns.find((c) => c.name === name)!;
  if (column.kind === 'categorical') return { kind: 'categorical', sample: column.sample };
  return { kind: 'numeric', column: inMemory(profile.sorted(column), column.total) };
}

/** Summaries of both sides of a numeric column and its ECDF distances, in one pass. */
function measureNumeric(ref: NumericColumn | SortedInMemory, cur: NumericColumn | SortedInMemory, mergeBytes: number, backend: Backend) {
  const edges = ref.count > 0 && cur.count > 0 ? sturgesEdges(Math.min(ref.min, cur.min), Math.max(ref.max, cur.max), ref.count + cur.count) : new Float64Array(0);
  const a = new SummaryBuilder(ref.total, edges, backend);
  const b = new SummaryBuilder(cur.total, edges, backend);
  let distances: { ks: number; wasserstein: number };
  if (ref.sorted && cur.sorted) {
    // both in memory: the backend's kernel (native: vectorised, off the JS thread's loop)
    a.add(ref.sorted);
    b.add(cur.sorted);
    const d = backend.ecdfDistances(ref.sorted, Float64Array.of(0), Float64Array.of(ref.count), cur.sorted, Float64Array.of(0), Float64Array.of(cur.count));
    distances = { ks: d.ks[0], wasserstein: d.wasserstein[0] };
  } else {
    distances = streamedEcdfDistances(backend, ref.blocks(mergeBytes / 2), ref.count, cur.blocks(mergeBytes / 2), cur.count, (x) => a.add(x), (x) => b.add(x));
  }
  return { ref: a.finish(), cur: b.finish(), edges, distances };
}

function distributionOf(ref: SideSummary, cur: SideSummary, edges: Float64Array, name: string): Distribution {
  if (usableCount(ref) === 0 || usableCount(cur) === 0) return { type: 'none' };
  if (ref.kind === 'numeric' && cur.kind === 'numeric' && (ref.summary.distinct > MAX_DISCRETE_VALUES || !ref.summary.runs || !cur.summary.runs)) {
    return histogramDistribution(edges, ref.summary.histogram, ref.summary.count, cur.summary.histogram, cur.summary.count);
  }
  return barsDistribution(categoriesOfSide(ref, name), categoriesOfSide(cur, name));
}

/**
 * Compares `current` (a table file) with `reference` (a table file or a ReferenceProfile)
 * column by column with the drift suite, within options.memoryBytes.
 *
 * @throws InputFileError naming the file, row and column for unreadable data (a Parquet file
 *   parquet-wasm aborts on included, on the worker thread; on the caller's thread that abort is
 *   an uncaught exception of the process: docs/cli.md); TypeError/RangeError for bad options or a
 *   table that is not a TableSource (a path, say)
 */
export async function driftOfFiles(reference: TableSource | ReferenceProfile, current: TableSource, options: FileDriftOptions = {}): Promise<FileDriftReport> {
  const job = checkDriftJob(reference, current, options);
  const { backend } = job;
  const runDir = createRunDirectory(options.tmpDir);
  try {
    const referencePath = reference instanceof ReferenceProfile ? undefined : openedPath(reference);
    const currentPath = openedPath(current);
    if (!onWorker(backend, options) || currentPath === undefined || (referencePath === undefined && !(reference instanceof ReferenceProfile))) {
      return await driftInThisThread(reference, current, options, runDir, job);
    }
    return await runOnWorker<FileDriftReport>(
      {
        kind: 'drift',
        reference: referencePath !== undefined ? { path: referencePath } : { profile: (reference as ReferenceProfile).parts() },
        current: { path: currentPath },
        options: portableOptions(options),
        backend: backend.name,
        runDir,
      },
      options.onProgress,
    );
  } finally {
    removeRunDirectory(runDir);
  }
}

/** Whether jobs go to a worker thread: for the registered backends (the worker selects them by name). */
function onWorker(backend: Backend, options: { thread?: 'worker' | 'caller' }): boolean {
  return options.thread !== 'caller' && isRegisteredBackend(backend);
}

/** The options that cross to the worker: everything but the functions and the backend object. */
function portableOptions(options: FileDriftOptions): Record<string, unknown> {
  const { backend: _backend, onProgress: _onProgress, thread: _thread, ...rest } = options;
  return rest;
}

/** The checks a drift job makes before it reads anything (made on the caller's thread, so bad options fail at once). */
function checkDriftJob(reference: TableSource | ReferenceProfile, current: TableSource, options: FileDriftOptions) {
  if (!(reference instanceof ReferenceProfile)) requireTableSource(reference, 'reference', ' or a ReferenceProfile');
  requireTableSource(current, 'current');
  const { memoryBytes, backend } = validateOptions(options);
  const columns = planColumns(reference, options);
  const currentLabels = checkCurrentColumns(current, columns);
  if (reference instanceof ReferenceProfile && (options.referenceFilters?.length ?? 0) > 0) {
    throw rangeError('no reference filters with a saved profile (filter when making it: mlwatch profile --where)', 'options.referenceFilters', options.referenceFilters!.join(' and '));
  }
  for (const filter of [...(options.referenceFilters ?? []), ...(options.currentFilters ?? [])]) parseRowFilter(filter);
  return { memoryBytes, backend, columns, currentLabels };
}

/** Checks that a job's table is a TableSource (a path given instead is the usual slip). */
function requireTableSource(value: unknown, name: string, or = ''): void {
  const table = value as Partial<TableSource> | null;
  if (typeof table !== 'object' || table === null || !Array.isArray(table.columns) || typeof table.chunks !== 'function') {
    throw typeError(`a TableSource (await openTable(path))${or}`, name, value);
  }
}

/** Both sides as read: the collected tables (the reference's absent when it is a profile) and how each file was used. */
interface CollectedSides {
  refTable: CollectedTable | undefined;
  curTable: CollectedTable;
  referenceUse: FileUse;
  /** Every table collected so far (disposed by the caller, also when reading fails half way). */
  tables: CollectedTable[];
}

/** Reads the files of a job into collectors: one pass when both sides come from one file. */
async function collectSides(reference: TableSource | ReferenceProfile, current: TableSource, options: FileDriftOptions, job: ReturnType<typeof checkDriftJob>, pool: MemoryPool, runDir: string, tables: CollectedTable[]): Promise<CollectedSides> {
  const { columns, currentLabels, backend } = job;
  const categorical = new Set(columns.filter((c) => c.kind === 'categorical').map((c) => c.name));
  const names = columns.map((c) => c.name);
  const plan = (source: TableSource, side: 'reference' | 'current', filters: readonly string[] | undefined, shared = false): CollectPlan => ({
    columns: names,
    asLabels: side === 'current' ? currentLabels : undefined,
    categorical,
    filters: (filters ?? []).map(parseRowFilter),
    side,
    pool,
    backend,
    runDir,
    onChunk: (rowsRead, bytesRead) => options.onProgress?.({ phase: 'read', side: shared ? 'both' : side, path: source.path, rowsRead, rowsTotal: source.rowCount, bytesRead, bytesTotal: source.byteSize }),
  });
  if (reference instanceof ReferenceProfile) {
    const [curTable] = await collectTables(current, [plan(current, 'current', options.currentFilters)]);
    tables.push(curTable);
    return { refTable: undefined, curTable, referenceUse: { path: '(profile)', rowsRead: reference.simple.rows, rowsUsed: reference.simple.rows }, tables };
  }
  let refTable: CollectedTable;
  let curTable: CollectedTable;
  if (sameFile(reference, current)) {
    // one file split by filters: read once for both sides
    [refTable, curTable] = await collectTables(current, [plan(reference, 'reference', options.referenceFilters, true), plan(current, 'current', options.currentFilters, true)]);
    tables.push(refTable, curTable);
  } else {
    [refTable] = await collectTables(reference, [plan(reference, 'reference', options.referenceFilters)]);
    tables.push(refTable);
    [curTable] = await collectTables(current, [plan(current, 'current', options.currentFilters)]);
    tables.push(curTable);
  }
  return { refTable, curTable, referenceUse: { path: reference.path, rowsRead: refTable.rowsRead, rowsUsed: refTable.rowsUsed }, tables };
}

/** Measures every column of the collected sides: summaries, ECDF distances, the test and what a report plots. */
async function measureColumns(reference: TableSource | ReferenceProfile, sides: CollectedSides, options: FileDriftOptions, job: ReturnType<typeof checkDriftJob>, config: SuiteConfig) {
  const { columns, memoryBytes, backend } = job;
  const outcomes: ColumnOutcome[] = [];
  const distributions: Record<string, Distribution> = Object.create(null); // a column may be named __proto__
  for (const [index, c] of columns.entries()) {
    if (index > 0) await new Promise((resolve) => setImmediate(resolve)); // a column from disk takes seconds: let signals and timers in
    const refSide = sides.refTable ? sideOf(sides.refTable, c) : sideOfProfile(reference as ReferenceProfile, c.name);
    const curSide = sideOf(sides.curTable, c);
    let ref: SideSummary;
    let cur: SideSummary;
    let distances: { ks: number; wasserstein: number } | undefined;
    let edges: Float64Array = new Float64Array(0);
    if (refSide.kind === 'numeric' && curSide.kind === 'numeric') {
      options.onProgress?.({ phase: 'measure', done: index, columns: columns.length, fromDisk: !refSide.column.sorted || !curSide.column.sorted });
      const m = measureNumeric(refSide.column, curSide.column, memoryBytes / 5, backend);
      ref = { kind: 'numeric', summary: m.ref };
      cur = { kind: 'numeric', summary: m.cur };
      distances = m.distances;
      edges = m.edges;
    } else {
      ref = refSide as SideSummary;
      cur = curSide as SideSummary;
    }
    outcomes.push(outcomeOfSummaries(ref, cur, config.columns[index], config.thresholds, distances, c.name));
    distributions[c.name] = distributionOf(ref, cur, edges, c.name);
  }
  options.onProgress?.({ phase: 'measure', done: columns.length, columns: columns.length, fromDisk: false });
  return { drift: summarise({ columns }, outcomes, config, Date.now()), distributions };
}

/**
 * driftOfFiles on the calling thread, with sorted runs in `runDir` (which the caller removes):
 * what the worker runs, and the path for tables of the caller's own making. Plan (checkDriftJob),
 * collect (collectSides), measure (measureColumns).
 */
export async function driftInThisThread(
  reference: TableSource | ReferenceProfile,
  current: TableSource,
  options: FileDriftOptions,
  runDir: string,
  job = checkDriftJob(reference, current, options),
): Promise<FileDriftReport> {
  const started = performance.now();
  const config = resolveSuite({ columns: job.columns }, options);
  const pool = new MemoryPool(job.memoryBytes / 5);
  const tables: CollectedTable[] = [];
  try {
    const sides = await collectSides(reference, current, options, job, pool, runDir, tables);
    pool.releaseSortScratch();
    const read = performance.now();
    const { drift, distributions } = await measureColumns(reference, sides, options, job, config);
    return {
      drift,
      distributions,
      reference: sides.referenceUse,
      current: { path: current.path, rowsRead: sides.curTable.rowsRead, rowsUsed: sides.curTable.rowsUsed },
      backend: job.backend.name,
      memoryBudgetBytes: job.memoryBytes,
      spilledToDisk: pool.spills > 0,
      seconds: (performance.now() - started) / 1000,
      readSeconds: (read - started) / 1000,
      measureSeconds: (performance.now() - read) / 1000,
      peakRssBytes: peakRssBytes(),
    };
  } finally {
    for (const t of tables) for (const column of t.numeric.values()) column.dispose();
  }
}

function outcomeOfSummaries(
  ref: SideSummary,
  cur: SideSummary,
  configured: { test: DriftTestName | 'auto'; threshold?: number },
  thresholds: Record<DriftTestName, number>,
  distances: { ks: number; wasserstein: number } | undefined,
  name: string,
): ColumnOutcome {
  const sizes = {
    total: cur.kind === 'numeric' ? cur.summary.total : cur.sample.total,
    usable: usableCount(cur),
    referenceTotal: ref.kind === 'numeric' ? ref.summary.total : ref.sample.total,
    referenceUsable: usableCount(ref),
  };
  let measured;
  if (sizes.usable > 0 && sizes.referenceUsable > 0) {
    const test = configured.test === 'auto' ? autoTestOfSummaries(ref, cur, name) : configured.test;
    measured = { test, result: evaluateSummaries(ref, cur, test, distances, name) };
  }
  return columnOutcome(sizes, configured, thresholds, measured);
}

/**
 * A ReferenceProfile of a table file (`mlwatch profile`): its sorted numeric columns and
 * category counts. The profile is an in-memory object, so the file's values must fit in
 * options.memoryBytes (half of it for the collected values); a RangeError says so otherwise.
 */
export async function profileOfFile(source: TableSource, options: ProfileOptions = {}): Promise<{ profile: ReferenceProfile; use: FileUse }> {
  const job = checkProfileJob(source, options);
  const { backend } = job;
  const runDir = createRunDirectory();
  try {
    const path = openedPath(source);
    if (!onWorker(backend, options) || path === undefined) return await profileInThisThread(source, options, runDir, job);
    const { profile, use } = await runOnWorker<{ profile: ProfileParts; use: FileUse }>(
      { kind: 'profile', source: { path }, options: portableOptions(options), backend: backend.name, runDir },
      options.onProgress,
    );
    return { profile: ReferenceProfile.fromParts(profile), use };
  } finally {
    removeRunDirectory(runDir);
  }
}

/** The options of profileOfFile. */
export type ProfileOptions = Pick<FileDriftOptions, 'include' | 'categorical' | 'referenceFilters' | 'memoryBytes' | 'backend' | 'onProgress' | 'thread'>;

/** The checks a profile job makes before it reads anything (on the caller's thread, so bad options fail at once). */
function checkProfileJob(source: TableSource, options: ProfileOptions) {
  requireTableSource(source, 'source');
  const { memoryBytes, backend } = validateOptions(options);
  const columns = planColumns(source, options);
  for (const filter of options.referenceFilters ?? []) parseRowFilter(filter);
  return { memoryBytes, backend, columns };
}

/** profileOfFile on the calling thread, with any runs in `runDir` (which the caller removes). */
export async function profileInThisThread(
  source: TableSource,
  options: ProfileOptions,
  runDir: string,
  { memoryBytes, backend, columns } = checkProfileJob(source, options),
): Promise<{ profile: ReferenceProfile; use: FileUse }> {
  const pool = new MemoryPool(memoryBytes / 2);
  let table: CollectedTable | undefined;
  try {
    [table] = await collectTables(source, [{
      columns: columns.map((c) => c.name),
      categorical: new Set(columns.filter((c) => c.kind === 'categorical').map((c) => c.name)),
      filters: (options.referenceFilters ?? []).map(parseRowFilter),
      side: 'reference',
      pool,
      backend,
      runDir,
      onChunk: (rowsRead, bytesRead) => options.onProgress?.({ phase: 'read', side: 'reference', path: source.path, rowsRead, rowsTotal: source.rowCount, bytesRead, bytesTotal: source.byteSize }),
    }]);
    if (pool.spills > 0) {
      throw rangeError(`a file whose values fit in half the memory budget (${memoryBytes} bytes)`, source.path, 'more values: raise the budget (--memory), or compare the files directly');
    }
    const collected = table;
    const prepared = columns.map((c): PreparedColumn => {
      const numeric = collected.numeric.get(c.name);
      if (numeric) return { name: c.name, total: numeric.total, sorted: numeric.sorted! };
      return { name: c.name, labels: c.labels, sample: collected.categorical.get(c.name)! };
    });
    return { profile: ReferenceProfile.fromPrepared(prepared), use: { path: source.path, rowsRead: table.rowsRead, rowsUsed: table.rowsUsed } };
  } finally {
    if (table) for (const column of table.numeric.values()) column.dispose();
  }
}
