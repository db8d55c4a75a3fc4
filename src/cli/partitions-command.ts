/**
 * `mlwatch drift --partitions 'data/*.parquet' --reference REF [--redis URL]`: the drift report over
 * a table split into partition files, by the two-pass distributed algorithm — on BullMQ workers
 * when --redis is given (`mlwatch worker` runs them), else in this process one partition at a time.
 * The BullMQ engine is imported only here and only with --redis: bullmq is an optional peer.
 */
import { tmpdir } from 'node:os';
import { ReferenceProfile } from '../drift/reference-profile.js';
import type { DatasetDriftResult } from '../drift/drift-suite.js';
import { profileOfFile } from '../batch/file-drift.js';
import { openTable } from '../batch/readers/open-table.js';
import { driftOfPartitions } from '../distributed/drift-of-partitions.js';
import { expandPartitions } from '../distributed/partition-glob.js';
import type { DistributedOptions } from '../distributed/candidates.js';
import { writeFileAtomic } from '../persist/atomic-write.js';
import { getBackend } from '../backend/registry.js';
import { UsageError, parseWholeNumber } from './options.js';
import { driftLines } from './report-text.js';

export interface PartitionsArgs {
  pattern: string;
  reference: string;
  redis?: string;
  storage?: string;
  buckets?: string;
  queue?: string;
  format: string;
  out?: string;
  quiet: boolean;
  options: DistributedOptions & { include?: string[]; categorical?: string[] };
  isProfile: boolean;
}

/** Runs the partitioned drift report; returns the exit code (0 no drift, 1 drift, 2 nothing tested). */
export async function runPartitions(args: PartitionsArgs): Promise<number> {
  if (args.format === 'html') throw new UsageError('--partitions reports as text or json (the HTML report plots whole-table distributions)');
  const paths = expandPartitions(args.pattern);
  const buckets = parseWholeNumber(args.buckets, '--buckets', 1);
  const { include, categorical, ...options } = args.options;
  const started = performance.now();
  let report: DatasetDriftResult;
  if (args.redis) {
    const { runDistributedDrift } = await import('../engines/bullmq/index.js');
    report = await runDistributedDrift({
      partitions: paths,
      reference: args.reference,
      connection: args.redis,
      storage: args.storage ?? tmpdir(),
      options: { ...options, buckets, include, categorical, queue: args.queue },
    });
  } else {
    const reference = args.isProfile ? await ReferenceProfile.load(args.reference) : (await profileOfFile(await openTable(args.reference), { include, categorical, thread: 'caller' })).profile;
    report = await driftOfPartitions(paths, reference, { ...options, buckets });
  }
  const seconds = (performance.now() - started) / 1000;
  const text =
    args.format === 'json'
      ? // shaped as the whole-file report's JSON: the drift result under "drift", then how it was made
        `${JSON.stringify({ drift: report, reference: { path: args.reference }, partitions: { pattern: args.pattern, files: paths, engine: args.redis ? 'bullmq' : 'process' }, backend: getBackend().name, seconds }, null, 2)}\n`
      : [`reference:  ${args.reference}`, `partitions: ${paths.length} files matching ${args.pattern}${args.redis ? ` (BullMQ workers on ${args.redis})` : ' (this process)'}`, '', ...driftLines(report), `${seconds.toFixed(2)} s on the ${getBackend().name} backend`, ''].join('\n');
  if (args.out) {
    writeFileAtomic(args.out, Buffer.from(text));
    if (!args.quiet) process.stdout.write(`${args.format} report written to ${args.out}\n`);
  } else process.stdout.write(text);
  if (!Object.values(report.columns).some((c) => c.status === 'ok')) {
    process.stderr.write('mlwatch: no column could be tested\n');
    return 2;
  }
  return report.datasetDrift ? 1 : 0;
}
