/**
 * The data-validation stage: checks new training data against a ReferenceProfile before anything
 * is trained on it: the schema (every reference column present), the share of missing values per
 * column (no more than the reference's plus a tolerance) and the value ranges of numerical columns
 * (within the reference's range widened by a tolerance). The drift report of the data against the
 * reference is attached to the output (and can go into the registered version's lineage). Its gate
 * rejects the run when any problem was found; drift alone does not reject unless asked
 * (failOnDrift), because drift is usually why the model is being retrained.
 */
import { DriftDetector, type DriftDetectorOptions } from '../../drift/drift-detector.js';
import type { DatasetDriftResult } from '../../drift/drift-suite.js';
import { isFeatureMatrix, isLabelColumn, type ColumnTable } from '../../drift/column-table.js';
import { ReferenceProfile } from '../../drift/reference-profile.js';
import { numericValues } from '../../drift/samples.js';
import { PipelineConfigError, requireNumber } from '../../errors.js';
import { validateMatrix, type FeatureMatrix } from '../../matrix.js';
import { columnStats } from '../../stats/column-stats.js';
import type { StageContext, StageDefinition } from '../stage.js';

export interface ValidateDataOptions {
  /** Stage name (default 'validate'). */
  name?: string;
  /** What the data should look like (e.g. the profile of the data the champion was trained on). */
  profile: ReferenceProfile;
  /** The new training data: a FeatureMatrix with names, or a column table. */
  data: (ctx: StageContext) => FeatureMatrix | ColumnTable | Promise<FeatureMatrix | ColumnTable>;
  /** A column's missing share may exceed the reference's by at most this (default 0.05). */
  missingShareTolerance?: number;
  /** Values may lie outside the reference's [min, max] by this fraction of its width (default 0.1). */
  rangeTolerance?: number;
  /** Options of the drift suite (tests, thresholds). */
  drift?: DriftDetectorOptions;
  /** Reject the run when the drift report finds dataset drift (default false). */
  failOnDrift?: boolean;
}

export interface ColumnCheck {
  missingShare: number | null;
  referenceMissingShare: number | null;
  /** Numerical columns: the data's and the reference's smallest and largest finite values. */
  min?: number | null;
  max?: number | null;
  referenceMin?: number;
  referenceMax?: number;
}

export interface ValidationOutput {
  rows: number;
  /** Each problem found, as a sentence; empty when the data passed. */
  problems: string[];
  columns: Record<string, ColumnCheck>;
  /** The drift suite's report, or null when the schema did not allow running it. */
  drift: DatasetDriftResult | null;
  passed: boolean;
}

/** The data-validation stage (see the file comment). */
export function validateDataStage(options: ValidateDataOptions): StageDefinition {
  if (typeof options !== 'object' || options === null) throw new PipelineConfigError('validateDataStage options', 'expected { profile, data, … }');
  if (!(options.profile instanceof ReferenceProfile)) throw new PipelineConfigError('validateDataStage profile', 'expected a ReferenceProfile (ReferenceProfile.fromMatrix / fromTable / load)');
  if (typeof options.data !== 'function') throw new PipelineConfigError('validateDataStage data', `expected a function (ctx) => FeatureMatrix | ColumnTable but received ${typeof options.data}`);
  const missingTolerance = requireNumber(options.missingShareTolerance ?? 0.05, 'options.missingShareTolerance', 0, 1);
  const rangeTolerance = requireNumber(options.rangeTolerance ?? 0.1, 'options.rangeTolerance', 0);
  const profile = options.profile;
  return {
    name: options.name ?? 'validate',
    run: async (ctx): Promise<ValidationOutput> => {
      const data = await options.data(ctx);
      const output = validate(profile, data, missingTolerance, rangeTolerance, options.drift ?? {});
      if (options.failOnDrift && output.drift?.datasetDrift) output.problems.push(`dataset drift: ${output.drift.driftedColumns.join(', ')} drifted (share ${output.drift.driftShare.toFixed(2)})`);
      output.passed = output.problems.length === 0;
      return output;
    },
    gate: (ctx) => {
      const out = ctx.outputs[options.name ?? 'validate'] as ValidationOutput;
      return out.passed ? true : { passed: false, reason: `the data failed validation: ${out.problems.join('; ')}` };
    },
  };
}

