/** The progress line: what it shows while reading and measuring, and that it stays quiet off a terminal. */
import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../../src/cli/progress-bar.js';

function sink() {
  const writes: string[] = [];
  return { stream: { write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream, writes };
}

describe('ProgressBar', () => {
  it('shows rows read, rows/s, a bar and the time left when the total is known', async () => {
    const { stream, writes } = sink();
    const bar = new ProgressBar(stream, true);
    bar.update({ phase: 'read', side: 'both', path: 'f.parquet', rowsRead: 0, rowsTotal: 3_000_000, bytesRead: 0, bytesTotal: 100 });
    await new Promise((r) => setTimeout(r, 150));
    bar.update({ phase: 'read', side: 'both', path: 'f.parquet', rowsRead: 1_500_000, rowsTotal: 3_000_000, bytesRead: 50, bytesTotal: 100 });
    const line = writes.at(-1)!;
    expect(line).toMatch(/^\r\[#{12}\.{12}\]  50% both 1\.50 M rows  [\d.]+ [kM]? ?rows\/s  ETA \d+s\x1b\[K$/);
    bar.update({ phase: 'measure', done: 3, columns: 16, fromDisk: true });
    expect(writes.at(-1)).toBe('\rmeasuring columns 3/16 (merging sorted runs from disk)\x1b[K');
    bar.done();
    expect(writes.at(-1)).toBe('\r\x1b[K');
  });

  it('falls back to bytes for files without a row count, and draws nothing when disabled', async () => {
    const { stream, writes } = sink();
    const bar = new ProgressBar(stream, true);
    bar.update({ phase: 'read', side: 'current', path: 'f.csv', rowsRead: 10, rowsTotal: undefined, bytesRead: 25, bytesTotal: 100 });
    expect(writes.at(-1)).toMatch(/\] {2}25% current 10 rows/);
    const quiet = sink();
    const off = new ProgressBar(quiet.stream, false);
    off.update({ phase: 'read', side: 'current', path: 'f.csv', rowsRead: 10, rowsTotal: undefined, bytesRead: 25, bytesTotal: 100 });
    off.done();
    expect(quiet.writes).toEqual([]);
  });
});
