/**
 * A progress line on stderr for long jobs: file, rows read, rows per second and, when the total
 * is known (rows from the file's metadata, else bytes), a bar and the time left. Drawn at most
 * ten times a second, and only on a terminal: piped or redirected stderr stays quiet. After
 * reading, the columns measured so far.
 */
import type { JobProgress } from '../batch/file-drift.js';

const WIDTH = 24;

function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(Math.round(n));
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

export class ProgressBar {
  private started = new Map<string, number>();
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled: boolean = Boolean(process.stderr.isTTY),
  ) {}

  /** Records progress; redraws when 100 ms have passed since the last drawing. */
  update(p: JobProgress): void {
    if (!this.enabled) return;
    if (p.phase === 'measure') {
      // one line per column at most: columns merged from disk take seconds each
      this.stream.write(`\rmeasuring columns ${p.done}/${p.columns}${p.fromDisk ? ' (merging sorted runs from disk)' : ''}\x1b[K`);
      this.drawn = true;
      return;
    }
    const now = performance.now();
    const key = `${p.side}:${p.path}`;
    if (!this.started.has(key)) this.started.set(key, now);
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const elapsed = (now - this.started.get(key)!) / 1000;
    const fraction = p.rowsTotal ? p.rowsRead / p.rowsTotal : p.bytesRead !== undefined && p.bytesTotal > 0 ? p.bytesRead / p.bytesTotal : undefined;
    const rate = elapsed > 0 ? p.rowsRead / elapsed : 0;
    const parts = [`${p.side} ${formatCount(p.rowsRead)} rows`, `${formatCount(rate)} rows/s`];
    let bar = '';
    if (fraction !== undefined) {
      const filled = Math.min(WIDTH, Math.round(fraction * WIDTH));
      bar = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% `;
      parts.push(`ETA ${formatSeconds(fraction > 0 ? (elapsed * (1 - fraction)) / fraction : Infinity)}`);
    }
    this.stream.write(`\r${bar}${parts.join('  ')}\x1b[K`);
    this.drawn = true;
  }

  /** Clears the line (call before printing results). */
  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