/** Column name -> the data's numbers (for range checks), and the row count. */
function numericColumns(data: FeatureMatrix | ColumnTable): { rows: number; names: string[]; range: (name: string) => { min: number; max: number } | null } {
  if (isFeatureMatrix(data)) {
    const m = validateMatrix(data, 'data');
    const names = m.names ? [...m.names] : Array.from({ length: m.cols }, (_, i) => `feature_${i}`);
    const stats = columnStats(m);
    return { rows: m.rows, names, range: (name) => ({ min: stats.min[names.indexOf(name)], max: stats.max[names.indexOf(name)] }) };
  }
  const names = Object.keys(data);
  const rows = names.length ? (data[names[0]] as ArrayLike<unknown>).length : 0;
  return {
    rows,
    names,
    range: (name) => {
      if (isLabelColumn(data[name])) return null;
      const values = numericValues(data[name], `data.${name}`);
      const stats = columnStats({ data: values, rows: values.length, cols: 1 });
      return { min: stats.min[0], max: stats.max[0] };
    },
  };
}

function validate(profile: ReferenceProfile, data: FeatureMatrix | ColumnTable, missingTolerance: number, rangeTolerance: number, driftOptions: DriftDetectorOptions): ValidationOutput {
  const current = numericColumns(data);
  const problems: string[] = [];
  const missing = profile.columns.filter((c) => !current.names.includes(c.name)).map((c) => c.name);
  if (missing.length) problems.push(`columns missing from the data: ${missing.join(', ')}`);
  const extra = current.names.filter((n) => !profile.columns.some((c) => c.name === n));
  if (extra.length) problems.push(`columns the reference does not have: ${extra.join(', ')}`);
  if (current.rows === 0) problems.push('the data has no rows');
  const columns: Record<string, ColumnCheck> = {};
  if (problems.length) return { rows: current.rows, problems, columns, drift: null, passed: false };

  let drift: DatasetDriftResult | null = null;
  try {
    drift = new DriftDetector(profile, driftOptions).detect(data);
  } catch (error) {
    problems.push(`the drift suite could not compare the data with the reference: ${(error as Error).message}`);
    return { rows: current.rows, problems, columns, drift: null, passed: false };
  }
  for (const column of profile.columns) {
    const report = drift.columns[column.name];
    const check: ColumnCheck = { missingShare: report?.missingShare ?? null, referenceMissingShare: report?.referenceMissingShare ?? null };
    if (check.missingShare !== null && check.referenceMissingShare !== null && check.missingShare > check.referenceMissingShare + missingTolerance) {
      problems.push(`${column.name}: ${(check.missingShare * 100).toFixed(1)} % missing values, more than the reference's ${(check.referenceMissingShare * 100).toFixed(1)} % + ${(missingTolerance * 100).toFixed(1)} %`);
    }
    if (column.kind === 'numerical' && column.count > 0) {
      const referenceMin = profile.packed[column.start];
      const referenceMax = profile.packed[column.start + column.count - 1];
      const slack = (referenceMax - referenceMin) * rangeTolerance;
      const range = current.range(column.name);
      Object.assign(check, { referenceMin, referenceMax, min: range && Number.isFinite(range.min) ? range.min : null, max: range && Number.isFinite(range.max) ? range.max : null });
      if (range && (range.min < referenceMin - slack || range.max > referenceMax + slack)) {
        problems.push(`${column.name}: values in [${range.min}, ${range.max}] outside the reference's [${referenceMin}, ${referenceMax}] widened by ${rangeTolerance * 100} %`);
      }
    }
    columns[column.name] = check;
  }
  return { rows: current.rows, problems, columns, drift, passed: problems.length === 0 };
}
