/**
 * One detect() run: the current data is prepared in jobs (a group of matrix columns sorted by
 * one kernel call, bounded to GROUP_BYTES of sorted output; a table column on its own). Each job
 * is one sortAndMeasure call: the columns are sorted and their KS and Wasserstein distances to the
 * held reference measured together; the sorted columns come back only when a test other than ks
 * or wasserstein may read them (on cuda they otherwise never leave the device). The other tests
 * read the sorted columns or category counts, and the results are summarised.
 */
import type { Backend, HeldSamples, MeasuredColumns } from '../backend/contract.js';
import { markPrivate, withPrivateCopy } from '../backend/private-memory.js';
import { getBackend } from '../backend/registry.js';
import { rangeError } from '../errors.js';
import { validateMatrix, type FeatureMatrix, type FloatArray } from '../matrix.js';
import { isFeatureMatrix, isLabelColumn, validateTable, type ColumnTable } from './column-table.js';
import { autoTest, evaluateColumn, testWithoutValues, type CurrentSample, type PairDistances } from './column-drift.js';
import { isDrift, P_VALUE_TESTS, type Correction, type DriftTestName } from './drift-options.js';
import { correctedThresholds } from './multiple-testing.js';
import type { ColumnProfile, ReferenceProfile } from './reference-profile.js';
import { categoriesOfLabels, numericValues } from './samples.js';
import type { ScratchLease } from './scratch-buffer.js';

/** Sorted output of one kernel call is kept below this many bytes. */
const GROUP_BYTES = 256 * 1024 * 1024;

export interface SuiteConfig {
  columns: { test: DriftTestName | 'auto'; threshold?: number }[];
  thresholds: Record<DriftTestName, number>;
  driftShare: number;
  correction: Correction;
}

/** One column's result. Plain data: JSON.stringify keeps everything (NaN and ±Infinity become null). */
export interface ColumnDriftResult {
  kind: 'numerical' | 'categorical';
  /** The test that ran ('auto' only when there was no data to choose one). */
  test: DriftTestName | 'auto';
  /** null when the column had no values to test. */
  statistic: number | null;
  /** For ks, chisquare and z. */
  pValue?: number | null;
  /** The threshold applied (after multiple-testing correction, for p-value tests). */
  threshold: number;
  driftDetected: boolean;
  /** Share of the current column's values that were NaN, ±Infinity or null. */
  missingShare: number;
  /** The same share in the reference column. */
  referenceMissingShare: number;
  status: 'ok' | 'insufficient_data';
}

export interface DatasetDriftResult {
  /** When the check ran, epoch milliseconds. */
  timestamp: number;
  columns: Record<string, ColumnDriftResult>;
  /** Names of the drifted columns, in reference order. */
  driftedColumns: string[];
  /** Drifted columns / tested columns (those with status 'ok'); 0 when none was tested. */
  driftShare: number;
  /** driftShare >= the configured share (default 0.5), with at least one column tested. */
  datasetDrift: boolean;
}

interface JobColumn {
  index: number;
  /** Column within the job's block of columns (first + offset in the matrix), 0 for a table column. */
  offset: number;
}

interface SortJob {
  data: FloatArray;
  rows: number;
  cols: number;
  first: number;
  count: number;
  members: JobColumn[];
}

interface Plan {
  jobs: SortJob[];
  /** Ready samples (label columns). */
  ready: Map<number, CurrentSample>;
}

