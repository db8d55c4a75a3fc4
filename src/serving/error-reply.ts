/**
 * What a client is told when a request fails: the status (a client's mistake is always a 4xx,
 * anything else a 500) and `{ "error": ... }` naming the input and what was expected, with
 * fastify's own errors said in terms of the server's options.
 */
import type { FastifyRequest } from 'fastify';

/** A fastify error's status, or the status our own errors carry; 500 for anything else. */
function statusOf(error: unknown): number {
  const e = error as { status?: unknown; statusCode?: unknown };
  if (typeof e?.status === 'number') return e.status;
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return e.statusCode;
  return 500;
}

/** The message a client sees: fastify's own errors said in terms of this server's options. */
function messageOf(error: unknown, status: number, maxBodyBytes: number, request: FastifyRequest): string {
  const e = error as { code?: string; message?: string };
  if (status === 415) return `expected Content-Type: application/json but received ${JSON.stringify(request.headers['content-type'] ?? '(none)')}`;
  if (status === 413) return `the body is larger than this server's limit of ${maxBodyBytes} bytes (maxBodyBytes)`;
  if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'the body is empty: expected a JSON object with "inputs"';
  if (status === 400 && e.code === undefined && error instanceof SyntaxError) return `the body is not valid JSON: ${e.message}`;
  if (status === 400 && (e.code ?? '').startsWith('FST_')) return `the body could not be read: ${e.message}`;
  return e.message ?? String(error);
}

/** The status and body of a failed request. */
export function errorReply(error: unknown, request: FastifyRequest, maxBodyBytes: number): { status: number; body: { error: string } } {
  const status = statusOf(error);
  return { status, body: { error: status === 500 ? `internal error: ${(error as Error).message}` : messageOf(error, status, maxBodyBytes, request) } };
}

/** The 404 body of a path the server has no route for, listing the routes. */
export function noRouteReply(request: FastifyRequest): { error: string } {
  return { error: `no route ${request.method} ${request.url.split('?')[0]}; the routes are GET /v2, /v2/health/live, /v2/health/ready, /v2/models/{name}[/versions/{v}][/ready], /metrics and POST /v2/models/{name}[/versions/{v}]/infer, /v2/models/{name}/outcomes` };
}
