/**
 * Backend selection: which backends exist on this machine, which one is active, and why the
 * others are not available. Start-up choice: MLWATCH_BACKEND=js|cpu|cuda, else the fastest
 * available (cuda, then cpu, then js; cuda sends each call that cannot win on the device to cpu).
 */
import type { Backend, BackendName } from './contract.js';
import { nativeCudaBackend } from './cuda.js';
import { DEVICE_ROUTES, routeMode, type Route, type RoutedKernel, type RouteMode } from './cuda-routing.js';
import { jsBackend } from './js/index.js';
import { loadNative, nativeCpuBackend, type AddonSource, type NativeInfo } from './native.js';
import { withPrivateMemory } from './private-memory.js';
import { BackendUnavailableError, coded } from '../errors.js';
import { SETTINGS, setting, type SettingName } from '../config.js';

export const BACKEND_NAMES: readonly BackendName[] = ['js', 'cpu', 'cuda'];

/** What one backend offers here. */
export interface BackendStatus {
  name: BackendName;
  available: boolean;
  /** Why the backend cannot be used, when it is not available. */
  reason: string | null;
  /** SIMD level of the native kernels ('avx2+fma' or 'baseline'); null for js. */
  simd: string | null;
  /** Threads the backend computes with. */
  threads: number;
  /** The SIMD path of each native kernel that has several (cpu only): 'avx2+fma' or 'baseline'. */
  kernelPaths?: Record<string, string>;
}

/** backendInfo(): the active backend and the state of every backend. */
export interface BackendInfo {
  active: BackendName;
  backends: Record<BackendName, BackendStatus>;
  /** The addon: whether it loaded, its file, where that came from (MLWATCH_ADDON_PATH, the platform package, a local build), and why not. */
  native: { loaded: boolean; path: string | null; source: AddonSource | null; error: string | null };
  cuda: {
    compiled: boolean;
    deviceCount: number;
    devices: string[];
    error: string | null;
    /** Free and total device memory in bytes (0 without a device). */
    memory: { free: number; total: number };
    /** Where the cuda backend runs each kernel: on the device from `from` units of work, else on cpu (MLWATCH_CUDA_ROUTE overrides). */
    routing: { mode: RouteMode; kernels: Record<RoutedKernel, Route> };
  };
  /** The MLWATCH_* variables the library and the addon read (src/config.ts): set value, default, value in effect. */
  config: Record<string, { value: string | null; default: string; effective: string }>;
}

interface Entry {
  status: BackendStatus;
  backend: Backend | null;
}

/** Which backend is preferred when several are available: the highest priority (the fastest). */
const PRIORITY: Readonly<Record<BackendName, number>> = { cuda: 30, cpu: 20, js: 10 };

/** Backend names by priority, highest first. */
const byPriority = (): BackendName[] => [...BACKEND_NAMES].sort((a, b) => PRIORITY[b] - PRIORITY[a]);

let entries: Record<BackendName, Entry> | undefined;
let nativeInfo: NativeInfo | null = null; // the addon's own report, read once by discover()
let active: Backend | undefined;

function discover(): Record<BackendName, Entry> {
  if (entries) return entries;
  const native = loadNative();
  const info = native.addon?.info() ?? null;
  nativeInfo = info;
  const js: Entry = {
    backend: jsBackend,
    status: { name: 'js', available: true, reason: null, simd: null, threads: 1 },
  };
  const cpu: Entry = native.addon
    ? {
        backend: nativeCpuBackend(native.addon),
        status: { name: 'cpu', available: true, reason: null, simd: info!.simd, threads: info!.threads, kernelPaths: { ...info!.kernels } },
      }
    : { backend: null, status: { name: 'cpu', available: false, reason: native.error, simd: null, threads: 0 } };
  let cudaReason: string | null = null;
  if (!info || !native.addon) cudaReason = 'the native addon is not loaded';
  else if (!info.cuda.compiled) cudaReason = info.cuda.error ?? 'the addon was built without CUDA';
  else if (info.cuda.deviceCount === 0) cudaReason = `compiled, no device: ${info.cuda.error ?? 'no CUDA device'}`;
  const cuda: Entry =
    cudaReason === null
      ? {
          backend: nativeCudaBackend(native.addon!.cuda, cpu.backend!, info!.threads),
          status: { name: 'cuda', available: true, reason: null, simd: info!.simd, threads: info!.threads },
        }
      : { backend: null, status: { name: 'cuda', available: false, reason: cudaReason, simd: null, threads: 0 } };
  // Every backend's async kernels work on private copies of the caller's memory (private-memory.ts).
  for (const entry of [js, cpu, cuda]) if (entry.backend) entry.backend = withPrivateMemory(entry.backend);
  entries = { js, cpu, cuda };
  return entries;
}

