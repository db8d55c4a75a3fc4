/**
 * mlwatch/bullmq: distributed drift over partition files with BullMQ workers on Redis
 * (docs/distributed.md, "BullMQ"). bullmq and ioredis are optional peer dependencies: only this
 * subpath imports them, so `import 'mlwatch'` works without them.
 */
export { runDistributedDrift } from './drift-flow.js';
export type { DistributedRun, DistributedRunOptions, DistributedRunStats } from './drift-flow.js';
export { startDriftWorker } from './drift-worker.js';
export type { DriftWorker, DriftWorkerOptions } from './drift-worker.js';
export { checkRedis, redisFields } from './redis-connection.js';
export type { RedisConnection, RedisFields } from './redis-connection.js';
export { DEFAULT_QUEUE, queueNames } from './drift-jobs.js';
export { expandPartitions } from '../../distributed/partition-glob.js';
export { readPartition } from '../../distributed/read-partition.js';
export { DistributedJobError, EngineUnavailableError } from '../../errors.js';
