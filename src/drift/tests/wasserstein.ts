/** Wasserstein (earth mover's) distance normalised by the reference's standard deviation: drift when >= threshold. */
import { wassersteinResult } from '../statistics.js';
import { defineDriftTest } from './spec.js';

export const wasserstein = defineDriftTest({
  name: 'wasserstein',
  columns: 'numerical',
  defaultThreshold: 0.1,
  hasPValue: false,
  distancesOnly: true,
  auto: { reference: 'large', numbers: true },
  isDrift: (result, threshold) => result.statistic >= threshold,
  measure: (pair) => wassersteinResult(pair.distances().wasserstein, pair.referenceMoments().std),
});
