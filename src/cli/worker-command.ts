/**
 * `mlwatch worker --redis URL`: a BullMQ worker for distributed drift runs (mlwatch/bullmq),
 * running until SIGTERM or SIGINT, then finishing its jobs in progress and exiting 0. It prints
 * one line when it is connected, so that a script (or a test) knows when to queue work.
 */
import { parseArgs } from 'node:util';
import { UsageError, parseWholeNumber } from './options.js';
import { selectBackend } from './drift-command.js';

export async function runWorker(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      redis: { type: 'string' },
      concurrency: { type: 'string' },
      queue: { type: 'string' },
      role: { type: 'string', default: 'all' },
      'lock-ms': { type: 'string' },
      backend: { type: 'string' },
    },
    allowPositionals: false,
  });
  if (!values.redis) throw new UsageError('worker needs --redis redis://HOST:PORT');
  if (!['partition', 'coordinate', 'all'].includes(values.role!)) throw new UsageError(`--role: expected partition, coordinate or all, got ${JSON.stringify(values.role)}`);
  selectBackend(values.backend);
  // imported here: bullmq is an optional peer, needed by this command only
  const { checkRedis, redisFields, startDriftWorker } = await import('../engines/bullmq/index.js');
  await checkRedis(redisFields(values.redis, '--redis'));
  const worker = startDriftWorker({
    connection: values.redis,
    concurrency: parseWholeNumber(values.concurrency, '--concurrency', 1),
    queue: values.queue,
    role: values.role as 'partition' | 'coordinate' | 'all',
    lockMs: parseWholeNumber(values['lock-ms'], '--lock-ms', 100),
  });
  await worker.ready;
  process.stdout.write(`mlwatch worker ${worker.name} ready on ${values.redis}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await worker.close();
  return 0;
}
