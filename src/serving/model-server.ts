/**
 * ModelServer: DenseModels served over HTTP with the Open Inference Protocol (v2 REST), on
 * fastify. Requests are batched by rows per model (dynamic-batcher.ts), every answered request's
 * latency goes to the model's ModelMonitor, and the server's own figures and the monitors' are
 * exposed as Prometheus text on /metrics. A client's mistake is always a 4xx whose
 * `{ "error": ... }` names the input and what was expected; the server never answers 500 for
 * one, and keeps serving.
 *
 * Routes: GET /v2/health/live, /v2/health/ready, /v2, /v2/models/{name}[/versions/{v}],
 * /v2/models/{name}[/versions/{v}]/ready, /metrics; POST /v2/models/{name}[/versions/{v}]/infer
 * and /v2/models/{name}/outcomes (labels that arrive later: accuracy into the monitor).
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { DenseModel } from '../inference/dense-model.js';
import { MonitorRegistry } from '../monitor/monitor-registry.js';
import type { ModelMonitorOptions } from '../monitor/model-monitor.js';
import { prometheusText } from '../monitor/prometheus.js';
import { ModelNotServedError, ServerOverloadedError, requireInteger, requireNumber, typeError } from '../errors.js';
import { errorReply, noRouteReply } from './error-reply.js';
import { jsonBodyParser } from './tensor-json.js';
import { inferResponseJson } from './infer-response.js';
import { parseInferRequest } from './infer-request.js';
import { NAME } from '../registry/model-ref.js';
import { ServedModel, type ServeOptions } from './served-model.js';
import { ServedExperiment, UNIT_HEADER, VARIANT_HEADER, type ExperimentSync } from './served-experiment.js';
import type { Experiment } from '../experiment/experiment.js';
import { ServerMetrics } from './server-metrics.js';

export interface ModelServerOptions {
  /** Address to listen on. Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Port; 0 picks a free one. Default 8000. */
  port?: number;
  /** Rows per model call. Default 1024 (on the serving benchmark's 64-row requests, 256 held throughput to 0.7x of 1024). */
  maxBatchRows?: number;
  /** Longest a request waits for others to join its batch, ms; 0 switches batching off. Default 2. */
  maxQueueDelayMs?: number;
  /** Rows queued per model at most (429 beyond). Default 8192. */
  maxQueueRows?: number;
  /** Requests being answered at once at most (429 beyond). Default 1024. */
  maxConcurrentRequests?: number;
  /** Longest an inference may take, ms (504 after; counted as an error by the monitor). Default 5000. */
  timeoutMs?: number;
  /** Largest request body, bytes (413 beyond). Default 8 MiB. */
  maxBodyBytes?: number;
  /** Rows per request at most. Default 65 536. */
  maxRequestRows?: number;
  /** Record latencies, errors and outcomes in each model's ModelMonitor. Default true. */
  monitoring?: boolean;
  /** Options of the monitors the server creates. */
  monitor?: ModelMonitorOptions;
  /** /v2/health/ready answers 503 while any monitor has a critical alert firing. Default false. */
  readyUnlessCritical?: boolean;
  /** Seconds a refused client is told to wait (Retry-After). Default 1. */
  retryAfterSeconds?: number;
}

/** Where models come from by reference (a registry ref such as "fraud@champion"): registry-source.ts. */
export interface ModelSource {
  /** The version a reference points at now (an alias moves). */
  version(ref: string): Promise<string>;
  /** The model a reference points at, with its version. */
  load(ref: string): Promise<{ model: DenseModel; version: string }>;
}

const DEFAULTS = {
  host: '127.0.0.1',
  port: 8000,
  maxBatchRows: 1024,
  maxQueueDelayMs: 2,
  maxQueueRows: 8192,
  maxConcurrentRequests: 1024,
  timeoutMs: 5000,
  maxBodyBytes: 8 * 1024 * 1024,
  maxRequestRows: 65_536,
  retryAfterSeconds: 1,
};

type Params = { name: string; version?: string };

export class ModelServer {
  readonly options: Readonly<typeof DEFAULTS> & ModelServerOptions;
  private readonly app: FastifyInstance;
  private readonly models = new Map<string, ServedModel>();
  private readonly experiments = new Map<string, ServedExperiment>();
  private readonly followers = new Map<string, { ref: string; timer: NodeJS.Timeout; lastError: string | null }>();
  private readonly monitors = new MonitorRegistry();
  private readonly metrics: ServerMetrics;
  private address: { host: string; port: number } | null = null;
  private closing = false;

