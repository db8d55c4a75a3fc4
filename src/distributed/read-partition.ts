/**
 * readPartition: one partition file (CSV, Arrow IPC, Parquet) read whole into the ColumnTable
 * that profilePartition and pass2Partition take, with exactly the reference's columns. A
 * partition is meant to fit in a worker's memory (that is why the table was split); the engines
 * (mlwatch/bullmq) call this once per pass, so nothing has to be kept between the passes.
 */
import { openTable } from '../batch/readers/open-table.js';
import { InputFileError, requireColumns } from '../batch/table-source.js';
import type { ColumnTable } from '../drift/column-table.js';
import type { ReferenceProfile } from '../drift/reference-profile.js';

/**
 * The reference's columns of the table file at `path`: numbers as a Float64Array (NaN where a
 * value is missing), labels as strings (null where missing), as DriftDetector.detect takes them.
 *
 * @throws InputFileError when the file is missing, unreadable, or lacks a reference column
 */
export async function readPartition(path: string, reference: ReferenceProfile): Promise<ColumnTable> {
  const source = await openTable(path);
  const names = reference.columns.map((c) => c.name);
  const sourceColumns = requireColumns(source, names);
  // A CSV column with no value in the rows looked at is a guess: read it as labels where the reference has labels.
  const asLabels = new Set(sourceColumns.filter((c, i) => c.guessed && reference.columns[i].kind === 'categorical' && reference.columns[i].labels).map((c) => c.name));
  const numbers = new Map<string, Float64Array[]>();
  const labels = new Map<string, (string | null)[]>();
  for (const name of names) numbers.set(name, []);
  for await (const chunk of source.chunks(names, asLabels)) {
    for (const name of names) {
      const column = chunk.columns[name];
      if (column.type === 'number') numbers.get(name)!.push(Float64Array.from(column.values)); // the reader may reuse its buffer
      else {
        const out = labels.get(name) ?? [];
        for (const code of column.codes) out.push(code < 0 ? null : column.dictionary[code]);
        labels.set(name, out);
      }
    }
  }
  const table: ColumnTable = {};
  reference.columns.forEach((ref, i) => {
    const name = ref.name;
    const wantLabels = ref.kind === 'categorical' && Boolean(ref.labels);
    const got = labels.get(name);
    if (got && !wantLabels) throw new InputFileError(path, undefined, name, 'text values where the reference has numbers');
    const parts = numbers.get(name)!;
    const numberCount = parts.reduce((s, p) => s + p.length, 0);
    // no rows (a header-only CSV, an empty partition): nothing says which kind, the reference decides
    if (got || (wantLabels && numberCount === 0)) table[name] = (got ?? []) as string[];
    else {
      const all = new Float64Array(numberCount);
      let at = 0;
      for (const p of parts) {
        all.set(p, at);
        at += p.length;
      }
      table[name] = all;
    }
  });
  return table;
}
