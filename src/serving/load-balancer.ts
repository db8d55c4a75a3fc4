/**
 * LoadBalancer: a client that spreads inference requests over several model servers (undici
 * connection pools, one per upstream). Strategies: round robin, least in flight, or the power of
 * two choices (two upstreams drawn at random, the one with fewer requests in flight wins).
 *
 * Health: an active check asks each upstream's readiness route every intervalMs; an upstream is
 * taken out after `unhealthyAfter` failed checks in a row and re-admitted after `healthyAfter`
 * passed ones. Passively, a connection error ejects an upstream at once for ejectMs (then the
 * active checks decide). A request that could not reach its upstream (refused, reset, closed before
 * any answer) is retried once on another one: inference is a pure function, so a retry never does
 * anything twice.
 */
import { Pool } from 'undici';
import { rangeError, requireInteger, typeError } from '../errors.js';

export type BalancingStrategy = 'round_robin' | 'least_in_flight' | 'power_of_two';

export interface HealthCheckOptions {
  /** The route asked. Default /v2/health/ready. */
  path?: string;
  /** Time between checks, ms. Default 1000. */
  intervalMs?: number;
  /** A check not answered within this is failed, ms. Default 500. */
  timeoutMs?: number;
  /** Failed checks in a row that take an upstream out. Default 2. */
  unhealthyAfter?: number;
  /** Passed checks in a row that bring it back. Default 2. */
  healthyAfter?: number;
}

export interface LoadBalancerOptions {
  /** Base URLs of the model servers, e.g. http://127.0.0.1:8001. */
  upstreams: readonly string[];
  /** Default 'least_in_flight'. */
  strategy?: BalancingStrategy;
  healthCheck?: HealthCheckOptions;
  /** How long a connection error keeps an upstream out before the checks may re-admit it, ms. Default 5000. */
  ejectMs?: number;
  /** Connections per upstream. Default 32. */
  connections?: number;
  /** Clock in epoch ms. Default Date.now. */
  now?: () => number;
}

/** What the balancer knows of one upstream. */
export interface UpstreamStatus {
  url: string;
  healthy: boolean;
  inFlight: number;
  /** Until when a connection error keeps it out (epoch ms; 0 when it is not ejected). */
  ejectedUntil: number;
}

/** An upstream's answer. */
export interface BalancedResponse {
  status: number;
  body: unknown;
  /** The upstream that answered. */
  upstream: string;
}

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED']);

interface Upstream extends UpstreamStatus {
  pool: Pool;
  passes: number;
  failures: number;
}

export class LoadBalancer {
  private readonly upstreams: Upstream[];
  private readonly strategy: BalancingStrategy;
  private readonly check: Required<HealthCheckOptions>;
  private readonly ejectMs: number;
  private readonly now: () => number;
  private next = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(options: LoadBalancerOptions) {
    if (typeof options !== 'object' || options === null) throw typeError('an options object with upstreams', 'options', options);
    if (!Array.isArray(options.upstreams) || options.upstreams.length === 0) throw typeError('a non-empty array of upstream URLs', 'options.upstreams', options.upstreams);
    this.strategy = options.strategy ?? 'least_in_flight';
    if (!['round_robin', 'least_in_flight', 'power_of_two'].includes(this.strategy)) throw rangeError("'round_robin', 'least_in_flight' or 'power_of_two'", 'options.strategy', String(this.strategy));
    const h = options.healthCheck ?? {};
    this.check = {
      path: h.path ?? '/v2/health/ready',
      intervalMs: requireInteger(h.intervalMs ?? 1000, 'options.healthCheck.intervalMs', 10),
      timeoutMs: requireInteger(h.timeoutMs ?? 500, 'options.healthCheck.timeoutMs', 1),
      unhealthyAfter: requireInteger(h.unhealthyAfter ?? 2, 'options.healthCheck.unhealthyAfter', 1),
      healthyAfter: requireInteger(h.healthyAfter ?? 2, 'options.healthCheck.healthyAfter', 1),
    };
    this.ejectMs = requireInteger(options.ejectMs ?? 5000, 'options.ejectMs', 0);
    const connections = requireInteger(options.connections ?? 32, 'options.connections', 1);
    this.now = options.now ?? Date.now;
    this.upstreams = options.upstreams.map((url, k) => {
      if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw typeError('an http(s) URL', `options.upstreams[${k}]`, url);
      return { url, pool: new Pool(url, { connections }), healthy: true, inFlight: 0, ejectedUntil: 0, passes: 0, failures: 0 };
    });
    this.timer = setInterval(() => void this.checkAll(), this.check.intervalMs);
    this.timer.unref();
  }