/** Which reference column comes from where in current; checks presence and types. */
function plan(profile: ReferenceProfile, current: FeatureMatrix | ColumnTable): Plan {
  const ready = new Map<number, CurrentSample>();
  const jobs: SortJob[] = [];
  if (isFeatureMatrix(current)) {
    const m = validateMatrix(current, 'current');
    const names = m.names ?? (m.cols === profile.columns.length ? profile.columns.map((c) => c.name) : undefined);
    if (!names) throw rangeError(`${profile.columns.length} columns (or named columns)`, 'current', `${m.cols} unnamed columns`);
    const position = new Map(names.map((n, i) => [n, i]));
    const wanted: { col: number; index: number }[] = [];
    profile.columns.forEach((c, index) => {
      const col = position.get(c.name);
      if (col === undefined) throw rangeError(`a column named ${JSON.stringify(c.name)}`, 'current', `columns ${names.join(', ')}`);
      if (c.kind === 'categorical' && c.labels) throw rangeError(`string labels for ${c.name}`, 'current', 'a numeric matrix');
      wanted.push({ col, index });
    });
    wanted.sort((a, b) => a.col - b.col);
    const group = Math.max(1, Math.floor(GROUP_BYTES / (m.rows * 8)));
    for (let at = 0; at < wanted.length; ) {
      const first = wanted[at].col;
      const members: JobColumn[] = [];
      while (at < wanted.length && wanted[at].col < first + group) {
        members.push({ index: wanted[at].index, offset: wanted[at].col - first });
        at++;
      }
      const count = members[members.length - 1].offset + 1;
      jobs.push({ data: m.data, rows: m.rows, cols: m.cols, first, count, members });
    }
    return { jobs, ready };
  }
  const names = validateTable(current, 'current');
  const table = current as ColumnTable;
  profile.columns.forEach((c, index) => {
    if (!names.includes(c.name)) throw rangeError(`a column named ${JSON.stringify(c.name)}`, 'current', `columns ${names.join(', ')}`);
    const values = table[c.name];
    const labels = isLabelColumn(values);
    const referenceLabels = c.kind === 'categorical' && c.labels;
    if (labels !== referenceLabels) {
      throw rangeError(`${referenceLabels ? 'string labels' : 'numbers'} for ${c.name} (as in the reference)`, `current.${c.name}`, labels ? 'strings' : 'numbers');
    }
    if (labels) ready.set(index, { kind: 'categorical', sample: categoriesOfLabels(values, `current.${c.name}`) });
    else {
      const data = numericValues(values, `current.${c.name}`);
      if (data.length === 0) ready.set(index, { kind: 'numeric', sample: { sorted: new Float64Array(0), total: 0 } });
      else jobs.push({ data, rows: data.length, cols: 1, first: 0, count: 1, members: [{ index, offset: 0 }] });
    }
  });
  return { jobs, ready };
}

function referenceCount(c: ColumnProfile): number {
  return c.kind === 'numerical' ? c.count : c.sample.n;
}

function currentCount(s: CurrentSample): number {
  if (s.kind === 'counted') return s.count;
  return s.kind === 'numeric' ? s.sample.sorted.length : s.sample.n;
}

function currentTotal(s: CurrentSample): number {
  return s.kind === 'counted' ? s.total : s.sample.total;
}

/** A column's current sample and the test it gets (none when a side has no values), chosen once. */
interface PlannedColumn {
  sample: CurrentSample;
  test: DriftTestName | undefined;
}

function prepare(profile: ReferenceProfile, index: number, sample: CurrentSample, config: SuiteConfig): PlannedColumn {
  if (currentCount(sample) === 0 || referenceCount(profile.columns[index]) === 0) return { sample, test: undefined };
  const configured = config.columns[index].test;
  return { sample, test: configured === 'auto' ? autoTest(profile, profile.columns[index], sample) : configured };
}

/** What a job's sortAndMeasure call asks: every numerical column is paired with its reference window. */
function measureRequest(profile: ReferenceProfile, job: SortJob, config: SuiteConfig) {
  const pairs = job.members.filter(({ index }) => profile.columns[index].kind === 'numerical');
  // The sorted values are needed on the host unless every column's test is known to be ks or wasserstein.
  const needValues = job.members.some(({ index }) => testWithoutValues(profile.columns[index], config.columns[index].test) === undefined);
  return {
    pairs,
    needValues,
    aStart: Float64Array.from(pairs, (p) => (profile.columns[p.index] as { start: number }).start),
    aCount: Float64Array.from(pairs, (p) => (profile.columns[p.index] as { count: number }).count),
    column: Float64Array.from(pairs, (p) => p.offset),
  };
}

/** A job's columns as samples with the distances measured for them. */
function samplesOfJob(profile: ReferenceProfile, job: SortJob, request: ReturnType<typeof measureRequest>, measured: MeasuredColumns, config: SuiteConfig) {
  const distances = new Map(request.pairs.map((p, j): [number, PairDistances] => [p.index, { ks: measured.ks[j], wasserstein: measured.wasserstein[j] }]));
  const samples = new Map<number, PlannedColumn>();
  for (const { index, offset } of job.members) {
    const count = measured.counts[offset];
    if (measured.values) {
      const start = offset * job.rows;
      samples.set(index, prepare(profile, index, { kind: 'numeric', sample: { sorted: measured.values.subarray(start, start + count), total: job.rows } }, config));
    } else {
      const sample: CurrentSample = { kind: 'counted', count, total: job.rows };
      const test = count === 0 || referenceCount(profile.columns[index]) === 0 ? undefined : testWithoutValues(profile.columns[index], config.columns[index].test);
      samples.set(index, { sample, test });
    }
  }
  return { samples, distances };
}

