/**
 * `mlwatch serve`: serves registry models over the Open Inference Protocol until SIGTERM or
 * SIGINT, then closes gracefully (every request in flight answered) and exits 0.
 *
 *   mlwatch serve --db sqlite:registry.db --artifacts DIR --model fraud@champion [--model churn/3]
 *                 [--host 127.0.0.1] [--port 8000] [--follow-ms 5000] [limits]
 *
 * Each --model is served under its model name; an alias is followed (a moved alias is reloaded
 * while serving) every --follow-ms (0: never). Each --experiment NAME (a running experiment of
 * the registry's database) is served under the model name of its control's model, its variants'
 * models loaded from the registry and its outcomes synced to the database every --sync-ms.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { setting } from '../config.js';
import { ModelRegistry } from '../registry/model-registry.js';
import { ModelServer, type ModelServerOptions } from '../serving/model-server.js';
import { registrySource } from '../serving/registry-source.js';
import { ExperimentStore } from '../experiment/experiment-store.js';
import { ExperimentStateError } from '../errors.js';
import { parseWholeNumber, UsageError } from './options.js';

/** Runs `mlwatch serve ...` (argv after 'serve'); resolves with the exit code once the server has closed. */
export async function runServe(argv: readonly string[], signals: NodeJS.EventEmitter = process): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      db: { type: 'string' },
      artifacts: { type: 'string' },
      model: { type: 'string', multiple: true },
      experiment: { type: 'string', multiple: true },
      'sync-ms': { type: 'string' },
      actor: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'follow-ms': { type: 'string' },
      'max-batch-rows': { type: 'string' },
      'max-queue-delay-ms': { type: 'string' },
      'max-queue-rows': { type: 'string' },
      'max-concurrent': { type: 'string' },
      'timeout-ms': { type: 'string' },
      'max-body-bytes': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const db = values.db ?? setting('MLWATCH_REGISTRY');
  if (!db) throw new UsageError('serve: --db sqlite:FILE or postgres://... is needed (or MLWATCH_REGISTRY)');
  if (!values.artifacts) throw new UsageError('serve: --artifacts DIR is needed (where the registry keeps model files)');
  const refs = values.model ?? [];
  const experiments = values.experiment ?? [];
  if (refs.length === 0 && experiments.length === 0) throw new UsageError('serve: at least one --model REF (e.g. fraud@champion) or --experiment NAME');
  const syncMs = parseWholeNumber(values['sync-ms'], '--sync-ms', 10) ?? 1000;
  const options: ModelServerOptions = {
    host: values.host,
    port: parseWholeNumber(values.port, '--port', 0),
    maxBatchRows: parseWholeNumber(values['max-batch-rows'], '--max-batch-rows', 1),
    maxQueueDelayMs: parseWholeNumber(values['max-queue-delay-ms'], '--max-queue-delay-ms', 0),
    maxQueueRows: parseWholeNumber(values['max-queue-rows'], '--max-queue-rows', 1),
    maxConcurrentRequests: parseWholeNumber(values['max-concurrent'], '--max-concurrent', 1),
    timeoutMs: parseWholeNumber(values['timeout-ms'], '--timeout-ms', 1),
    maxBodyBytes: parseWholeNumber(values['max-body-bytes'], '--max-body-bytes', 64),
  };
  const followMs = parseWholeNumber(values['follow-ms'], '--follow-ms', 0) ?? 5000;
  const registry = await ModelRegistry.open({ db, artifacts: values.artifacts, actor: values.actor ?? userInfo().username });
  const server = new ModelServer(options, registrySource(registry));
  try {
    for (const ref of refs) {
      const name = ref.split(/[@/]/)[0];
      await server.serveRef(name, ref);
      if (followMs > 0 && ref.includes('@')) server.follow(name, ref, followMs);
    }
    const store = new ExperimentStore(registry);
    for (const name of experiments) await serveStoredExperiment(server, registry, store, name, syncMs);
    const { url } = await server.listen();
    process.stdout.write(`mlwatch serve: listening on ${url} (${[...refs, ...experiments.map((e) => `experiment ${e}`)].join(', ')}); SIGTERM or SIGINT closes gracefully\n`);
  } catch (error) {
    await server.close();
    await registry.close();
    throw error;
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    signals.once('SIGTERM', stop);
    signals.once('SIGINT', stop);
  });
  await server.close();
  await registry.close();
  process.stdout.write('mlwatch serve: closed\n');
  return 0;
}

/** Serves the running experiment `name` under its control model's name, synced every syncMs. */
async function serveStoredExperiment(server: ModelServer, registry: ModelRegistry, store: ExperimentStore, name: string, syncMs: number): Promise<void> {
  const record = await store.get(name);
  if (record.status !== 'running') throw new ExperimentStateError(name, 'has ended: there is nothing to serve (serve the winner with --model)');
  const variants = record.config.variants;
  const missing = variants.find((v) => v.model === undefined);
  if (missing) throw new ExperimentStateError(name, `has no model for variant ${JSON.stringify(missing.name)}: only experiments whose variants name registry models can be served`);
  const models = Object.fromEntries(await Promise.all(variants.map(async (v) => [v.name, await registry.loadModel(v.model!)] as const)));
  server.serveExperiment(variants[0].model!.split(/[@/]/)[0], await store.open(name), models, { sync: { store, everyMs: syncMs } });
}
