/**
 * Peers measured in the same run: NumPy through python3 (bench/numpy_peer.py), and the
 * machine's memory read bandwidth from a plain summing loop in C (bench/membw.c).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Timing } from './measure.js';

export const dataDir = fileURLToPath(new URL('../.data/', import.meta.url));
const benchDir = fileURLToPath(new URL('../', import.meta.url));

function hasCommand(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Writes a typed array to bench/.data/<name> for the Python peer; returns the path. */
export function writeData(name: string, data: Float32Array | Float64Array): string {
  mkdirSync(dataDir, { recursive: true });
  const path = `${dataDir}${name}`;
  writeFileSync(path, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  return path;
}

/** Timing of a NumPy operation on a data file (through python3), or null when NumPy is missing. */
export function numpyTiming(name: string, op: string, path: string, dtype: string, shape: number[], extra: number[] = []): Timing | null {
  if (!hasCommand('python3', ['-c', 'import numpy'])) return null;
  const out = execFileSync('python3', [`${benchDir}numpy_peer.py`, op, path, dtype, shape.join('x'), extra.join(',')], { encoding: 'utf8' });
  const { bestMs, medianMs, runs } = JSON.parse(out) as Timing;
  return { name, bestMs, medianMs, runs };
}

/**
 * Memory read bandwidth in GB/s from a summing loop over a 1 GiB array, with 1 thread and with
 * all cores (OpenMP). Null when no C compiler is found.
 */
export function memoryReadBandwidth(): { oneThreadGBs: number; allThreadsGBs: number; threads: number } | null {
  if (!hasCommand('cc', ['--version'])) return null;
  mkdirSync(dataDir, { recursive: true });
  const exe = `${dataDir}membw`;
  execFileSync('cc', ['-O2', '-fopenmp', '-o', exe, `${benchDir}membw.c`], { stdio: 'inherit' });
  return JSON.parse(execFileSync(exe, { encoding: 'utf8' }));
}
