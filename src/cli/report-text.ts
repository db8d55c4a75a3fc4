/** The drift report as plain text for a terminal or a log: one line per column and a verdict. */
import type { FileDriftReport } from '../batch/file-drift.js';
import type { DatasetDriftResult } from '../drift/drift-suite.js';
import { formatNumber } from './report-html.js';

/** The report as aligned text lines. */
export function reportText(report: FileDriftReport): string {
  return [
    `reference: ${report.reference.path} (${report.reference.rowsUsed} rows used of ${report.reference.rowsRead})`,
    `current:   ${report.current.path} (${report.current.rowsUsed} rows used of ${report.current.rowsRead})`,
    '',
    ...driftLines(report.drift),
    `${report.seconds.toFixed(2)} s on the ${report.backend} backend, peak memory ${(report.peakRssBytes / 2 ** 20).toFixed(0)} MiB${report.spilledToDisk ? ', values sorted on disk (more than the memory budget)' : ''}`,
    '',
  ].join('\n');
}

/** One aligned line per column, then the verdict (also the distributed run's text report). */
export function driftLines(drift: DatasetDriftResult): string[] {
  const header = ['column', 'type', 'test', 'statistic', 'p-value', 'threshold', 'drift', 'missing'];
  const rows = Object.entries(drift.columns).map(([name, c]) => [
    name,
    c.kind,
    c.test,
    formatNumber(c.statistic),
    c.pValue === undefined ? '' : formatNumber(c.pValue),
    formatNumber(c.threshold),
    c.status === 'ok' ? (c.driftDetected ? 'DRIFT' : 'no') : 'insufficient data',
    `${(c.missingShare * 100).toFixed(1)}%`,
  ]);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) => cells.map((c, k) => c.padEnd(widths[k])).join('  ').trimEnd();
  const tested = Object.values(drift.columns).filter((c) => c.status === 'ok').length;
  return [
    line(header),
    ...rows.map(line),
    '',
    `${drift.datasetDrift ? 'DATASET DRIFT' : 'no dataset drift'}: ${drift.driftedColumns.length} of ${tested} tested columns drifted (share ${formatNumber(drift.driftShare)})`,
  ];
}
