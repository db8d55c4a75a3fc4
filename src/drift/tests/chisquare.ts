/** Chi-square test of the current counts against the reference's shares (scipy.stats.chisquare): drift when p < threshold. */
import { chiSquareOfCategories } from '../statistics.js';
import { defineDriftTest } from './spec.js';

export const chisquare = defineDriftTest({
  name: 'chisquare',
  columns: 'any',
  defaultThreshold: 0.05,
  hasPValue: true,
  distancesOnly: false,
  auto: { reference: 'small', numbers: false, categories: 'more' },
  isDrift: (result, threshold) => result.pValue! < threshold,
  measure: (pair) => {
    const { reference, current } = pair.categories();
    return chiSquareOfCategories(reference, current);
  },
});
