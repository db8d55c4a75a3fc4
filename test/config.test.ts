/**
 * Configuration in one place: every MLWATCH_* variable that code, benchmarks, tests or the install
 * step read is listed in src/config.ts, nothing listed goes unread, and backendInfo() shows the
 * values in effect; ModelMonitor's defaults are the exported ones.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backendInfo, DEFAULT_MONITOR_OPTIONS, ModelMonitor, SETTINGS } from '../src/index.js';
import { ROOT } from './helpers/cli.js';

/** Files under dir (recursively) with one of the extensions, skipping generated and third-party folders. */
function files(dir: string, extensions: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (['node_modules', 'build', 'dist', '.git', 'results'].includes(name)) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, extensions) : extensions.test(name) ? [path] : [];
  });
}

describe('configuration', () => {
  it('lists every MLWATCH_* variable that is read, and only those', () => {
    const sources = ['src', 'native', 'bench', 'test'].flatMap((d) => files(join(ROOT, d), /\.(ts|cc|cu|h|cjs|mjs)$/));
    sources.push(join(ROOT, 'native', 'install.cjs'));
    const read = new Set<string>();
    for (const path of sources) {
      const text = readFileSync(path, 'utf8');
      for (const m of text.matchAll(/(?:process\.env\.|getenv\("|setting\(')(MLWATCH_[A-Z_]+)/g)) read.add(m[1]);
    }
    expect([...read].sort()).toEqual(Object.keys(SETTINGS).sort());
  });

  it('shows each runtime setting with its default and the value in effect', () => {
    const info = backendInfo();
    expect(Object.keys(info.config).sort()).toEqual(['MLWATCH_ADDON_PATH', 'MLWATCH_BACKEND', 'MLWATCH_CUDA_ROUTE', 'MLWATCH_SIMD', 'MLWATCH_THREADS']);
    expect(info.config.MLWATCH_BACKEND.effective).toBe(info.active);
    expect(info.config.MLWATCH_CUDA_ROUTE.effective).toBe(info.cuda.routing.mode);
    if (info.backends.cpu.available) {
      expect(info.config.MLWATCH_THREADS.effective).toBe(String(info.backends.cpu.threads));
      expect(info.config.MLWATCH_SIMD.effective).toBe(info.backends.cpu.simd);
    }
    for (const c of Object.values(info.config)) expect(c.default.length).toBeGreaterThan(0);
  });

  it('gives ModelMonitor the exported defaults', () => {
    const m = new ModelMonitor('m');
    expect({ baselineAccuracy: m.baselineAccuracy, latencyThresholdMs: m.latencyThresholdMs, capacity: m.capacity }).toEqual(DEFAULT_MONITOR_OPTIONS);
    expect(Object.isFrozen(DEFAULT_MONITOR_OPTIONS)).toBe(true);
  });
});
