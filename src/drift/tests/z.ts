/** Two-proportion z-test on the share of values outside the first category of both samples together: drift when p < threshold. */
import { zTestOfCategories } from '../statistics.js';
import { defineDriftTest } from './spec.js';

export const z = defineDriftTest({
  name: 'z',
  columns: 'any',
  defaultThreshold: 0.05,
  hasPValue: true,
  distancesOnly: false,
  auto: { reference: 'small', numbers: false, categories: 'two' },
  isDrift: (result, threshold) => result.pValue! < threshold,
  measure: (pair) => {
    const { reference, current } = pair.categories();
    return zTestOfCategories(reference, current);
  },
});
