/** The Python reference's score: |current mean - reference mean| / (reference std + 1e-8); drift when > threshold (default 2 standard deviations). */
import { meanShiftResult } from '../statistics.js';
import { defineDriftTest } from './spec.js';

export const meanShift = defineDriftTest({
  name: 'meanShift',
  columns: 'numerical',
  defaultThreshold: 2,
  hasPValue: false,
  distancesOnly: false,
  isDrift: (result, threshold) => result.statistic > threshold,
  measure: (pair) => {
    const reference = pair.referenceMoments();
    return meanShiftResult(reference.mean, reference.std, pair.currentMean());
  },
});