/** One column's test result before the summary (multiple-testing correction, drift flags). */
export interface ColumnOutcome {
  test: DriftTestName | 'auto';
  statistic: number;
  pValue?: number;
  threshold: number;
  status: 'ok' | 'insufficient_data';
  missingShare: number;
  referenceMissingShare: number;
}

/** Values a column had on each side, missing ones included (total) and usable by the tests. */
export interface ColumnSizes {
  total: number;
  usable: number;
  referenceTotal: number;
  referenceUsable: number;
}

/**
 * A column's result before the summary: 'insufficient_data' when `measured` is undefined (a side
 * without values), else the test that ran and its result, with the configured threshold.
 */
export function columnOutcome(
  sizes: ColumnSizes,
  configured: { test: DriftTestName | 'auto'; threshold?: number },
  thresholds: Record<DriftTestName, number>,
  measured: { test: DriftTestName; result: { statistic: number; pValue?: number } } | undefined,
): ColumnOutcome {
  const missingShare = sizes.total === 0 ? 0 : (sizes.total - sizes.usable) / sizes.total;
  const referenceMissingShare = sizes.referenceTotal === 0 ? 0 : (sizes.referenceTotal - sizes.referenceUsable) / sizes.referenceTotal;
  if (!measured) {
    const named = configured.test;
    const threshold = configured.threshold ?? (named === 'auto' ? NaN : thresholds[named]);
    return { test: named, statistic: NaN, threshold, status: 'insufficient_data', missingShare, referenceMissingShare };
  }
  const { test, result } = measured;
  return { test, ...result, threshold: configured.threshold ?? thresholds[test], status: 'ok', missingShare, referenceMissingShare };
}

function outcomeOf(profile: ReferenceProfile, index: number, { sample, test }: PlannedColumn, distances: PairDistances | undefined, config: SuiteConfig): ColumnOutcome {
  const column = profile.columns[index];
  const sizes = {
    total: currentTotal(sample),
    usable: currentCount(sample),
    referenceTotal: column.kind === 'numerical' ? column.total : column.sample.total,
    referenceUsable: referenceCount(column),
  };
  const measured = test === undefined ? undefined : { test, result: evaluateColumn(profile, column, sample, test, distances) };
  return columnOutcome(sizes, config.columns[index], config.thresholds, measured);
}

const nullIfNaN = (x: number | undefined) => (x === undefined ? undefined : Number.isNaN(x) ? null : x);

/** The dataset result: thresholds corrected over the p-value tests, drift per column and overall. */
export function summarise(profile: { columns: readonly { name: string; kind: 'numerical' | 'categorical' }[] }, outcomes: ColumnOutcome[], config: SuiteConfig, timestamp: number): DatasetDriftResult {
  const tested = outcomes.map((e, i) => ({ e, i })).filter(({ e }) => e.status === 'ok' && P_VALUE_TESTS.has(e.test as DriftTestName));
  const corrected = correctedThresholds(
    tested.map(({ e }) => (Number.isNaN(e.pValue!) ? 1 : e.pValue!)),
    tested.map(({ e }) => e.threshold),
    config.correction,
  );
  tested.forEach(({ e }, j) => (e.threshold = corrected[j]));
  const columns: Record<string, ColumnDriftResult> = Object.create(null); // a column may be named __proto__
  const driftedColumns: string[] = [];
  let testedCount = 0;
  outcomes.forEach((e, i) => {
    const column = profile.columns[i];
    const ok = e.status === 'ok';
    const driftDetected = ok && isDrift(e.test as DriftTestName, e.statistic, e.pValue, e.threshold);
    if (ok) testedCount++;
    if (driftDetected) driftedColumns.push(column.name);
    const result: ColumnDriftResult = {
      kind: column.kind,
      test: e.test,
      statistic: nullIfNaN(e.statistic) as number | null,
      threshold: e.threshold,
      driftDetected,
      missingShare: e.missingShare,
      referenceMissingShare: e.referenceMissingShare,
      status: e.status,
    };
    if (e.pValue !== undefined) result.pValue = nullIfNaN(e.pValue);
    else if (e.status !== 'ok' && P_VALUE_TESTS.has(e.test as DriftTestName)) result.pValue = null;
    columns[column.name] = result;
  });
  const driftShare = testedCount === 0 ? 0 : driftedColumns.length / testedCount;
  return { timestamp, columns, driftedColumns, driftShare, datasetDrift: testedCount > 0 && driftShare >= config.driftShare };
}

