/**
 * Percentiles [50, 90, 99, 99.9] of 10 million float64 values: every available backend, copy +
 * sort in JS, and numpy.percentile on the same data. Run: npm run bench -- quantiles
 */
import { availableBackends, percentiles, useBackend } from '../src/index.js';
import { measure, printTable, ratioLine, type Timing } from './lib/measure.js';
import { numpyTiming, writeData } from './lib/peers.js';

export function benchQuantiles(n = 10_000_000): void {
  const values = new Float64Array(n);
  let x = 987654321;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    values[i] = Math.exp((x / 4294967296) * 6); // skewed, like latencies
  }
  const p = [50, 90, 99, 99.9];
  const timings: Timing[] = [];
  for (const backend of availableBackends()) {
    useBackend(backend);
    timings.push(measure(`mlwatch percentiles (${backend})`, () => percentiles(values, p)));
  }
  timings.push(measure('JS copy + Float64Array sort', () => Float64Array.from(values).sort(), 2));
  const numpy = numpyTiming('numpy.percentile', 'percentiles', writeData('values.f64', values), 'float64', [n], p);
  if (numpy) timings.push(numpy);
  const reference = numpy ?? timings[timings.length - 1];
  printTable(`percentiles [${p.join(', ')}] of ${n.toLocaleString('en-US')} float64 values`, timings, reference);
  const native = timings.find((t) => t.name.includes('(cpu)'));
  const js = timings.find((t) => t.name.includes('(js)'));
  if (native && numpy) console.log(ratioLine('native vs NumPy', native, numpy));
  if (native && js) console.log(ratioLine('native vs the mlwatch JS backend', native, js));
}
