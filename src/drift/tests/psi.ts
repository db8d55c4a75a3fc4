/** Population stability index over categories or Sturges bins (empty bins filled as Evidently does): drift when >= threshold. */
import { psiOfShares } from '../statistics.js';
import { sharesOf } from './column-pair.js';
import { defineDriftTest } from './spec.js';

export const psi = defineDriftTest({
  name: 'psi',
  columns: 'any',
  defaultThreshold: 0.1,
  hasPValue: false,
  distancesOnly: false,
  isDrift: (result, threshold) => result.statistic >= threshold,
  measure: (pair) => {
    const shares = sharesOf(pair);
    return psiOfShares(shares.ref, shares.cur);
  },
});
