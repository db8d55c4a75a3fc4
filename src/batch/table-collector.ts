/**
 * Reads one table file through its chunks into per-column collectors: numeric columns into
 * NumericCollectors (bounded by the shared MemoryPool, spilling sorted runs to disk), categorical
 * columns into CategoryCounters. Only the tested columns and the filters' columns are read.
 */
import type { Backend } from '../backend/contract.js';
import type { CategoricalSample } from '../drift/samples.js';
import type { MemoryPool } from './memory-pool.js';
import { NumericCollector, runFilePath, type NumericColumn } from './numeric-collector.js';
import { CategoryCounter } from './category-counter.js';
import { bindRowFilter, filterChunk, type RowFilter } from './row-filter.js';
import { InputFileError, type TableSource } from './table-source.js';

/** How one side of the job reads its file. */
export interface CollectPlan {
  /** Columns to collect, in report order. */
  columns: readonly string[];
  /** Columns counted as categories (label columns always are). */
  categorical: ReadonlySet<string>;
  filters: readonly RowFilter[];
  side: 'reference' | 'current';
  pool: MemoryPool;
  backend: Backend;
  runDir: string;
  /** Called after every chunk with the rows read so far (before filtering) and the bytes, when known. */
  onChunk?: (rowsRead: number, bytesRead: number | undefined) => void;
}

export interface CollectedTable {
  rowsRead: number;
  /** Rows that passed the filters. */
  rowsUsed: number;
  numeric: Map<string, NumericColumn>;
  categorical: Map<string, CategoricalSample>;
}

/** Collects a table's columns; throws an Error naming the file and column when one is absent. */
export async function collectTable(source: TableSource, plan: CollectPlan): Promise<CollectedTable> {
  const byName = new Map(source.columns.map((c) => [c.name, c]));
  for (const name of plan.columns) {
    if (!byName.has(name)) throw new InputFileError(source.path, undefined, name, `no such column (columns: ${source.columns.map((c) => c.name).join(', ')})`);
  }
  const filters = plan.filters.map((f) => bindRowFilter(f, source.columns, source.path));
  const numeric = new Map<string, NumericCollector>();
  const counters = new Map<string, CategoryCounter>();
  plan.columns.forEach((name, index) => {
    if (byName.get(name)!.type === 'label' || plan.categorical.has(name)) counters.set(name, new CategoryCounter());
    else numeric.set(name, new NumericCollector(plan.pool, plan.backend, runFilePath(plan.runDir, plan.side, index)));
  });
  const wanted = [...new Set([...plan.columns, ...filters.map((f) => f.column)])];
  let rowsRead = 0;
  let rowsUsed = 0;
  for await (const raw of source.chunks(wanted)) {
    rowsRead += raw.rows;
    const chunk = filterChunk(raw, filters, plan.columns);
    rowsUsed += chunk.rows;
    for (const [name, collector] of numeric) {
      const column = chunk.columns[name];
      if (column.type === 'number') collector.append(column.values);
    }
    for (const [name, counter] of counters) counter.add(chunk.columns[name]);
    plan.onChunk?.(rowsRead, raw.bytesRead);
  }
  const finished = new Map<string, NumericColumn>();
  for (const [name, collector] of numeric) finished.set(name, collector.finish());
  const categorical = new Map<string, CategoricalSample>();
  for (const [name, counter] of counters) categorical.set(name, counter.sample());
  return { rowsRead, rowsUsed, numeric: finished, categorical };
}
