/**
 * `npm run demo`: prints the two-week production simulation as a timeline, and which backend
 * computed it, then the model registry's record of the versions the retrains produced.
 */
import { backendInfo } from '../backend/registry.js';
import { registerSimulatedModels } from './registry-demo.js';
import { runProductionSimulation } from './simulation.js';

const info = backendInfo();
const active = info.backends[info.active];
const detail = active.simd ? `, ${active.simd}, ${active.threads} threads` : '';
console.log(`mlwatch demo — two weeks of a fraud model in production (backend: ${info.active}${detail})`);
if (!info.backends.cpu.available) console.log(`  note: native backend unavailable: ${info.backends.cpu.reason}`);
console.log('  day 4: input shift + accuracy drop · day 8: latency spike · policy: retrain ≥ 24 h apart, at least weekly\n');
console.log('day  accuracy  p50 ms  p99 ms  drift (max score)        suite drifted         alerts                        retrain');
const timeline = runProductionSimulation();
for (const d of timeline) {
  const drift = d.drift.detected ? `${d.drift.severity.toUpperCase()} ${d.drift.driftedFeatures.join(',')} (${d.drift.maxScore.toFixed(2)})` : `none (${d.drift.maxScore.toFixed(2)})`;
  const suite = d.suite.driftedColumns.length ? `${d.suite.driftedColumns.join(',')} (${d.suite.tests.join('/')})` : '-';
  const alerts = d.alerts.length ? d.alerts.join(', ') : '-';
  const retrain = d.retrain ? `YES — ${d.reasons.join('; ')}` : d.reasons.length ? `no — ${d.reasons.join('; ')}` : 'no';
  console.log(
    `${String(d.day).padStart(3)}  ${d.meanAccuracy.toFixed(3).padStart(8)}  ${d.latencyP50.toFixed(1).padStart(6)}  ${d.latencyP99.toFixed(1).padStart(6)}  ${drift.padEnd(23)}  ${suite.padEnd(20)}  ${alerts.padEnd(28)}  ${retrain}`,
  );
}
console.log('\nmodel registry (SQLite, temporary): every retrain registers, checks, approves and promotes a version');
for (const line of await registerSimulatedModels(timeline)) console.log(line);
