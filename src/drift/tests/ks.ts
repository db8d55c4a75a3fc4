/** Two-sample Kolmogorov–Smirnov test (scipy.stats.ks_2samp, exact or asymptotic p-value): drift when p <= threshold. */
import { ksResult } from '../statistics.js';
import { defineDriftTest } from './spec.js';

export const ks = defineDriftTest({
  name: 'ks',
  columns: 'numerical',
  defaultThreshold: 0.05,
  hasPValue: true,
  distancesOnly: true,
  auto: { reference: 'small', numbers: true },
  isDrift: (result, threshold) => result.pValue! <= threshold,
  measure: (pair) => ksResult(pair.distances().ks, pair.referenceCount, pair.currentCount),
});