  /**
   * @param options limits and defaults (all optional); see ModelServerOptions
   * @param source where `serveRef`, `reload(name, ref)` and `follow` find models by reference (registrySource(registry))
   */
  constructor(
    options: ModelServerOptions = {},
    private readonly source?: ModelSource,
  ) {
    if (typeof options !== 'object' || options === null) throw typeError('an options object', 'options', options);
    this.options = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
    const o = this.options;
    if (typeof o.host !== 'string' || o.host === '') throw typeError('a host name or address', 'options.host', o.host);
    requireInteger(o.port, 'options.port', 0, 65_535);
    requireInteger(o.maxBatchRows, 'options.maxBatchRows', 1);
    requireNumber(o.maxQueueDelayMs, 'options.maxQueueDelayMs', 0, 60_000);
    requireInteger(o.maxQueueRows, 'options.maxQueueRows', 1);
    requireInteger(o.maxConcurrentRequests, 'options.maxConcurrentRequests', 1);
    requireNumber(o.timeoutMs, 'options.timeoutMs', 1, 3_600_000);
    requireInteger(o.maxBodyBytes, 'options.maxBodyBytes', 64);
    requireInteger(o.maxRequestRows, 'options.maxRequestRows', 1);
    requireInteger(o.retryAfterSeconds, 'options.retryAfterSeconds', 1);
    const buckets: number[] = [];
    for (let b = 1; b < o.maxBatchRows; b *= 2) buckets.push(b);
    buckets.push(o.maxBatchRows);
    this.metrics = new ServerMetrics(buckets);
    this.app = Fastify({ bodyLimit: o.maxBodyBytes, forceCloseConnections: false, return503OnClosing: true });
    this.app.removeContentTypeParser('text/plain'); // JSON only: anything else is a 415
    // Large infer bodies read their tensors without boxing every number (tensor-json.ts); every
    // other body parses as fastify does by default.
    this.app.addContentTypeParser('application/json', { parseAs: 'buffer' }, jsonBodyParser(this.app.getDefaultJsonParser('error', 'error')));
    this.routes();
  }

  /** Serves `model` under `name` (replacing nothing: use reload for that). */
  serve(name: string, model: DenseModel, options: ServeOptions = {}): void {
    this.checkNewName(name);
    this.models.set(name, this.served(name, model, options));
  }

  /**
   * Serves an experiment under `name`: each request's unit id (the x-mlwatch-unit header or
   * parameters.unit_id) picks the variant, whose model answers; the response's x-mlwatch-variant
   * header names it. `models` holds a DenseModel per variant. Outcomes posted to
   * /v2/models/{name}/outcomes as { outcomes: [{ unit, success | value, ... }] } go into the
   * experiment. Each variant has its own monitor, named "name:variant". With `options.sync`
   * (an ExperimentStore), the outcomes are synced to the registry's database every
   * `sync.everyMs` and when the experiment stops being served (endExperiment, close).
   */
  serveExperiment(name: string, experiment: Experiment, models: Readonly<Record<string, DenseModel>>, options: Omit<ServeOptions, 'version'> & { sync?: ExperimentSync } = {}): void {
    this.checkNewName(name);
    this.experiments.set(name, this.experimentEntry(name, experiment, models, options));
  }

  /**
   * serveExperiment in place of the model served under `name` now (the champion, say): the
   * variants' models are warmed up, then the experiment takes the name; requests already queued
   * or running finish on the model. endExperiment goes back to one model.
   */
  async startExperiment(name: string, experiment: Experiment, models: Readonly<Record<string, DenseModel>>, options: Omit<ServeOptions, 'version'> & { sync?: ExperimentSync } = {}): Promise<void> {
    const old = this.models.get(name);
    if (!old) throw new ModelNotServedError(name, undefined, this.servedNames());
    const entry = this.experimentEntry(name, experiment, models, { inputName: old.inputName, outputName: old.outputName, ...options });
    let current: ServedModel | undefined;
    try {
      await Promise.all([...entry.variants.values()].map(({ model }) => model.predictAsync({ data: new Float32Array(model.inputSize), rows: 1, cols: model.inputSize })));
      current = this.models.get(name); // a reload may have swapped it meanwhile
      if (!current) throw new ModelNotServedError(name, undefined, this.servedNames());
    } catch (error) {
      await Promise.all([...entry.variants.values()].map((m) => m.retire()));
      await entry.stop();
      throw error;
    }
    this.experiments.set(name, entry);
    this.models.delete(name);
    await current.retire();
  }

