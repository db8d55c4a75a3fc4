/** Builds ModelVersion objects from the store's rows, and resolves references to rows. */
import { RegistryNotFoundError } from '../errors.js';
import { aliasTarget, latestVersion, versionDetails, versionRow, type VersionRow } from '../store/registry-rows.js';
import type { SqlTx } from '../store/sql-store.js';
import type { Lineage } from './lineage.js';
import { formatRef, LATEST, parseRef } from './model-ref.js';
import type { ModelVersion } from './model-version.js';
import type { ModelSignature } from './signature.js';

/** The versions of rows, each with its details and every alias pointing at it ('latest' included). */
export async function assembleVersions(tx: SqlTx, rows: readonly VersionRow[]): Promise<ModelVersion[]> {
  const d = await versionDetails(tx, rows);
  return rows.map((r) => {
    const aliases = [...(d.aliases.get(r.name)?.get(r.version) ?? [])];
    if (d.latest.get(r.name) === r.version) aliases.push(LATEST);
    return {
      name: r.name,
      version: r.version,
      ref: `${r.name}/${r.version}`,
      createdAt: r.created_at,
      createdBy: r.created_by,
      description: r.description,
      compression: r.compression,
      signature: JSON.parse(r.signature) as ModelSignature,
      metrics: d.metrics.get(r.id) ?? {},
      tags: d.tags.get(r.id) ?? {},
      lineage: JSON.parse(r.lineage) as Lineage,
      modelSha256: r.model_sha256,
      artifacts: d.artifacts.get(r.id) ?? [],
      aliases: aliases.sort(),
      checks: d.checks.get(r.id) ?? [],
      approvals: d.approvals.get(r.id) ?? [],
      approved: r.approved_at !== null,
      approvedAt: r.approved_at,
    };
  });
}

/** The row a reference means; RegistryNotFoundError saying what exists when there is none. */
export async function resolveRow(tx: SqlTx, refText: string): Promise<VersionRow> {
  const ref = parseRef(refText);
  const latest = await latestVersion(tx, ref.name);
  if (latest === undefined) throw new RegistryNotFoundError(refText, `there is no model named ${ref.name}: check the name with \`mlwatch registry list\`, or register it first`);
  let version: number;
  if ('version' in ref) version = ref.version;
  else if (ref.alias === LATEST) version = latest;
  else {
    const target = await aliasTarget(tx, ref.name, ref.alias);
    if (target === undefined) throw new RegistryNotFoundError(refText, `${ref.name} has no alias ${ref.alias}: set it with setAlias(), or use ${ref.name}@latest or ${ref.name}/N`);
    version = target;
  }
  const row = await versionRow(tx, ref.name, version);
  if (!row) throw new RegistryNotFoundError(formatRef(ref), `${ref.name} has versions 1 to ${latest}: use one of them`);
  return row;
}
