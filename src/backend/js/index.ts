/** The pure-TypeScript backend: always available, the reference for every other backend. */
import type { Backend } from '../contract.js';
import { composedKernels } from '../composed.js';
import { accumulateColumnStats, columnStats, columnStatsAsync } from './column-stats.js';
import { ecdfDistances, ecdfDistancesAsync, ecdfWalk } from './ecdf-distances.js';
import { argmaxRows, argmaxRowsAsync, denseForward, denseForwardAsync } from './dense.js';
import { jsonNumberArrays } from './json-number-arrays.js';
import { ksDistance } from './ks-distance.js';
import { wassersteinDistance } from './wasserstein-distance.js';
import { quantiles } from './quantiles.js';
import { sketchBins } from './sketch-bins.js';
import { smirnovSf } from './smirnov.js';
import { sortColumns, sortColumnsAsync } from './sort-columns.js';
import { csvColumns } from './csv-columns.js';
import { arrowNumbers } from './arrow-numbers.js';
import { arrowKeys, arrowLabels } from './arrow-labels.js';
import { maskCodes, maskRows } from './row-mask.js';
import { countCodes, gatherFinite } from './gather-rows.js';
import { sortedRuns } from './sorted-runs.js';
import { sortArrays } from './sort-arrays.js';

const simple = {
  sortColumns,
  sortColumnsAsync,
  ecdfDistances,
  ecdfDistancesAsync,
  denseForward,
  denseForwardAsync,
};

export const jsBackend: Backend = {
  name: 'js',
  ...composedKernels(simple),
  columnStats,
  columnStatsAsync,
  accumulateColumnStats,
  quantiles,
  sketchBins,
  denseForward,
  denseForwardAsync,
  argmaxRows,
  argmaxRowsAsync,
  sortColumns,
  sortColumnsAsync,
  ecdfDistances,
  ecdfDistancesAsync,
  ecdfWalk,
  jsonNumberArrays,
  smirnovSf,
  csvColumns,
  ksDistance,
  wassersteinDistance,
  arrowNumbers,
  arrowLabels,
  arrowKeys,
  maskRows,
  maskCodes,
  gatherFinite,
  countCodes,
  sortedRuns,
  sortArrays,
};
