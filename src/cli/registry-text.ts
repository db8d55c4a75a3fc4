/** The text forms of `mlwatch registry` results (the JSON forms are the objects themselves). */
import type { AuditEvent, AuditVerification } from '../governance/audit-log.js';
import type { VersionComparison } from '../registry/compare-versions.js';
import type { ModelSummary } from '../registry/model-registry.js';
import type { ModelVersion } from '../registry/model-version.js';

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace('.000Z', 'Z'));

/** A table of rows with columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

/** The models as a table. */
export function modelsText(models: ModelSummary[]): string {
  return models.length ? table(['name', 'latest', 'created', 'by'], models.map((m) => [m.name, String(m.latestVersion), iso(m.createdAt), m.createdBy])) : 'no models registered\n';
}

/** A page of versions as a table, with the cursor of the next page. */
export function versionsText(versions: ModelVersion[], nextCursor: string | null): string {
  const rows = versions.map((v) => [v.ref, iso(v.createdAt), v.createdBy, v.aliases.join(',') || '-', v.approved ? 'yes' : 'no', Object.entries(v.metrics).map(([k, x]) => `${k}=${x}`).join(' ') || '-']);
  return (rows.length ? table(['version', 'created', 'by', 'aliases', 'approved', 'metrics'], rows) : 'no versions match\n') + (nextCursor ? `more: --cursor ${nextCursor}\n` : '');
}

/** One version, field by field. */
export function versionText(v: ModelVersion): string {
  const lines = [
    `${v.ref}${v.aliases.length ? ` (${v.aliases.map((a) => `@${a}`).join(', ')})` : ''}`,
    `  registered   ${iso(v.createdAt)} by ${v.createdBy}`,
    `  approved     ${v.approved ? `yes, ${iso(v.approvedAt)}` : 'no'}${v.approvals.length ? ` — ${v.approvals.map((a) => `${a.approver}${a.note ? ` ("${a.note}")` : ''}`).join(', ')}` : ''}`,
    `  description  ${v.description ?? '-'}`,
    `  compression  ${v.compression ?? '-'}`,
    `  inputs       ${v.signature.inputs.map((c) => `${c.name}:${c.type}`).join(', ')}`,
    `  outputs      ${v.signature.outputs.map((c) => `${c.name}:${c.type}`).join(', ')}`,
    `  metrics      ${Object.entries(v.metrics).map(([k, x]) => `${k}=${x}`).join(', ') || '-'}`,
    `  tags         ${Object.entries(v.tags).map(([k, x]) => `${k}=${x}`).join(', ') || '-'}`,
    `  training     ${v.lineage.trainingData ? `${v.lineage.trainingData.name} (${v.lineage.trainingData.contentHash.slice(0, 12)}…)` : '-'}`,
    `  parent       ${v.lineage.parentVersion ? `${v.name}/${v.lineage.parentVersion}` : '-'}`,
    `  retrain      ${v.lineage.retrainingDecision ? v.lineage.retrainingDecision.triggerReasons.join('; ') : '-'}`,
    `  checks       ${v.checks.map((c) => `${c.name} ${c.passed ? 'passed' : 'FAILED'}`).join(', ') || '-'}`,
    `  artifacts    ${v.artifacts.map((a) => `${a.path} (${a.size} B, ${a.sha256.slice(0, 12)}…)`).join(', ') || '-'}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** A comparison: metric deltas, signature, artifacts, lineage. */
export function comparisonText(c: VersionComparison): string {
  const fmt = (x: number | null) => (x === null ? '-' : String(Number(x.toPrecision(6))));
  const lines = [`${c.a} -> ${c.b}`, 'metrics:'];
  for (const [k, m] of Object.entries(c.metrics)) lines.push(`  ${k}: ${fmt(m.a)} -> ${fmt(m.b)}${m.delta === null ? '' : ` (${m.delta >= 0 ? '+' : ''}${fmt(m.delta)})`}`);
  lines.push(`signature: ${c.signature.compatible ? 'compatible' : `INCOMPATIBLE: ${c.signature.differences.join('; ')}`}`);
  const a = c.artifacts;
  lines.push(`artifacts: added ${a.added.join(', ') || '-'}; removed ${a.removed.join(', ') || '-'}; changed ${a.changed.join(', ') || '-'}; unchanged ${a.unchanged.join(', ') || '-'}`);
  lines.push(`lineage: ${c.lineage.sameTrainingData ? 'same training data' : 'different training data'}${c.lineage.bDescendsFromA ? `; ${c.b} was retrained from ${c.a}` : ''}`);
  return `${lines.join('\n')}\n`;
}

/** Audit events as a table. */
export function auditText(events: AuditEvent[]): string {
  return events.length ? table(['seq', 'time', 'actor', 'action', 'resource', 'outcome'], events.map((e) => [String(e.seq), iso(e.at), e.actor, e.action, e.resource, e.outcome])) : 'no audit events match\n';
}

/** The result of verifying the audit chain, in one line. */
export function verificationText(v: AuditVerification): string {
  return v.ok ? `audit trail intact: ${v.events} events, each chained to the one before\n` : `audit trail BROKEN at event ${v.firstBroken}: ${v.reason} (${v.events} events before it verify)\n`;
}
