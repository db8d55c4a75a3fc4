/**
 * ModelSignature: the columns a model takes and gives, by name and type (MLflow's column-based
 * signature). The registry refuses a signature that does not fit the model it is registered
 * with, and compare() says whether one version can replace another without changing callers.
 */
import { SignatureMismatchError, typeError } from '../errors.js';

/** The column types a signature may name. */
export const COLUMN_TYPES = ['float32', 'float64', 'int32', 'int64', 'boolean', 'string'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface ColumnSpec {
  name: string;
  type: ColumnType;
}

export interface ModelSignature {
  inputs: ColumnSpec[];
  outputs: ColumnSpec[];
}

/** What is compared of a model: its input and output widths. */
export interface ModelShape {
  inputSize: number;
  outputSize: number;
}

function checkColumns(value: unknown, name: string): ColumnSpec[] {
  if (!Array.isArray(value) || value.length === 0) throw typeError('a non-empty array of { name, type } columns', name, value);
  const seen = new Set<string>();
  return value.map((c: ColumnSpec, i) => {
    if (typeof c !== 'object' || c === null || typeof c.name !== 'string' || c.name.length === 0) throw typeError('a column { name, type } with a non-empty name', `${name}[${i}]`, c);
    if (!(COLUMN_TYPES as readonly string[]).includes(c.type)) throw typeError(`a column type: one of ${COLUMN_TYPES.join(', ')}`, `${name}[${i}].type`, c.type);
    if (seen.has(c.name)) throw typeError('distinct column names', `${name}[${i}].name`, c.name);
    seen.add(c.name);
    return { name: c.name, type: c.type };
  });
}

/** Checks a signature's form; returns a copy. */
export function checkSignature(signature: unknown): ModelSignature {
  if (typeof signature !== 'object' || signature === null) throw typeError('a signature { inputs, outputs }', 'signature', signature);
  const s = signature as ModelSignature;
  return { inputs: checkColumns(s.inputs, 'signature.inputs'), outputs: checkColumns(s.outputs, 'signature.outputs') };
}

/** Throws SignatureMismatchError when the signature does not describe the model. */
export function requireSignatureFits(signature: ModelSignature, model: ModelShape): void {
  const problems: string[] = [];
  if (signature.inputs.length !== model.inputSize) problems.push(`the model takes ${model.inputSize} inputs but the signature names ${signature.inputs.length}`);
  if (signature.outputs.length !== model.outputSize) problems.push(`the model gives ${model.outputSize} outputs but the signature names ${signature.outputs.length}`);
  const notFloat = signature.inputs.filter((c) => c.type === 'string' || c.type === 'boolean').map((c) => c.name);
  if (notFloat.length) problems.push(`a DenseModel takes numbers, but inputs ${notFloat.join(', ')} are not numeric`);
  if (problems.length) throw new SignatureMismatchError(`the signature does not match the model: ${problems.join('; ')}; describe each input and output column of the model, in order`);
}

/** How b's signature differs from a's; compatible when b can serve a's callers unchanged. */
export function signatureDifferences(a: ModelSignature, b: ModelSignature): { compatible: boolean; differences: string[] } {
  const differences: string[] = [];
  const side = (what: 'inputs' | 'outputs') => {
    const x = a[what];
    const y = b[what];
    if (x.length !== y.length) differences.push(`${what}: ${x.length} columns -> ${y.length}`);
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (x[i].name !== y[i].name) differences.push(`${what}[${i}]: ${x[i].name} -> ${y[i].name}`);
      else if (x[i].type !== y[i].type) differences.push(`${what}[${i}] ${x[i].name}: ${x[i].type} -> ${y[i].type}`);
    }
  };
  side('inputs');
  side('outputs');
  return { compatible: differences.length === 0, differences };
}
