/** `mlwatch drift`: the drift suite over two tables (or a saved profile and a table), reported as text, JSON or HTML. */
import { closeSync, openSync, readSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { useBackend } from '../backend/registry.js';
import type { BackendName } from '../backend/contract.js';
import { driftOfFiles, type FileDriftOptions } from '../batch/file-drift.js';
import { openTable } from '../batch/readers/open-table.js';
import type { Correction } from '../drift/drift-options.js';
import { ReferenceProfile } from '../drift/reference-profile.js';
import { writeFileAtomic } from '../persist/atomic-write.js';
import { hasSnapshotMagic } from '../persist/snapshot-format.js';
import { UsageError, parseBytes, parseList, parseShare, parseTests } from './options.js';
import { runPartitions, type PartitionsArgs } from './partitions-command.js';
import { ProgressBar } from './progress-bar.js';
import { reportHtml } from './report-html.js';
import { reportText } from './report-text.js';

const FORMATS = ['text', 'json', 'html'] as const;

/** True when the file starts like a saved profile (the snapshot magic). */
export function isProfileFile(path: string): boolean {
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && hasSnapshotMagic(head);
  } catch {
    return false;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** Selects the backend named by --backend (exit 2 with the reason when it is not available here). */
export function selectBackend(name: string | undefined): void {
  if (name === undefined) return;
  try {
    useBackend(name as BackendName);
  } catch (error) {
    throw new UsageError(`--backend ${name}: ${(error as Error).message}`);
  }
}

export async function runDrift(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      reference: { type: 'string' },
      current: { type: 'string' },
      columns: { type: 'string' },
      categorical: { type: 'string' },
      tests: { type: 'string' },
      'reference-where': { type: 'string', multiple: true },
      'current-where': { type: 'string', multiple: true },
      'drift-share': { type: 'string' },
      correction: { type: 'string' },
      format: { type: 'string', default: 'text' },
      out: { type: 'string' },
      backend: { type: 'string' },
      memory: { type: 'string' },
      'tmp-dir': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      partitions: { type: 'string' },
      redis: { type: 'string' },
      storage: { type: 'string' },
      buckets: { type: 'string' },
      queue: { type: 'string' },
    },
    allowPositionals: false,
  });
  if (values.partitions !== undefined) {
    if (!values.reference || values.current) throw new UsageError('drift --partitions needs --reference and no --current');
    if (values['reference-where'] || values['current-where'] || values.memory || values['tmp-dir']) throw new UsageError('--partitions takes no --reference-where, --current-where, --memory or --tmp-dir (each partition is read whole)');
    selectBackend(values.backend);
    const tests = parseTests(values.tests);
    const options: PartitionsArgs['options'] = { include: parseList(values.columns), categorical: parseList(values.categorical), test: tests.test, columns: tests.columns };
    if (values['drift-share'] !== undefined) options.driftShare = parseShare(values['drift-share'], '--drift-share');
    if (values.correction !== undefined) options.correction = values.correction as Correction;
    return runPartitions({ pattern: values.partitions, reference: values.reference, redis: values.redis, storage: values.storage, buckets: values.buckets, queue: values.queue, format: values.format!, out: values.out, quiet: values.quiet!, options, isProfile: isProfileFile(values.reference) });
  }
  if (values.redis || values.storage || values.buckets || values.queue) throw new UsageError('--redis, --storage, --buckets and --queue go with --partitions');
  if (!values.reference || !values.current) throw new UsageError('drift needs --reference and --current');
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new UsageError(`--format: expected text, json or html, got ${JSON.stringify(values.format)}`);
  selectBackend(values.backend);
  const tests = parseTests(values.tests);
  const categorical = parseList(values.categorical) ?? [];
  const options: FileDriftOptions = {
    include: parseList(values.columns),
    categorical,
    test: tests.test,
    columns: tests.columns,
    referenceFilters: values['reference-where'],
    currentFilters: values['current-where'],
    memoryBytes: values.memory === undefined ? undefined : parseBytes(values.memory, '--memory'),
    tmpDir: values['tmp-dir'],
    thread: 'caller', // a command has nothing else on its event loop: save starting a worker
  };
  if (values['drift-share'] !== undefined) options.driftShare = parseShare(values['drift-share'], '--drift-share');
  if (values.correction !== undefined) options.correction = values.correction as Correction;
  const progress = new ProgressBar(process.stderr, !values.quiet && Boolean(process.stderr.isTTY));
  options.onProgress = (p) => progress.update(p);
  const reference = isProfileFile(values.reference) ? await ReferenceProfile.load(values.reference) : await openTable(values.reference);
  const current = await openTable(values.current);
  const report = await driftOfFiles(reference, current, options).finally(() => progress.done());
  if (reference instanceof ReferenceProfile) report.reference.path = values.reference;
  const text = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'html' ? reportHtml(report) : reportText(report);
  if (values.out) {
    writeFileAtomic(values.out, Buffer.from(text));
    // standard output is free: the text report there, unless asked to be quiet
    if (!values.quiet) process.stdout.write(`${reportText(report)}${format} report written to ${values.out}\n`);
  } else process.stdout.write(text);
  if (!Object.values(report.drift.columns).some((c) => c.status === 'ok')) {
    // nothing could be compared (an empty file, filters that keep no rows): not a "no drift"
    process.stderr.write(`mlwatch: no column could be tested (reference ${report.reference.rowsUsed} rows, current ${report.current.rowsUsed} rows used)\n`);
    return 2;
  }
  return report.drift.datasetDrift ? 1 : 0;
}