  private experimentEntry(name: string, experiment: Experiment, models: Readonly<Record<string, DenseModel>>, options: Omit<ServeOptions, 'version'> & { sync?: ExperimentSync }): ServedExperiment {
    const { sync, ...serveOptions } = options;
    if (sync !== undefined) {
      if (typeof sync?.store?.sync !== 'function') throw typeError('{ store: an ExperimentStore, everyMs? }', 'options.sync', sync);
      requireNumber(sync.everyMs ?? 1000, 'options.sync.everyMs', 10);
    }
    const variants = new Map<string, ServedModel>();
    for (const v of experiment.config.variants) {
      const model = models[v.name];
      if (model === undefined) throw typeError(`a DenseModel for every variant (${experiment.config.variants.map((x) => x.name).join(', ')})`, `models.${v.name}`, model);
      variants.set(v.name, this.served(name, model, { ...serveOptions, version: v.name }, `${name}:${v.name}`));
    }
    return new ServedExperiment(experiment, variants, sync);
  }

  /** The sync state of the experiment served under `name`: when its outcomes last reached the database, and the last error. */
  experimentSync(name: string): { lastSyncAt: number | null; lastError: string | null } {
    const served = this.experiments.get(name);
    if (!served) throw new ModelNotServedError(name, undefined, [...this.experiments.keys()]);
    return { ...served.syncState };
  }

  /**
   * Ends the experiment served under `name` and serves `model` (the winner, say) there instead,
   * with the reload's warm-up; requests in flight finish on the variants' models. A synced
   * experiment syncs a last time; the answer says whether that worked (lastError is set when the
   * experiment had ended in the database already, or the database failed).
   */
  async endExperiment(name: string, model: DenseModel, options: ServeOptions = {}): Promise<{ lastSyncAt: number | null; lastError: string | null }> {
    const served = this.experiments.get(name);
    if (!served) throw new ModelNotServedError(name, undefined, [...this.experiments.keys()]);
    await model.predictAsync({ data: new Float32Array(model.inputSize), rows: 1, cols: model.inputSize });
    this.models.set(name, this.served(name, model, options));
    this.experiments.delete(name);
    await Promise.all([...served.variants.values()].map((m) => m.retire()));
    await served.stop(); // after the variants' last requests, so their outcomes are in
    return { ...served.syncState };
  }

  private checkNewName(name: string): void {
    if (typeof name !== 'string' || !NAME.test(name)) throw typeError('a model name of letters, digits, ".", "_" or "-" (at most 128)', 'name', name);
    if (this.models.has(name) || this.experiments.has(name)) throw typeError(`a name not served yet (use reload to replace ${JSON.stringify(name)})`, 'name', name);
  }

  /** Loads `ref` with the server's loader and serves it under `name`. */
  async serveRef(name: string, ref: string, options: Omit<ServeOptions, 'version'> = {}): Promise<void> {
    const { model, version } = await this.load(ref);
    this.serve(name, model, { ...options, version });
  }

  /**
   * Replaces the model served under `name` while serving: loads it (a ref through the loader),
   * warms it up with one row, then swaps; requests already queued or running finish on the old
   * model, new ones go to the new one. The monitor carries over.
   */
  async reload(name: string, source: DenseModel | string, options: ServeOptions = {}): Promise<void> {
    const old = this.models.get(name);
    if (!old) throw new ModelNotServedError(name, undefined, this.servedNames());
    const { model, version } = typeof source === 'string' ? await this.load(source) : { model: source, version: options.version ?? old.version };
    await model.predictAsync({ data: new Float32Array(model.inputSize), rows: 1, cols: model.inputSize });
    this.models.set(name, this.served(name, model, { inputName: old.inputName, outputName: old.outputName, ...options, version }));
    await old.retire();
  }

