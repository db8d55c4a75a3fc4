/**
 * `npm install` must never fail because the native build failed: the install script records
 * the reason, exits 0, and the library then runs on the JS backend and reports why.
 * Simulated in a copy of the package where no compiler can be found (empty PATH).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const copy = mkdtempSync(join(tmpdir(), 'mlwatch-install-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

describe('install without a working native toolchain', () => {
  for (const entry of ['package.json', 'native', 'dist', 'CMakeLists.txt', 'binding.gyp']) cpSync(join(root, entry), join(copy, entry), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  const env = { PATH: '/nonexistent', HOME: process.env.HOME ?? '/tmp' };

  it('exits 0 and records why the addon was not built', () => {
    execFileSync(process.execPath, ['native/install.cjs'], { cwd: copy, env, stdio: 'pipe' });
    const log = join(copy, 'build', 'native-build-error.log');
    expect(existsSync(log)).toBe(true);
    expect(readFileSync(log, 'utf8')).toMatch(/cmake-js failed/);
    expect(existsSync(join(copy, 'build', 'Release', 'mlwatch.node'))).toBe(false);
  });

  it('then runs on the JS backend and says why cpu is unavailable', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { backendInfo, columnStats } from ${JSON.stringify(join(copy, 'dist', 'index.js'))};
         const info = backendInfo();
         const s = columnStats({ data: new Float64Array([1, 3]), rows: 2, cols: 1 });
         console.log(JSON.stringify({ active: info.active, reason: info.backends.cpu.reason, mean: s.mean[0] }));`,
      ],
      { cwd: copy, env: { ...env, MLWATCH_ADDON_PATH: '' }, encoding: 'utf8' },
    );
    const result = JSON.parse(out);
    expect(result.active).toBe('js');
    expect(result.mean).toBe(2);
    expect(result.reason).toMatch(/native addon not loaded: .*not found.*the install-time build failed/s);
  });
});

describe('install where npm installed the prebuilt addon', () => {
  const pkg = mkdtempSync(join(tmpdir(), 'mlwatch-prebuilt-'));
  afterAll(() => rmSync(pkg, { recursive: true, force: true }));
  for (const entry of ['package.json', 'native', 'dist']) cpSync(join(root, entry), join(pkg, entry), { recursive: true });
  // the platform package as npm lays it out, with the addon built here
  const platform = join(pkg, 'node_modules', '@mlwatch', 'linux-x64-gnu');
  cpSync(join(root, 'npm', 'linux-x64-gnu', 'package.json'), join(platform, 'package.json'));
  // the package's own dependencies, as installed here
  for (const name of readdirSync(join(root, 'node_modules'))) if (name !== '@mlwatch') symlinkSync(join(root, 'node_modules', name), join(pkg, 'node_modules', name));
  const built = join(root, 'build', 'Release', 'mlwatch.node');
  const env = { PATH: '/nonexistent', HOME: process.env.HOME ?? '/tmp' };

  it.skipIf(process.platform !== 'linux' || process.arch !== 'x64' || !existsSync(built))('builds nothing and loads the cpu backend from the platform package', () => {
    cpSync(built, join(platform, 'mlwatch.node'));
    const install = spawnSync(process.execPath, ['native/install.cjs'], { cwd: pkg, env, encoding: 'utf8' });
    expect(install.status).toBe(0);
    expect(install.stderr).toBe(`mlwatch: using the prebuilt native addon ${join(platform, 'mlwatch.node')} (build from source: npm install --build-from-source)\n`);
    expect(existsSync(join(pkg, 'build'))).toBe(false);
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `import { backendInfo } from ${JSON.stringify(join(pkg, 'dist', 'index.js'))}; console.log(JSON.stringify(backendInfo().native));`],
      { cwd: pkg, env: { ...env, MLWATCH_ADDON_PATH: '' }, encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toMatchObject({ loaded: true, source: 'platform package', path: join(platform, 'mlwatch.node') });
  });
});