const FRESH: ScratchLease = { take: (n) => markPrivate(new Float64Array(n)), release: () => {} };

/** The reference samples each backend holds for a profile (on cuda: resident in device memory). */
const heldReferences = new WeakMap<ReferenceProfile, Map<Backend, HeldSamples>>();

function heldReference(profile: ReferenceProfile, backend: Backend): HeldSamples {
  let byBackend = heldReferences.get(profile);
  if (!byBackend) heldReferences.set(profile, (byBackend = new Map()));
  let held = byBackend.get(backend);
  if (!held) byBackend.set(backend, (held = backend.holdSamples(profile.packed)));
  return held;
}

/** The plan of a run, with the columns that need no kernel (labels, empty) already measured. */
function planRun(profile: ReferenceProfile, current: FeatureMatrix | ColumnTable, config: SuiteConfig) {
  const { jobs, ready } = plan(profile, current);
  const outcomes: ColumnOutcome[] = new Array(profile.columns.length);
  for (const [index, sample] of ready) outcomes[index] = outcomeOf(profile, index, prepare(profile, index, sample, config), undefined, config);
  return { jobs, outcomes };
}

/** Evaluates a measured job's columns. */
function recordJobOutcomes(profile: ReferenceProfile, prepared: ReturnType<typeof samplesOfJob>, config: SuiteConfig, outcomes: ColumnOutcome[]): void {
  for (const [index, sample] of prepared.samples) outcomes[index] = outcomeOf(profile, index, sample, prepared.distances.get(index), config);
}

/** Runs the suite synchronously on the active backend; sorted columns go to the lease's buffer when needed. */
export function runSuite(profile: ReferenceProfile, current: FeatureMatrix | ColumnTable, config: SuiteConfig, timestamp: number, scratch: ScratchLease = FRESH, backend: Backend = getBackend()): DatasetDriftResult {
  const { jobs, outcomes } = planRun(profile, current, config);
  const held = heldReference(profile, backend);
  for (const job of jobs) {
    const r = measureRequest(profile, job, config);
    const out = r.needValues ? scratch.take(job.rows * job.count) : undefined;
    const measured = backend.sortAndMeasure(job.data, job.rows, job.cols, job.first, job.count, held, r.aStart, r.aCount, r.column, out);
    recordJobOutcomes(profile, samplesOfJob(profile, job, r, measured, config), config, outcomes);
  }
  return summarise(profile, outcomes, config, timestamp);
}

/** runSuite with the kernels' asynchronous forms, yielding to the event loop between steps. */
export async function runSuiteAsync(profile: ReferenceProfile, current: FeatureMatrix | ColumnTable, config: SuiteConfig, timestamp: number, scratch: ScratchLease = FRESH, backend: Backend = getBackend()): Promise<DatasetDriftResult> {
  const { jobs, outcomes } = planRun(profile, current, config);
  // The jobs of a matrix share its data: one private copy for all of them, not one per job.
  const shared = jobs.length > 1 && jobs.every((j) => j.data === jobs[0].data) ? jobs[0].data : null;
  if (shared) {
    return withPrivateCopy(shared, 'current.data', async (copy) => {
      for (const job of jobs) job.data = copy;
      return measureJobsAsync(profile, jobs, outcomes, config, timestamp, scratch, backend);
    });
  }
  return measureJobsAsync(profile, jobs, outcomes, config, timestamp, scratch, backend);
}

async function measureJobsAsync(profile: ReferenceProfile, jobs: SortJob[], outcomes: ColumnOutcome[], config: SuiteConfig, timestamp: number, scratch: ScratchLease, backend: Backend): Promise<DatasetDriftResult> {
  const held = heldReference(profile, backend);
  for (const job of jobs) {
    const r = measureRequest(profile, job, config);
    const out = r.needValues ? scratch.take(job.rows * job.count) : undefined;
    const measured = await backend.sortAndMeasureAsync(job.data, job.rows, job.cols, job.first, job.count, held, r.aStart, r.aCount, r.column, out);
    recordJobOutcomes(profile, samplesOfJob(profile, job, r, measured, config), config, outcomes);
  }
  return summarise(profile, outcomes, config, timestamp);
}
