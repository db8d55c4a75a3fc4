/**
 * Monitoring at production rates: records per second on the hot path, exact percentile queries
 * over a 1 000 000-record window (native vs JS backend), and quantile-sketch inserts against
 * @datadog/sketches-js and hdr-histogram-js (JS and WebAssembly modes), 10 M lognormal values
 * one at a time. Run: npm run bench -- monitor
 */
import { DDSketch } from '@datadog/sketches-js';
import * as hdr from 'hdr-histogram-js';
import { availableBackends, ModelMonitor, QuantileSketch, useBackend } from '../src/index.js';
import { SeededRandom } from '../src/demo/random.js';
import { measure, printTable, ratioLine, type Timing } from './lib/measure.js';

const perSecond = (count: number) => (t: Timing) => `${((count / t.bestMs) * 1e3 / 1e6).toFixed(1)} M/s`;

export function benchMonitor(): void {
  const rng = new SeededRandom(11);
  const n = 10_000_000;
  const latencies = Float64Array.from({ length: n }, () => Math.exp(rng.normal(4, 0.6)));
  const batch = 1_000_000;

  // 1. The hot path: one record per call, against the two things a record must at least do: a
  //    plain Float64Array ring write, and a DDSketch insert (@datadog/sketches-js).
  const monitor = new ModelMonitor('bench', { capacity: 10_000 });
  const ring = new Float64Array(10_000);
  let next = 0;
  const peerSketch = new DDSketch({ relativeAccuracy: 0.01 });
  const hot: Timing[] = [
    measure('recordLatency (1 M calls)', () => {
      for (let i = 0; i < batch; i++) monitor.recordLatency(latencies[i]);
    }),
    measure('recordPerformance (1 M calls)', () => {
      for (let i = 0; i < batch; i++) monitor.recordPerformance(0.9, latencies[i]);
    }),
    measure('recordBatch (1 call of 1 M)', () => monitor.recordBatch(null, latencies.subarray(0, batch))),
    measure('plain Float64Array ring write (1 M)', () => {
      for (let i = 0; i < batch; i++) {
        ring[next] = latencies[i];
        next = next + 1 === ring.length ? 0 : next + 1;
      }
    }),
    measure('DDSketch.accept (1 M calls)', () => {
      for (let i = 0; i < batch; i++) peerSketch.accept(latencies[i]);
    }),
  ];
  printTable('records into one monitor (capacity 10 000)', hot, hot[0], perSecond(batch));
  console.log(ratioLine('recordLatency vs DDSketch.accept', hot[0], hot[4]));
  console.log(ratioLine('recordLatency vs a plain Float64Array ring write', hot[0], hot[3]));

  // 2. Exact percentiles over a full 1 M window.
  const big = new ModelMonitor('window', { capacity: 1_000_000 });
  big.recordBatch(null, latencies.subarray(0, 1_000_000));
  const query: Timing[] = [];
  for (const backend of availableBackends()) {
    useBackend(backend);
    query.push(measure(`latencyPercentiles([50, 90, 99]) (${backend})`, () => big.latencyPercentiles()));
  }
  printTable('percentile query over a 1 000 000-record window', query, query[query.length - 1]);
  const nativeQuery = query.find((t) => t.name.includes('(cpu)'));
  const jsQuery = query.find((t) => t.name.includes('(js)'));
  if (nativeQuery && jsQuery) console.log(ratioLine('native vs the JS backend', nativeQuery, jsQuery));

  // 3. Sketch inserts, one value at a time, 10 M lognormal values.
  hdr.initWebAssemblySync();
  const inserts: Timing[] = [
    measure('mlwatch QuantileSketch.add', () => {
      const s = new QuantileSketch({ relativeAccuracy: 0.01 });
      for (let i = 0; i < n; i++) s.add(latencies[i]);
    }, 5),
    measure('@datadog/sketches-js DDSketch.accept', () => {
      const s = new DDSketch({ relativeAccuracy: 0.01 });
      for (let i = 0; i < n; i++) s.accept(latencies[i]);
    }, 5),
    measure('hdr-histogram-js recordValue (JS)', () => {
      const h = hdr.build({ numberOfSignificantValueDigits: 2 });
      for (let i = 0; i < n; i++) h.recordValue(latencies[i]);
    }, 5),
    measure('hdr-histogram-js recordValue (WebAssembly)', () => {
      const h = hdr.build({ numberOfSignificantValueDigits: 2, useWebAssembly: true });
      for (let i = 0; i < n; i++) h.recordValue(latencies[i]);
      h.destroy();
    }, 5),
  ];
  for (const backend of availableBackends()) {
    useBackend(backend);
    inserts.push(measure(`mlwatch QuantileSketch.addMany, 10 batches of 1 M (${backend})`, () => {
      const s = new QuantileSketch({ relativeAccuracy: 0.01 });
      for (let b = 0; b < n; b += batch) s.addMany(latencies.subarray(b, b + batch));
    }, 5));
  }
  printTable(`quantile sketch inserts, ${n.toLocaleString('en-US')} lognormal values`, inserts, inserts[1], perSecond(n));
}
