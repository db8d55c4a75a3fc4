// `npm install` hook: builds the native addon, and never fails the install.
// Where npm installed the prebuilt addon for this platform (the optional dependency
// @mlwatch/<platform>-<arch>[-gnu|-musl]), nothing is built, unless asked for with
// `npm install --build-from-source` or MLWATCH_BUILD_FROM_SOURCE=1.
// cmake-js (CMakeLists.txt) is the main build; node-gyp (binding.gyp) is the fallback for
// machines without CMake. If both fail, the library runs on the pure-TypeScript backend and
// backendInfo() reports the reason, which is kept in build/native-build-error.log.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { platformPackage } = require('./platform-package.cjs');

const root = path.resolve(__dirname, '..');
const errorLog = path.join(root, 'build', 'native-build-error.log');

function run(label, command, args) {
  process.stderr.write(`mlwatch: building the native addon with ${label}...\n`);
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
  return { ok: result.status === 0, output };
}


/** The prebuilt addon's path when npm installed its package, else null. */
function prebuilt() {
  try {
    return require.resolve(`${platformPackage()}/mlwatch.node`, { paths: [root] });
  } catch {
    return null;
  }
}

function main() {
  if (process.env.MLWATCH_SKIP_NATIVE === '1') {
    record('the native build was skipped (MLWATCH_SKIP_NATIVE=1)');
    return;
  }
  const fromSource = process.env.MLWATCH_BUILD_FROM_SOURCE === '1' || process.env.npm_config_build_from_source === 'true';
  const found = prebuilt();
  if (found && !fromSource) {
    process.stderr.write(`mlwatch: using the prebuilt native addon ${found} (build from source: npm install --build-from-source)\n`);
    return;
  }
  const failures = [];
  const attempts = [];
  try {
    attempts.push(['cmake-js', process.execPath, [require.resolve('cmake-js/bin/cmake-js'), 'compile']]);
  } catch (e) {
    failures.push(`cmake-js: not installed (${e.message})`);
  }
  if (process.env.npm_config_node_gyp) {
    attempts.push(['node-gyp', process.execPath, [process.env.npm_config_node_gyp, 'rebuild']]);
  }
  for (const [label, command, args] of attempts) {
    const { ok, output } = run(label, command, args);
    if (ok) {
      fs.rmSync(errorLog, { force: true });
      process.stderr.write(`mlwatch: native addon built with ${label}\n`);
      return;
    }
    failures.push(`${label} failed:\n${output.split('\n').slice(-40).join('\n')}`);
  }
  record(failures.join('\n\n'));
}

function record(reason) {
  fs.mkdirSync(path.dirname(errorLog), { recursive: true });
  fs.writeFileSync(errorLog, reason + '\n');
  process.stderr.write(
    `mlwatch: the native addon is not available; the pure-TypeScript backend will be used.\n` +
      `mlwatch: details in ${errorLog}\n`,
  );
}

main();
