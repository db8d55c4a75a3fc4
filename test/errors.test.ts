/**
 * Every mlwatch error carries a stable code from ERROR_CODES: argument errors, file errors (also
 * when they come back from a file job's worker thread), usage errors, an unavailable backend, an
 * input detached during an async call; and the addon loader's failure says what it tried and what to do.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BackendUnavailableError,
  backendInfo,
  columnStatsAsync,
  DetachedInputError,
  driftOfFiles,
  ERROR_CODES,
  errorCode,
  InputFileError,
  openTable,
  percentiles,
  useBackend,
  UsageError,
  getBackend,
} from '../src/index.js';
import { parseBytes } from '../src/cli/options.js';
import { ROOT } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'mlwatch-errors-'));
const initial = getBackend().name;
afterAll(() => {
  useBackend(initial);
  rmSync(dir, { recursive: true, force: true });
});

describe('error codes', () => {
  it('mark argument errors, keeping their TypeError / RangeError class', () => {
    const typeFailure = (() => { try { percentiles('x' as never, [50]); } catch (e) { return e; } })();
    expect(typeFailure).toBeInstanceOf(TypeError);
    expect(errorCode(typeFailure)).toBe('ERR_MLWATCH_INVALID_ARGUMENT');
    const rangeFailure = (() => { try { percentiles([1, 2], [150]); } catch (e) { return e; } })();
    expect(rangeFailure).toBeInstanceOf(RangeError);
    expect((rangeFailure as { code: string }).code).toBe('ERR_MLWATCH_INVALID_ARGUMENT');
    expect(errorCode(new Error('other'))).toBeUndefined();
    expect(errorCode(null)).toBeUndefined();
  });

  it('mark file errors, also from a file job on its worker thread', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a\n1\n2\nx\n');
    const good = join(dir, 'good.csv');
    writeFileSync(good, 'a\n1\n2\n3\n');
    await expect(openTable(join(dir, 'missing.csv'))).rejects.toMatchObject({ code: 'ERR_MLWATCH_INPUT_FILE' });
    const fromWorker = await driftOfFiles(await openTable(good), await openTable(bad)).catch((e: unknown) => e);
    expect(fromWorker).toBeInstanceOf(InputFileError);
    expect(errorCode(fromWorker)).toBe('ERR_MLWATCH_INPUT_FILE');
    const badOption = await driftOfFiles(await openTable(good), await openTable(good), { memoryBytes: 5 }).catch((e: unknown) => e);
    expect(errorCode(badOption)).toBe('ERR_MLWATCH_INVALID_ARGUMENT');
  });

  it('mark usage errors, unavailable backends and inputs detached during async calls', async () => {
    const usage = (() => { try { parseBytes('lots', '--memory'); } catch (e) { return e; } })();
    expect(usage).toBeInstanceOf(UsageError);
    expect(errorCode(usage)).toBe('ERR_MLWATCH_USAGE');
    const missing = (['cuda', 'cpu'] as const).find((b) => !backendInfo().backends[b].available);
    if (missing) {
      const e = (() => { try { useBackend(missing); } catch (x) { return x; } })();
      expect(e).toBeInstanceOf(BackendUnavailableError);
      expect(e).toMatchObject({ code: 'ERR_MLWATCH_BACKEND_UNAVAILABLE', backend: missing });
    }
    expect(new BackendUnavailableError('cuda', 'no device').message).toBe("The 'cuda' backend is not available: no device");
    const data = new Float64Array(1 << 22);
    const pending = columnStatsAsync({ data, rows: 1 << 16, cols: 64 });
    structuredClone(data.buffer, { transfer: [data.buffer] });
    const detached = await pending.catch((e: unknown) => e);
    expect(detached).toBeInstanceOf(DetachedInputError);
    expect(errorCode(detached)).toBe('ERR_MLWATCH_DETACHED_INPUT');
  });

  it('say what the addon loader tried and what to do when it fails', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('./src/index.ts').then((m) => console.log(m.backendInfo().backends.cpu.reason))"], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, MLWATCH_ADDON_PATH: join(dir, 'nowhere.node') },
    });
    expect(run.stdout).toContain(`native addon not loaded: tried ${join(dir, 'nowhere.node')}: not found.`);
    expect(run.stdout).toContain('Possible solutions: ');
    expect(run.stdout).toContain('`npm run build:native`');
    expect(run.stdout).toContain('`MLWATCH_BACKEND=js`');
  });

  it('are all listed with their meaning', () => {
    for (const [code, meaning] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^ERR_MLWATCH_[A-Z_]+$/);
      expect(meaning.length).toBeGreaterThan(10);
    }
  });
});
