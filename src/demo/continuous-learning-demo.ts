/**
 * `npm run demo`: the continuous-learning loop on a simulated clock (continuous-learning.ts):
 * the timeline as it happens, then the registry's audit trail of everything the loop did, its
 * hash chain verified.
 */
import { backendInfo } from '../backend/registry.js';
import { writeFileSync } from 'node:fs';
import { LOOP_START, runContinuousLearning } from './continuous-learning.js';
import { timelineHtml } from './timeline-html.js';

const info = backendInfo();
const active = info.backends[info.active];
const detail = active.simd ? `, ${active.simd}, ${active.threads} threads` : '';
console.log(`mlwatch demo — a fraud model that retrains itself (backend: ${info.active}${detail})`);
if (!info.backends.cpu.available) console.log(`  note: native backend unavailable: ${info.backends.cpu.reason}`);
console.log('  each day: 40 batches of 100 transactions through the model server on loopback, labels posted back;');
console.log('  day 4: amounts rise and fraud follows the hour of the day instead (covariate drift + concept shift)\n');
const started = Date.now();
const report = await runContinuousLearning({ log: (line) => console.log(line) });
const start = LOOP_START;
const correlation = report.run?.correlationId;
console.log(`\naudit trail (${report.audit.length} events, hash chain ${report.auditVerified ? 'verified' : 'BROKEN'}; * = under the run's correlation id ${correlation ?? '-'}):`);
for (const e of report.audit) {
  const d = e.details as Record<string, unknown>;
  const what = d.event ?? d.operation ?? (d.version !== undefined ? `-> ${d.version}` : '');
  const stage = d.stage ? ` ${d.stage}` : '';
  const day = Math.floor((e.at - start) / 86_400_000);
  const ours = correlation !== undefined && (d.correlationId === correlation || (d.reason as { correlationId?: string } | undefined)?.correlationId === correlation);
  console.log(`  #${String(e.seq).padStart(2)} day ${day} ${ours ? '*' : ' '} ${e.actor.padEnd(8)} ${e.action.padEnd(19)} ${e.resource.padEnd(26)} ${e.outcome} ${what}${stage}`);
}
writeFileSync('continuous-learning.html', timelineHtml(report));
console.log(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s: the timeline is in continuous-learning.html; next: the flights drift report (flights-drift.html)`);
