/**
 * The process's peak resident memory. On Linux this is VmHWM from /proc/self/status: the
 * high-water mark of this process's own memory. getrusage's ru_maxrss is not used there, because
 * a child process starts with its parent's peak (the kernel keeps the forked copy's mark across
 * exec), so a job started by a large parent would report the parent's memory.
 */
import { readFileSync } from 'node:fs';

/** Peak resident set size of this process, in bytes. */
export function peakRssBytes(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS * 1024;
}
