import { afterAll, describe, expect, it } from 'vitest';
import { availableBackends, backendInfo, getBackend, useBackend } from '../../src/index.js';

const initial = getBackend().name;
afterAll(() => void useBackend(initial));

describe('backend registry', () => {
  it('always has the js backend', () => {
    expect(availableBackends()).toContain('js');
    expect(useBackend('js').name).toBe('js');
    expect(getBackend().name).toBe('js');
    expect(backendInfo().active).toBe('js');
  });

  it('explains every backend', () => {
    const info = backendInfo();
    expect(Object.keys(info.backends)).toEqual(['js', 'cpu', 'cuda']);
    for (const status of Object.values(info.backends)) {
      expect(status.available || (typeof status.reason === 'string' && status.reason.length > 0)).toBe(true);
    }
    // cuda is available exactly where the addon found a device; elsewhere it says why
    expect(info.backends.cuda.available).toBe(info.cuda.deviceCount > 0);
    if (!info.backends.cuda.available) expect(info.backends.cuda.reason).toMatch(/CUDA|cuda|native addon/);
    // which kernels run where, and why
    expect(Object.keys(info.cuda.routing.kernels)).toContain('sortAndMeasure');
    for (const route of Object.values(info.cuda.routing.kernels)) {
      expect(route.from).toBeGreaterThan(0);
      expect(route.why.length).toBeGreaterThan(10);
    }
  });

  it('loads the native cpu backend where the addon was built (required on CI)', () => {
    const info = backendInfo();
    if (process.env.CI) expect(info.backends.cpu.available, String(info.backends.cpu.reason)).toBe(true);
    if (info.backends.cpu.available) {
      expect(['avx2+fma', 'baseline']).toContain(info.backends.cpu.simd);
      expect(info.backends.cpu.threads).toBeGreaterThanOrEqual(1);
      // each kernel with SIMD bodies of its own takes the path the CPU's level names (MLWATCH_SIMD=baseline: the portable one)
      expect(info.backends.cpu.kernelPaths).toEqual({ columnStats: info.backends.cpu.simd, denseForward: info.backends.cpu.simd });
      expect(info.native.loaded).toBe(true);
      expect(useBackend('cpu').name).toBe('cpu');
    } else {
      expect(() => useBackend('cpu')).toThrow(/The 'cpu' backend is not available: native addon not loaded/);
    }
  });

  it('throws clear errors for unknown and unavailable backends', () => {
    expect(() => useBackend('gpu' as never)).toThrow(/Expected one of js, cpu, cuda for useBackend\(name\) but received "gpu"/);
    if (!backendInfo().backends.cuda.available) expect(() => useBackend('cuda')).toThrow(/The 'cuda' backend is not available: /);
  });
});
