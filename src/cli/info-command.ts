/** `mlwatch info`: the backends available here, SIMD level, threads, CUDA devices, and why a backend is unavailable. */
import { parseArgs } from 'node:util';
import { backendInfo } from '../backend/registry.js';
import { UsageError } from './options.js';

export function runInfo(argv: readonly string[]): number {
  const { values } = parseArgs({ args: [...argv], options: { format: { type: 'string', default: 'text' } } });
  const info = backendInfo();
  if (values.format === 'json') {
    process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    return 0;
  }
  if (values.format !== 'text') throw new UsageError(`--format: expected text or json, got ${JSON.stringify(values.format)}`);
  const lines = [`active backend: ${info.active}`];
  for (const b of Object.values(info.backends)) {
    const detail = b.available ? `available${b.simd ? `, SIMD ${b.simd}` : ''}, ${b.threads} thread${b.threads === 1 ? '' : 's'}` : `unavailable: ${b.reason}`;
    lines.push(`  ${b.name.padEnd(5)} ${detail}`);
  }
  lines.push(`native addon: ${info.native.loaded ? `${info.native.path} (${info.native.source})` : `not loaded (${info.native.error})`}`);
  lines.push('settings (MLWATCH_*: set value -> in effect):');
  for (const [name, c] of Object.entries(info.config)) lines.push(`  ${name.padEnd(19)} ${c.value ?? 'unset'} -> ${c.effective}`);
  lines.push(`CUDA: ${info.cuda.compiled ? `compiled, ${info.cuda.deviceCount} device(s)${info.cuda.devices.length ? `: ${info.cuda.devices.join(', ')}` : ''}` : 'not compiled'}${info.cuda.error ? ` (${info.cuda.error})` : ''}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
