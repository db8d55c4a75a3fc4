/** `mlwatch profile FILE --out PROFILE`: a reference profile computed once and saved, for `mlwatch drift --reference PROFILE`. */
import { parseArgs } from 'node:util';
import { profileOfFile } from '../batch/file-drift.js';
import { openTable } from '../batch/readers/open-table.js';
import { selectBackend } from './drift-command.js';
import { UsageError, parseBytes, parseList } from './options.js';
import { ProgressBar } from './progress-bar.js';

export async function runProfile(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      out: { type: 'string' },
      columns: { type: 'string' },
      categorical: { type: 'string' },
      where: { type: 'string', multiple: true },
      backend: { type: 'string' },
      memory: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1 || !values.out) throw new UsageError('profile needs one FILE and --out PROFILE');
  selectBackend(values.backend);
  const categorical = parseList(values.categorical) ?? [];
  const progress = new ProgressBar(process.stderr, !values.quiet && Boolean(process.stderr.isTTY));
  const source = await openTable(positionals[0]);
  const { profile, use } = await profileOfFile(source, {
    include: parseList(values.columns),
    categorical,
    referenceFilters: values.where,
    memoryBytes: values.memory === undefined ? undefined : parseBytes(values.memory, '--memory'),
    onProgress: (p) => progress.update(p),
    thread: 'caller', // a command has nothing else on its event loop: save starting a worker
  }).finally(() => progress.done());
  profile.save(values.out);
  if (!values.quiet) process.stderr.write(`profile of ${use.rowsUsed} rows, ${profile.columns.length} columns written to ${values.out}\n`);
  return 0;
}
