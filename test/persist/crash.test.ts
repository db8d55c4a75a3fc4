/**
 * Crash safety: a child process saves snapshots in a loop and is killed with SIGKILL at random
 * moments, many times. Every time, the store must hold a complete snapshot that restores.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStateStore, ModelMonitor, RetrainingTrigger } from '../../src/index.js';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mlwatch-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runAndKill(delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'test/persist/crash-writer.mjs'), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited ${code}: ${stderr}`))));
  });
}

describe.skipIf(!existsSync(join(root, 'dist/index.js')))('crash safety of FileStateStore', () => {
  it('restores after every one of 25 SIGKILLs in the middle of writes', async () => {
    let lastRecords = 0;
    for (let i = 0; i < 25; i++) {
      await runAndKill(5 + ((i * 37) % 60));
      const store = new FileStateStore(dir);
      const monitorBytes = store.load('monitor');
      const triggerBytes = store.load('trigger');
      expect(monitorBytes).toBeInstanceOf(Uint8Array); // the writer signals only after a first complete save
      expect(triggerBytes).toBeInstanceOf(Uint8Array);
      const monitor = ModelMonitor.restore(monitorBytes!);
      const trigger = RetrainingTrigger.restore(triggerBytes!);
      // the state only moves forward: each run resumes from the previous snapshot
      expect(monitor.stats.records).toBeGreaterThanOrEqual(lastRecords);
      expect(monitor.latencySketch.count).toBe(monitor.stats.records);
      expect(trigger.modelName).toBe('crash');
      lastRecords = monitor.stats.records;
    }
    expect(lastRecords).toBeGreaterThan(0);
  }, 120_000);
});