  /** What the balancer knows of each upstream now. */
  status(): UpstreamStatus[] {
    return this.upstreams.map(({ url, healthy, inFlight, ejectedUntil }) => ({ url, healthy, inFlight, ejectedUntil }));
  }

  /**
   * Sends an Open Inference Protocol request for `model` to one upstream, retried once on
   * another when the first could not be reached.
   *
   * @throws Error when no upstream is usable, or both tries failed to connect (the last error)
   */
  async infer(model: string, body: unknown, options: { version?: string } = {}): Promise<BalancedResponse> {
    const path = `/v2/models/${encodeURIComponent(model)}${options.version === undefined ? '' : `/versions/${encodeURIComponent(options.version)}`}/infer`;
    return this.request('POST', path, JSON.stringify(body));
  }

  /** Sends any request (the body as a JSON string) the same way. */
  async request(method: 'GET' | 'POST', path: string, body?: string): Promise<BalancedResponse> {
    const first = this.choose(null);
    if (first === null) throw new Error(`no usable upstream: ${this.upstreams.map((u) => `${u.url} ${u.ejectedUntil > this.now() ? 'ejected after a connection error' : 'failing its health checks'}`).join(', ')}`);
    try {
      return await this.send(first, method, path, body);
    } catch (error) {
      if (!this.isConnectionError(error)) throw error;
      const second = this.choose(first);
      if (second === null) throw error;
      return this.send(second, method, path, body);
    }
  }

  /** Runs one round of health checks now (they also run every intervalMs). */
  async checkAll(): Promise<void> {
    await Promise.all(this.upstreams.map((u) => this.checkOne(u)));
  }

  /** Stops the checks and closes every connection. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.upstreams.map((u) => u.pool.close()));
  }

  private usable(u: Upstream): boolean {
    return u.healthy && u.ejectedUntil <= this.now();
  }

  /** An upstream to send to (not `not`), by the strategy; null when none is usable. */
  private choose(not: Upstream | null): Upstream | null {
    const candidates = this.upstreams.filter((u) => u !== not && this.usable(u));
    if (candidates.length === 0) return null;
    if (this.strategy === 'round_robin') return candidates[this.next++ % candidates.length];
    if (this.strategy === 'power_of_two' && candidates.length > 2) {
      const a = candidates[Math.floor(Math.random() * candidates.length)];
      let b = candidates[Math.floor(Math.random() * (candidates.length - 1))];
      if (b === a) b = candidates[candidates.length - 1];
      return b.inFlight < a.inFlight ? b : a;
    }
    return candidates.reduce((best, u) => (u.inFlight < best.inFlight ? u : best));
  }

  private async send(u: Upstream, method: 'GET' | 'POST', path: string, body?: string): Promise<BalancedResponse> {
    u.inFlight++;
    try {
      const r = await u.pool.request({ path, method, body, headers: body === undefined ? {} : { 'content-type': 'application/json' } });
      const text = await r.body.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON (the /metrics text, say): returned as text
      }
      return { status: r.statusCode, body: parsed, upstream: u.url };
    } catch (error) {
      if (this.isConnectionError(error)) this.eject(u);
      throw error;
    } finally {
      u.inFlight--;
    }
  }

  private eject(u: Upstream): void {
    u.ejectedUntil = this.now() + this.ejectMs;
    u.healthy = false;
    u.passes = 0;
  }

  private async checkOne(u: Upstream): Promise<void> {
    let ok = false;
    try {
      const r = await u.pool.request({ path: this.check.path, method: 'GET', headersTimeout: this.check.timeoutMs, bodyTimeout: this.check.timeoutMs });
      await r.body.dump();
      ok = r.statusCode === 200;
    } catch {
      ok = false;
    }
    if (ok) {
      u.failures = 0;
      u.passes++;
      if (!u.healthy && u.passes >= this.check.healthyAfter && u.ejectedUntil <= this.now()) {
        u.healthy = true;
        u.ejectedUntil = 0;
      }
    } else {
      u.passes = 0;
      u.failures++;
      if (u.failures >= this.check.unhealthyAfter) u.healthy = false;
    }
  }

  private isConnectionError(error: unknown): boolean {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' && CONNECTION_ERRORS.has(code);
  }
}
