/**
 * Redis connections for the BullMQ engine: a `redis://` URL turned into the options BullMQ and
 * ioredis take, and a check that the server answers before anything is queued. BullMQ's own
 * connections retry forever (right for a worker waiting out a Redis restart, wrong for a command
 * whose server address is mistyped), so the check uses a client that gives up at once.
 */
import { Redis } from 'ioredis';
import { EngineUnavailableError, typeError } from '../../errors.js';

/** Where Redis is: a `redis://[user:pass@]host:port[/db]` URL, or ioredis-style fields. */
export type RedisConnection = string | { host?: string; port?: number; db?: number; username?: string; password?: string };

/** Plain connection fields (what BullMQ's `connection` option and ioredis take). */
export interface RedisFields {
  host: string;
  port: number;
  db?: number;
  username?: string;
  password?: string;
}

/** The connection's fields; a URL other than redis:// is refused with a TypeError naming it. */
export function redisFields(connection: RedisConnection, name = 'connection'): RedisFields {
  if (typeof connection === 'string') {
    let url: URL;
    try {
      url = new URL(connection);
    } catch {
      throw typeError('a redis://host:port URL', name, connection);
    }
    if (url.protocol !== 'redis:') throw typeError('a redis://host:port URL', name, connection);
    const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
    return {
      host: url.hostname || '127.0.0.1',
      port: url.port ? Number(url.port) : 6379,
      ...(db !== undefined && Number.isInteger(db) ? { db } : {}),
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    };
  }
  if (typeof connection !== 'object' || connection === null) throw typeError('a redis:// URL or { host, port }', name, connection);
  return { ...connection, host: connection.host ?? '127.0.0.1', port: connection.port ?? 6379 };
}

/** The connection as a URL, for messages. */
export function redisUrl(fields: RedisFields): string {
  return `redis://${fields.host}:${fields.port}${fields.db ? `/${fields.db}` : ''}`;
}

/**
 * Connects once, PINGs, disconnects: resolves when Redis answers within `timeoutMs`.
 *
 * @throws EngineUnavailableError naming the URL and the reason (refused, timed out, auth)
 */
export async function checkRedis(fields: RedisFields, timeoutMs = 3000): Promise<void> {
  const client = new Redis({ ...fields, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // ioredis also emits connection errors as events: without a listener Node would print them
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new EngineUnavailableError('redis', redisUrl(fields), (error as Error).message || String(error), { cause: error });
  } finally {
    client.disconnect();
  }
}
