/**
 * The continuous-learning loop's report as one self-contained HTML page (no script, no network):
 * the days with their accuracy, drift and decisions, the pipeline run's stages with their stored
 * outputs, and the audit trail. `npm run demo` writes it to continuous-learning.html.
 */
import { escapeMarkup as esc } from '../cli/escape-markup.js';
import { LOOP_START, type LoopReport } from './continuous-learning.js';

const DAY_MS = 86_400_000;

/** The page for a report of runContinuousLearning. */
export function timelineHtml(report: LoopReport): string {
  const start = LOOP_START;
  const run = report.run;
  const days = report.days
    .map((d) => {
      const bar = `<span class="bar" style="width:${(d.accuracy * 100).toFixed(1)}%"></span>`;
      const drift = d.driftScore === null ? '—' : `<span class="${d.driftDetected ? 'bad' : ''}">${d.driftScore.toFixed(2)}</span>`;
      const decision = d.look ? `A/B look: <b>${esc(d.look.decision)}</b>, units ${d.look.units.join(' / ')}${d.look.lift === null ? '' : `, lift ${d.look.lift.toFixed(3)}`}` : d.retrain ? `<b class="bad">retrain</b>: ${esc(d.reasons.join('; '))}` : 'no retrain';
      return `<tr><td>${d.day}</td><td>${esc(d.served)}</td><td class="acc">${bar}<span>${d.accuracy.toFixed(3)}</span></td><td>${drift}</td><td>${esc(d.alerts.join(', ') || '—')}</td><td>${decision}</td><td>${d.champion}</td></tr>`;
    })
    .join('\n');
  const stages = (run?.stages ?? [])
    .map((s) => `<tr><td>${esc(s.name)}</td><td>${esc(s.status)}</td><td>${s.attempts}</td><td>day ${Math.floor((s.startedAt - start) / DAY_MS)}</td><td><code>${esc(JSON.stringify(s.output)?.slice(0, 400) ?? '')}</code></td></tr>`)
    .join('\n');
  const audit = report.audit
    .map((e) => {
      const d = e.details as Record<string, unknown>;
      const what = String(d.event ?? d.operation ?? (d.version !== undefined ? `-> ${d.version}` : ''));
      return `<tr><td>${e.seq}</td><td>day ${Math.floor((e.at - start) / DAY_MS)}</td><td>${esc(e.actor)}</td><td>${esc(e.action)}</td><td>${esc(e.resource)}</td><td>${esc(e.outcome)}</td><td>${esc(what)}${d.stage ? ` ${esc(String(d.stage))}` : ''}</td><td><code>${esc(e.hash.slice(0, 12))}</code></td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mlwatch — continuous learning</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}.acc{position:relative;width:160px}.bar{position:absolute;left:0;top:4px;bottom:4px;background:#cfe0f5}.acc span:last-child{position:relative}.bad{color:#b3261e}code{font-size:12px;white-space:pre-wrap;word-break:break-all}td:last-child{max-width:640px}
</style></head><body>
<h1>Continuous learning: a fraud model that retrains itself</h1>
<p>Simulated days of traffic through the model server. The pipeline run ${run ? `${run.id} (${esc(run.status)}, correlation id <code>${esc(run.correlationId)}</code>)` : '—'}; the experiment ${report.experiment ? `${esc(report.experiment.name)}: ${esc(report.experiment.decision)}${report.experiment.winner ? `, winner ${esc(report.experiment.winner)}` : ''}` : '—'}.</p>
<h2>Days</h2>
<table><tr><th>day</th><th>served</th><th>accuracy</th><th>drift score</th><th>alerts</th><th>decision</th><th>champion</th></tr>
${days}
</table>
<h2>Pipeline run</h2>
<table><tr><th>stage</th><th>status</th><th>attempts</th><th>started</th><th>output (stored)</th></tr>
${stages}
</table>
<h2>Audit trail (${report.audit.length} events, hash chain ${report.auditVerified ? 'verified' : '<b class="bad">broken</b>'})</h2>
<table><tr><th>#</th><th>when</th><th>actor</th><th>action</th><th>resource</th><th>outcome</th><th>what</th><th>hash</th></tr>
${audit}
</table>
</body></html>
`;
}
