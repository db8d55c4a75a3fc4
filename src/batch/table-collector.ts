/**
 * Reads a table file through its chunks into per-column collectors: numeric columns into
 * NumericCollectors (bounded by the shared MemoryPool, spilling sorted runs to disk), categorical
 * columns into CategoryCounters. Only the tested columns and the filters' columns are read.
 */
import type { Backend } from '../backend/contract.js';
import type { CategoricalSample } from '../drift/samples.js';
import type { MemoryPool } from './memory-pool.js';
import { NumericCollector, runFilePath, type NumericColumn } from './numeric-collector.js';
import { CategoryCounter } from './category-counter.js';
import { bindRowFilter, maskChunk, type BoundFilter, type RowFilter } from './row-filter.js';
import { requireColumns, type TableChunk, type TableSource } from './table-source.js';

/** How one side of the job reads its file. */
export interface CollectPlan {
  /** Columns to collect, in report order. */
  columns: readonly string[];
  /** Columns counted as categories (label columns always are). */
  categorical: ReadonlySet<string>;
  filters: readonly RowFilter[];
  side: 'reference' | 'current';
  /** Columns of guessed type (CSV without values in its first rows) to read as labels. */
  asLabels?: ReadonlySet<string>;
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

/** One side's collectors while a file is read. */
class SideCollector {
  readonly numeric = new Map<string, NumericCollector>();
  readonly counters = new Map<string, CategoryCounter>();
  readonly filters: BoundFilter[];
  rowsUsed = 0;
  /** The keep mask's memory, reused from chunk to chunk. */
  private mask = new Uint8Array(0);

  constructor(
    source: TableSource,
    readonly plan: CollectPlan,
  ) {
    const types = requireColumns(source, plan.columns).map((c) => c.type);
    this.filters = plan.filters.map((f) => bindRowFilter(f, source.columns, source.path));
    plan.columns.forEach((name, index) => {
      if (types[index] === 'label' || plan.categorical.has(name) || plan.asLabels?.has(name)) this.counters.set(name, new CategoryCounter());
      else this.numeric.set(name, new NumericCollector(plan.pool, plan.backend, runFilePath(plan.runDir, plan.side, index)));
    });
  }

  add(chunk: TableChunk): void {
    if (this.filters.length > 0 && this.mask.length < chunk.rows) this.mask = new Uint8Array(chunk.rows);
    const { keep, rows } = maskChunk(chunk, this.filters, this.plan.backend, this.mask);
    this.rowsUsed += rows;
    for (const [name, collector] of this.numeric) {
      const column = chunk.columns[name];
      if (column.type === 'number') collector.append(column.values, keep, rows);
    }
    for (const [name, counter] of this.counters) counter.add(chunk.columns[name], keep, rows, this.plan.backend);
  }

  dispose(): void {
    for (const collector of this.numeric.values()) collector.dispose();
  }

  finish(rowsRead: number): CollectedTable {
    const numeric = new Map<string, NumericColumn>();
    for (const [name, collector] of this.numeric) numeric.set(name, collector.finish());
    const categorical = new Map<string, CategoricalSample>();
    for (const [name, counter] of this.counters) categorical.set(name, counter.sample());
    return { rowsRead, rowsUsed: this.rowsUsed, numeric, categorical };
  }
}

/**
 * The first buffer size of the numeric collectors: the file's row count when the format says so
 * and every numeric column of every side fits in its pool at that size with one column's room to
 * spare (then no column grows or spills); else 0, growing by doubling.
 */
function presizeOf(rows: number | undefined, sides: readonly SideCollector[]): number {
  if (rows === undefined) return 0;
  for (const pool of new Set(sides.map((s) => s.plan.pool))) {
    const columns = sides.filter((s) => s.plan.pool === pool).reduce((n, s) => n + s.numeric.size, 0);
    if ((columns + 1) * rows * 8 > pool.limitBytes - pool.usedBytes) return 0;
  }
  return rows;
}

/**
 * Collects a table's columns for one or more sides in a single pass over the file (a reference
 * and a current table taken from one file by filters share the reading); throws an
 * InputFileError naming the file and column when one is absent.
 */
export async function collectTables(source: TableSource, plans: readonly CollectPlan[]): Promise<CollectedTable[]> {
  const sides = plans.map((plan) => new SideCollector(source, plan));
  const presize = presizeOf(source.rowCount, sides);
  for (const side of sides) for (const collector of side.numeric.values()) collector.expect(presize);
  const wanted = [...new Set(sides.flatMap((s) => [...s.plan.columns, ...s.filters.map((f) => f.column)]))];
  let rowsRead = 0;
  const asLabels = new Set(plans.flatMap((p) => [...(p.asLabels ?? [])]));
  try {
    for await (const raw of source.chunks(wanted, asLabels, plans[0].backend)) {
      rowsRead += raw.rows;
      for (const side of sides) side.add(raw);
      plans[0].onChunk?.(rowsRead, raw.bytesRead); // one report per chunk, from the first side's plan
    }
    const tables = sides.map((side) => side.finish(rowsRead));
    for (const pool of new Set(plans.map((p) => p.pool))) pool.flushSorts(); // the last runs of every column, sorted together
    return tables;
  } catch (error) {
    // close the run files now: a deleted file still open keeps its disk space
    for (const pool of new Set(plans.map((p) => p.pool))) pool.discardSorts();
    for (const side of sides) side.dispose();
    throw error;
  }
}