  /**
   * Keeps `name` on whatever version `ref` points at: every intervalMs the source is asked, and a
   * moved alias is reloaded (warm-up, swap, the old model drains). A failed check or load keeps the
   * model being served; `followed(name)` reports the last error. Stopped by close().
   */
  follow(name: string, ref: string, intervalMs = 5000): void {
    if (!this.source) throw typeError('a server with a model source', 'follow', ref);
    requireNumber(intervalMs, 'intervalMs', 10);
    const previous = this.followers.get(name);
    if (previous) clearInterval(previous.timer);
    const state = { ref, timer: setInterval(() => void check(), intervalMs), lastError: null as string | null, checking: false };
    const check = async () => {
      if (state.checking || this.closing) return;
      state.checking = true;
      try {
        const version = await this.source!.version(ref);
        const served = this.models.get(name);
        if (served && served.version !== version) await this.reload(name, ref);
        state.lastError = null;
      } catch (e) {
        state.lastError = (e as Error).message;
      } finally {
        state.checking = false;
      }
    };
    state.timer.unref();
    this.followers.set(name, state);
  }

  /** The reference `name` follows and the last error of following it (null when the last check worked). */
  followed(name: string): { ref: string; lastError: string | null } | null {
    const f = this.followers.get(name);
    return f ? { ref: f.ref, lastError: f.lastError } : null;
  }

  /** The monitor of a served model (null with monitoring off). */
  monitor(name: string): ReturnType<MonitorRegistry['get']> | null {
    return this.options.monitoring === false ? null : this.monitors.get(name);
  }

  /** The drift scores of every model with drift sampling, checked now. */
  checkDrift(): Record<string, number | null> {
    return Object.fromEntries(this.allServed().map(([name, m]) => [name, m.checkDrift()]));
  }

  /** Starts listening; resolves with the address (the port chosen when options.port was 0). */
  async listen(): Promise<{ host: string; port: number; url: string }> {
    await this.app.listen({ host: this.options.host, port: this.options.port });
    const a = this.app.server.address();
    const port = typeof a === 'object' && a ? a.port : this.options.port;
    this.address = { host: this.options.host, port };
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return { host: this.options.host, port, url: `http://${host}:${port}` };
  }

  /** Graceful close: stops accepting, answers every request in flight, then stops the models. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const f of this.followers.values()) clearInterval(f.timer);
    const closed = this.app.close();
    this.app.server.closeIdleConnections();
    await closed;
    await Promise.all(this.allServed().map(([, m]) => m.retire()));
    await Promise.all([...this.experiments.values()].map((e) => e.stop()));
  }

  /** The Prometheus text of /metrics: the server's figures and every monitor's. */
  metricsText(): string {
    const served = this.allServed();
    const depth = new Map(served.map(([name, m]) => [name, m.batcher.depth]));
    const monitors = this.options.monitoring === false ? '' : prometheusText(served.map(([n]) => this.monitors.get(n)));
    return this.metrics.text(depth) + monitors;
  }

  private async load(ref: string): Promise<{ model: DenseModel; version: string }> {
    if (!this.source) throw typeError('a DenseModel (this server has no model source for refs)', 'source', ref);
    return this.source.load(ref);
  }

  private served(name: string, model: DenseModel, options: ServeOptions, monitorName = name): ServedModel {
    const o = this.options;
    const monitor = o.monitoring === false ? null : this.monitors.get(monitorName, o.monitor);
    return new ServedModel(name, model, monitor, options, { maxBatchRows: o.maxBatchRows, maxQueueDelayMs: o.maxQueueDelayMs, maxQueueRows: o.maxQueueRows, timeoutMs: o.timeoutMs, retryAfterSeconds: o.retryAfterSeconds }, {
      batch: (rows) => this.metrics.batch(rows),
      timeout: () => {
        this.metrics.timeout(monitorName);
        monitor?.recordError();
      },
      rejected: () => this.metrics.rejected(monitorName),
    });
  }

  /** Every model served, by monitor name (an experiment's variants as "name:variant"). */
  private allServed(): [string, ServedModel][] {
    const out: [string, ServedModel][] = [...this.models];
    for (const [name, e] of this.experiments) for (const [variant, m] of e.variants) out.push([`${name}:${variant}`, m]);
    return out;
  }

  private servedNames(): string[] {
    return [...this.models.keys(), ...this.experiments.keys()];
  }

  /** The model a request names, at the version it names (if any); an experiment's control for metadata. */
  private modelOf(params: Params): ServedModel {
    const e = this.experiments.get(params.name);
    if (e && params.version === undefined) return e.control;
    const m = this.models.get(params.name);
    if (!m) throw new ModelNotServedError(params.name, e ? params.version : undefined, this.servedNames());
    if (params.version !== undefined && params.version !== m.version) throw new ModelNotServedError(params.name, params.version, this.servedNames());
    return m;
  }