function requireAvailable(name: unknown, source: string): Backend {
  if (typeof name !== 'string' || !(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw coded(new TypeError(`Expected one of ${BACKEND_NAMES.join(', ')} for ${source} but received ${JSON.stringify(name)}`), 'ERR_MLWATCH_INVALID_ARGUMENT');
  }
  const entry = discover()[name as BackendName];
  if (!entry.backend) throw new BackendUnavailableError(name as string, entry.status.reason ?? 'unknown');
  return entry.backend;
}

/**
 * Makes `name` the active backend for every later call and returns it. Throws an Error that
 * says why when the backend is not available on this machine.
 */
export function useBackend(name: BackendName): Backend {
  active = requireAvailable(name, 'useBackend(name)');
  return active;
}

/**
 * The active backend. On first use it is chosen from MLWATCH_BACKEND (an unavailable choice
 * throws, naming the reason), else the fastest available one.
 */
export function getBackend(): Backend {
  if (active) return active;
  const fromEnv = setting('MLWATCH_BACKEND');
  if (fromEnv) return (active = requireAvailable(fromEnv, 'MLWATCH_BACKEND'));
  const all = discover();
  active = all[byPriority().find((n) => all[n].backend !== null)!].backend!;
  return active;
}

/** True for the backends of this registry (not one of the caller's making): a worker thread can select them by name. */
export function isRegisteredBackend(backend: Backend): boolean {
  return (BACKEND_NAMES as readonly string[]).includes(backend.name) && discover()[backend.name].backend === backend;
}

/** The backends available on this machine, fastest first. */
export function availableBackends(): BackendName[] {
  const all = discover();
  return byPriority().filter((n) => all[n].status.available);
}

/** The active backend and, for every backend, whether it is available and why not. */
export function backendInfo(): BackendInfo {
  const all = discover();
  const native = loadNative();
  const info = nativeInfo;
  return {
    active: getBackend().name,
    backends: {
      js: { ...all.js.status },
      cpu: { ...all.cpu.status },
      cuda: { ...all.cuda.status },
    },
    native: { loaded: native.addon !== null, path: native.path, source: native.source, error: native.error },
    cuda: {
      compiled: info?.cuda.compiled ?? false,
      deviceCount: info?.cuda.deviceCount ?? 0,
      devices: info?.cuda.devices ?? [],
      error: info?.cuda.error ?? null,
      memory: all.cuda.backend ? native.addon!.cuda.memoryInfo() : { free: 0, total: 0 },
      routing: { mode: routeMode(), kernels: { ...DEVICE_ROUTES } },
    },
    config: effectiveSettings(info),
  };
}

/** The library's and the addon's settings: each variable's value (null when unset), default, and the value in effect. */
function effectiveSettings(info: NativeInfo | null): BackendInfo['config'] {
  const inEffect: Partial<Record<SettingName, string>> = {
    MLWATCH_BACKEND: getBackend().name,
    MLWATCH_ADDON_PATH: loadNative().path ?? 'none loaded',
    MLWATCH_CUDA_ROUTE: routeMode(),
    MLWATCH_THREADS: info ? String(info.threads) : 'no addon',
    MLWATCH_SIMD: info?.simd ?? 'no addon',
  };
  const runtime = (Object.keys(SETTINGS) as SettingName[]).filter((n) => SETTINGS[n].readBy === 'library' || SETTINGS[n].readBy === 'addon');
  return Object.fromEntries(runtime.map((n) => [n, { value: setting(n) ?? null, default: SETTINGS[n].default, effective: inEffect[n] ?? setting(n) ?? SETTINGS[n].default }]));
}
