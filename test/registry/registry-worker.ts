/**
 * A child process for the multi-process registry tests (run with node --import tsx):
 *   register DB ARTIFACTS ACTOR COUNT   registers COUNT versions of 'shared', then prints "done"
 *   alias DB ARTIFACTS ACTOR            waits for a line on stdin, then tries to move shared@staging
 *                                       from version 1 to 2 and prints "won" or "conflict"
 *   loop DB ARTIFACTS ACTOR             registers versions with a model and artifacts until killed,
 *                                       printing "ready" after the first
 */
import { randomBytes } from 'node:crypto';
import { ModelRegistry } from '../../src/index.js';
import { LINEAGE, SIGNATURE, smallModel } from '../helpers/registry-fixtures.js';

const [mode, db, artifacts, actor, count] = process.argv.slice(2);
const registry = await ModelRegistry.open({ db, artifacts, actor });

if (mode === 'register') {
  for (let i = 0; i < Number(count); i++) await registry.register('shared', { signature: SIGNATURE, tags: { writer: actor } });
  process.stdout.write('done\n');
} else if (mode === 'alias') {
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  try {
    await registry.setAlias('shared', 'staging', 2, { expectedVersion: 1 });
    process.stdout.write('won\n');
  } catch (error) {
    process.stdout.write(`${(error as { code?: string }).code === 'ERR_MLWATCH_ALIAS_CONFLICT' ? 'conflict' : `error ${(error as Error).message}`}\n`);
  }
  process.stdin.destroy();
} else if (mode === 'loop') {
  for (let i = 0; ; i++) {
    // fresh bytes each time: every registration writes new artifact files
    await registry.register('crash', { model: smallModel(i), signature: SIGNATURE, lineage: LINEAGE, artifacts: { 'blob.bin': randomBytes(64 * 1024) } });
    if (i === 0) process.stdout.write('ready\n');
  }
}
await registry.close();
