/** register()'s input checked and turned into bytes to store: the model, the files, the JSON fields. */
import { readFileSync } from 'node:fs';
import { requireNumber, typeError } from '../errors.js';
import { DenseModel } from '../inference/dense-model.js';
import { checkLineage, type Lineage } from './lineage.js';
import { MODEL_ARTIFACT, type RegisterInput } from './model-version.js';
import { checkSignature, requireSignatureFits, type ModelSignature } from './signature.js';

export interface CheckedInput {
  signature: ModelSignature;
  metrics: Record<string, number>;
  tags: Record<string, string>;
  lineage: Lineage;
  description: string | null;
  compression: string | null;
  /** Artifact name -> bytes; the model (when given) under MODEL_ARTIFACT. */
  files: Map<string, Uint8Array>;
  hasModel: boolean;
}

const ARTIFACT_NAME = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._-][A-Za-z0-9._/-]{0,254}$/;

function optionalString(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw typeError('a string', name, value);
  return value;
}

/** Checks every field of input (and the signature against the model); reads artifact files given by path. */
export function checkRegisterInput(input: RegisterInput): CheckedInput {
  if (typeof input !== 'object' || input === null) throw typeError('an object { model?, artifacts?, signature, metrics?, tags?, lineage? }', 'input', input);
  const signature = checkSignature(input.signature);
  const files = new Map<string, Uint8Array>();
  if (input.model !== undefined) {
    if (!(input.model instanceof DenseModel)) throw typeError('a DenseModel', 'input.model', input.model);
    requireSignatureFits(signature, input.model);
    files.set(MODEL_ARTIFACT, input.model.snapshot());
  }
  for (const [name, content] of Object.entries(input.artifacts ?? {})) {
    if (!ARTIFACT_NAME.test(name)) throw typeError("an artifact name of letters, digits, '.', '_', '-' and '/' (no '..')", `input.artifacts[${JSON.stringify(name)}]`, name);
    if (files.has(name)) throw typeError(`a name other than ${MODEL_ARTIFACT} (the model's own artifact)`, 'input.artifacts', name);
    if (typeof content === 'string') {
      const bytes = readFileSync(content);
      files.set(name, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } else if (content instanceof Uint8Array) files.set(name, content);
    else throw typeError('bytes (Uint8Array) or a file path', `input.artifacts[${JSON.stringify(name)}]`, content);
  }
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(input.metrics ?? {})) metrics[k] = requireNumber(v, `input.metrics.${k}`);
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.tags ?? {})) {
    if (typeof v !== 'string') throw typeError('a string', `input.tags.${k}`, v);
    tags[k] = v;
  }
  return {
    signature,
    metrics,
    tags,
    lineage: checkLineage(input.lineage),
    description: optionalString(input.description, 'input.description'),
    compression: optionalString(input.compression, 'input.compression'),
    files,
    hasModel: input.model !== undefined,
  };
}
