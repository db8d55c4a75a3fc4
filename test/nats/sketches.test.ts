/**
 * mlwatch/nats against a real nats-server with JetStream: two publishers' latency sketches merged
 * by the aggregator equal one sketch over all their values (QuantileSketch merges exactly); a
 * re-sent window is dropped by the stream's dedup; the Prometheus text carries the merged figures;
 * an unreachable server is EngineUnavailableError.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { MonitorRegistry, QuantileSketch } from '../../src/index.js';
import { connectNats, ensureSketchStream, publishSketches, SketchAggregator } from '../../src/engines/nats/index.js';
import { freePort, natsSkipReason, startNats, type TestServer } from '../helpers/servers.js';

const skip = natsSkipReason();

function latencies(n: number, seed: number, scale: number): number[] {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return Array.from({ length: n }, () => scale * Math.exp(u() * 3));
}

describe.skipIf(skip !== undefined)(`mlwatch/nats sketches${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let nats: TestServer;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startNats();
    nc = await connectNats(nats.url);
    await ensureSketchStream(await jetstreamManager(nc), { stream: 'SKETCHES', subjectPrefix: 'mlw.sk' });
  }, 30_000);

  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it('two publishers merged = one sketch over all values; a duplicate window is ignored; Prometheus text has the merged figures', async () => {
    const js = jetstream(nc);
    const a = new MonitorRegistry();
    const b = new MonitorRegistry();
    const va = latencies(3000, 1, 10);
    const vb = latencies(2000, 2, 25);
    for (const v of va) a.get('fraud "v2"').recordLatency(v);
    for (const v of vb) b.get('fraud "v2"').recordLatency(v);
    b.get('fraud "v2"').recordError();
    a.get('churn').recordLatency(5);
    const clock = () => 1_700_000_000_000;
    const aggregator = await SketchAggregator.start(js, { stream: 'SKETCHES', subjectPrefix: 'mlw.sk' });
    const pa = publishSketches(a, js, { instance: 'host-a:8000', windowMs: 10_000, subjectPrefix: 'mlw.sk', now: clock });
    const pb = publishSketches(b, js, { instance: 'host-b:8000', windowMs: 10_000, subjectPrefix: 'mlw.sk', now: clock });
    try {
      const acks = [...(await pa.publishNow()), ...(await pb.publishNow())];
      expect(acks.map((x) => x.duplicate)).toEqual([false, false, false]);
      // the same window again (a retry): JetStream drops it by its message id
      const again = await pb.publishNow();
      expect(again.map((x) => x.duplicate)).toEqual([true]);
      for (let i = 0; i < 200 && aggregator.received < 3; i++) await new Promise((r) => setTimeout(r, 25));
      await new Promise((r) => setTimeout(r, 200)); // a duplicate would arrive by now
      expect(aggregator.received).toBe(3);

      const whole = new QuantileSketch();
      whole.addMany(Float64Array.from([...va, ...vb]));
      const merged = aggregator.merged().find((m) => m.model === 'fraud "v2"')!;
      expect(merged.instances).toEqual(['host-a:8000', 'host-b:8000']);
      expect(merged.sketch.count).toBe(whole.count);
      expect(merged.records).toBe(5000);
      expect(merged.errors).toBe(1);
      const qs = [0, 0.1, 0.5, 0.9, 0.99, 1];
      expect(Array.from(merged.sketch.quantiles(qs))).toEqual(Array.from(whole.quantiles(qs)));
      expect(merged.sketch.min).toBe(whole.min);
      expect(merged.sketch.max).toBe(whole.max);
      expect(merged.sketch.sum).toBeCloseTo(whole.sum, 6);

      const text = aggregator.metrics([0.5, 0.99]);
      const label = 'model="fraud \\"v2\\""';
      expect(text).toContain(`mlwatch_latency_ms{${label},quantile="0.5"} ${whole.quantile(0.5)}`);
      expect(text).toContain(`mlwatch_latency_ms{${label},quantile="0.99"} ${whole.quantile(0.99)}`);
      expect(text).toContain(`mlwatch_latency_ms_count{${label}} 5000`);
      expect(text).toContain(`mlwatch_errors_total{${label}} 1`);
      expect(text).toContain(`mlwatch_instances{${label}} 2`);
      expect(text).toContain('mlwatch_instances{model="churn"} 1');
      expect(text.match(/# TYPE mlwatch_latency_ms summary/g)).toHaveLength(1);
    } finally {
      pa.stop();
      pb.stop();
      await aggregator.close();
    }
  }, 30_000);

  it('a NATS server that is not there: EngineUnavailableError', async () => {
    const port = await freePort();
    const error = (await connectNats(`nats://127.0.0.1:${port}`, 1000).catch((e) => e)) as { code?: string; message: string };
    expect(error.code).toBe('ERR_MLWATCH_ENGINE_UNAVAILABLE');
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });
});
