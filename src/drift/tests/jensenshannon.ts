/** Jensen–Shannon distance (base e, scipy.spatial.distance.jensenshannon) over categories or Sturges bins: drift when >= threshold. */
import { jensenShannonOfShares } from '../statistics.js';
import { sharesOf } from './column-pair.js';
import { defineDriftTest } from './spec.js';

export const jensenshannon = defineDriftTest({
  name: 'jensenshannon',
  columns: 'any',
  defaultThreshold: 0.1,
  hasPValue: false,
  distancesOnly: false,
  auto: { reference: 'large', numbers: false },
  isDrift: (result, threshold) => result.statistic >= threshold,
  measure: (pair) => {
    const shares = sharesOf(pair);
    return jensenShannonOfShares(shares.ref, shares.cur);
  },
});
