/**
 * ModelVersion: one registered version as the registry returns it, and what register() takes.
 * The seed's ModelMetadata fields all have a place: name and version; training data in lineage;
 * compression applied in `compression`; performance metrics in `metrics`; compliance approved in
 * `approved` (set by approvals under the governance policy, never by the registrant).
 */
import type { DenseModel } from '../inference/dense-model.js';
import type { Lineage } from './lineage.js';
import type { ModelSignature } from './signature.js';

export interface ArtifactRef {
  /** The artifact's name within the version ('model.mlws', 'config.json', …). */
  path: string;
  sha256: string;
  size: number;
}

export interface CheckResult {
  name: string;
  passed: boolean;
  details: string;
  checkedAt: number;
  checkedBy: string;
}

export interface Approval {
  approver: string;
  note: string | null;
  approvedAt: number;
}

export interface ModelVersion {
  name: string;
  /** 1, 2, 3, … per name, without gaps. */
  version: number;
  /** NAME/VERSION: the reference that always means this version. */
  ref: string;
  createdAt: number;
  createdBy: string;
  description: string | null;
  /** The compression applied to the model (e.g. 'int8 quantization'), or null for none. */
  compression: string | null;
  signature: ModelSignature;
  metrics: Record<string, number>;
  tags: Record<string, string>;
  lineage: Lineage;
  /** The SHA-256 of the DenseModel artifact, or null when the version holds no DenseModel. */
  modelSha256: string | null;
  artifacts: ArtifactRef[];
  /** The aliases pointing at this version now ('latest' included for the newest). */
  aliases: string[];
  checks: CheckResult[];
  approvals: Approval[];
  /** True once the policy's approvals were complete (compliance approved). */
  approved: boolean;
  approvedAt: number | null;
}

export interface RegisterInput {
  /** The model; stored as the artifact 'model.mlws' (DenseModel snapshot) and checked against the signature. */
  model?: DenseModel;
  /** More files: name -> bytes, or name -> path of a file to read. */
  artifacts?: Record<string, Uint8Array | string>;
  signature: ModelSignature;
  metrics?: Record<string, number>;
  tags?: Record<string, string>;
  lineage?: Lineage;
  description?: string;
  compression?: string;
}

/** The artifact name a DenseModel is stored under. */
export const MODEL_ARTIFACT = 'model.mlws';