  private ready(): boolean {
    if (this.closing || this.address === null) return false;
    if (!this.options.readyUnlessCritical || this.options.monitoring === false) return true;
    return !this.allServed().some(([n]) => this.monitors.get(n).checkAlerts().ruleAlerts.some((a) => a.severity === 'critical'));
  }

  private routes(): void {
    const app = this.app;
    const o = this.options;
    // The hooks run on every request: callback hooks, which cost no promise each.
    app.addHook('onRequest', (request, _reply, done) => {
      if (this.metrics.inFlight >= o.maxConcurrentRequests) {
        this.metrics.rejected('*');
        done(new ServerOverloadedError(`${this.metrics.inFlight} requests are being answered (maxConcurrentRequests ${o.maxConcurrentRequests})`, o.retryAfterSeconds));
        return;
      }
      this.metrics.inFlight++;
      (request as { counted?: boolean }).counted = true;
      done();
    });
    // While closing, every answer ends its connection, so that close() does not wait for
    // keep-alive sockets that were busy when it began.
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (this.closing) void reply.header('connection', 'close');
      done(null, payload);
    });
    app.addHook('onResponse', (request, reply, done) => {
      if ((request as { counted?: boolean }).counted) this.metrics.inFlight--;
      this.metrics.request(request.routeOptions.url ?? 'unmatched', reply.statusCode);
      done();
    });
    app.setErrorHandler((error, request, reply) => {
      const { status, body } = errorReply(error, request, o.maxBodyBytes);
      if (error instanceof ServerOverloadedError) void reply.header('retry-after', String(error.retryAfterSeconds));
      void reply.code(status).send(body);
    });
    app.setNotFoundHandler((request, reply) => void reply.code(404).send(noRouteReply(request)));

    app.get('/v2/health/live', async () => ({ live: true }));
    app.get('/v2/health/ready', async (_request, reply) => {
      const ready = this.ready();
      return reply.code(ready ? 200 : 503).send({ ready });
    });
    app.get('/v2', async () => ({ name: 'mlwatch', version: '0.1.0', extensions: [] as string[] }));
    const metadata = async (request: FastifyRequest<{ Params: Params }>) => {
      const m = this.modelOf(request.params);
      return { name: m.name, versions: [m.version], platform: 'mlwatch_dense', ...m.tensors() };
    };
    app.get('/v2/models/:name', metadata);
    app.get('/v2/models/:name/versions/:version', metadata);
    const modelReady = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
      this.modelOf(request.params);
      const ready = this.ready();
      return reply.code(ready ? 200 : 503).send({ name: request.params.name, ready });
    };
    app.get('/v2/models/:name/ready', modelReady);
    app.get('/v2/models/:name/versions/:version/ready', modelReady);
    const infer = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
      const start = performance.now();
      const experiment = this.experiments.get(request.params.name);
      let m: ServedModel;
      if (experiment && request.params.version === undefined) {
        const route = experiment.route(experiment.unitOf(request.headers[UNIT_HEADER], request.body));
        m = route.model;
        void reply.header(VARIANT_HEADER, route.inExperiment ? route.variant : `${route.variant} (outside the experiment)`);
      } else m = this.modelOf(request.params);
      const input = parseInferRequest(request.body, { inputName: m.inputName, outputName: m.outputName, features: m.model.inputSize, maxRows: o.maxRequestRows });
      const out = await m.infer(input.data, input.rows, input.id);
      m.monitor?.recordLatency(performance.now() - start);
      const body = inferResponseJson({ modelName: m.name, modelVersion: m.version, id: input.id, outputName: m.outputName, rows: input.rows, outputs: m.model.outputSize, data: out });
      return reply.type('application/json; charset=utf-8').send(body);
    };
    app.post('/v2/models/:name/infer', { config: { tensorBody: true } }, infer);
    app.post('/v2/models/:name/versions/:version/infer', { config: { tensorBody: true } }, infer);
    app.post('/v2/models/:name/outcomes', async (request: FastifyRequest<{ Params: Params }>) => {
      const experiment = this.experiments.get(request.params.name);
      if (experiment) return { model_name: request.params.name, experiment: experiment.experiment.name, ...experiment.logOutcomes(request.body) };
      const m = this.modelOf(request.params);
      return { model_name: m.name, ...m.logOutcomes(request.body) };
    });
    app.get('/metrics', async (_request, reply) => reply.type('text/plain; version=0.0.4').send(this.metricsText()));
  }
}
