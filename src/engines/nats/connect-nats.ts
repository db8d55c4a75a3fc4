/**
 * connectNats: a NATS connection that fails fast with EngineUnavailableError (the client would
 * otherwise report a bare connection error), for the publisher and the aggregator.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { EngineUnavailableError } from '../../errors.js';

/**
 * Connects to `servers` (e.g. 'nats://127.0.0.1:4222').
 *
 * @throws EngineUnavailableError when no server answers within `timeoutMs`
 */
export async function connectNats(servers: string | string[], timeoutMs = 3000): Promise<NatsConnection> {
  try {
    return await connect({ servers, timeout: timeoutMs });
  } catch (error) {
    throw new EngineUnavailableError('nats', Array.isArray(servers) ? servers.join(',') : servers, (error as Error).message || String(error), { cause: error });
  }
}
