/**
 * The drift report as one self-contained HTML file: a summary table (column, type, test,
 * statistic, p-value, threshold, drift, missing share) and per column the reference and current
 * distributions overlaid (inline SVG). No script, no external resources; the data is the
 * binned shares the tests used, never raw values, so 1 000 columns stay a few MB.
 */
import type { FileDriftReport } from '../batch/file-drift.js';
import { distributionSvg } from './svg-chart.js';
import { escapeMarkup } from './escape-markup.js';

/** A number as a report shows it: 4 significant digits, exponent form when tiny. */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x !== 0 && Math.abs(x) < 1e-4) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1180px;color:#1d1d1f;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#555;margin:0 0 12px}.verdict{display:inline-block;padding:4px 10px;border-radius:4px;font-weight:600}
.drift{background:#fde2e1;color:#a1160a}.stable{background:#e2f3e5;color:#13652b}
table{border-collapse:collapse;width:100%}th,td{padding:4px 8px;border-bottom:1px solid #e6e6e6;text-align:left}
th{background:#f6f6f6;position:sticky;top:0}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.d td:first-child{border-left:3px solid #d93025}td a{color:inherit}.yes{color:#a1160a;font-weight:600}.no{color:#13652b}
.cols{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:8px 16px}
.col{border:1px solid #e6e6e6;border-radius:6px;padding:8px}.col h3{font-size:14px;margin:0 0 2px}
.col p{margin:0 0 4px;color:#555;font-size:12px}svg{font:10px system-ui,sans-serif;fill:#444;max-width:100%;height:auto}
`;

/** The report as an HTML document. */
export function reportHtml(report: FileDriftReport): string {
  const { drift } = report;
  const names = Object.keys(drift.columns);
  const tested = names.filter((n) => drift.columns[n].status === 'ok').length;
  const rows = names
    .map((name) => {
      const c = drift.columns[name];
      return `<tr class="${c.driftDetected ? 'd' : ''}"><td><a href="#c-${encodeURIComponent(name)}">${escapeMarkup(name)}</a></td><td>${c.kind}</td><td>${c.test}</td><td class="n">${formatNumber(c.statistic)}</td><td class="n">${c.pValue === undefined ? '' : formatNumber(c.pValue)}</td><td class="n">${formatNumber(c.threshold)}</td><td class="${c.driftDetected ? 'yes' : 'no'}">${c.status === 'ok' ? (c.driftDetected ? 'drift' : 'no drift') : 'insufficient data'}</td><td class="n">${(c.missingShare * 100).toFixed(1)}%</td></tr>`;
    })
    .join('\n');
  const charts = names
    .map((name) => {
      const c = drift.columns[name];
      const svg = distributionSvg(report.distributions[name], `${name}: reference and current distributions`);
      return `<div class="col" id="c-${encodeURIComponent(name)}"><h3>${escapeMarkup(name)} ${c.driftDetected ? '<span class="yes">· drift</span>' : ''}</h3><p>${c.kind}, ${c.test} = ${formatNumber(c.statistic)}${c.pValue === undefined ? '' : `, p = ${formatNumber(c.pValue)}`}, threshold ${formatNumber(c.threshold)}</p>${svg || '<p>no values to plot</p>'}</div>`;
    })
    .join('\n');
  const verdict = drift.datasetDrift ? '<span class="verdict drift">Dataset drift detected</span>' : '<span class="verdict stable">No dataset drift</span>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>mlwatch drift report</title><style>${STYLE}</style></head>
<body>
<h1>Data drift report</h1>
<p class="meta">Reference: ${escapeMarkup(report.reference.path)} (${report.reference.rowsUsed.toLocaleString('en-US')} rows) · Current: ${escapeMarkup(report.current.path)} (${report.current.rowsUsed.toLocaleString('en-US')} rows) · ${new Date(drift.timestamp).toISOString()} · backend ${report.backend} · ${report.seconds.toFixed(2)} s</p>
<p>${verdict} ${drift.driftedColumns.length} of ${tested} tested columns drifted (${(drift.driftShare * 100).toFixed(1)}%).</p>
<h2>Summary</h2>
<table><thead><tr><th>Column</th><th>Type</th><th>Test</th><th>Statistic</th><th>p-value</th><th>Threshold</th><th>Drift</th><th>Missing</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Distributions</h2>
<div class="cols">
${charts}
</div>
</body></html>
`;
}
