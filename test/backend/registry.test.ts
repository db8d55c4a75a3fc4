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
    // the CUDA kernels are not part of this build yet: cuda is never available, with a reason
    expect(info.backends.cuda.available).toBe(false);
    expect(info.backends.cuda.reason).toMatch(/CUDA|cuda|native addon/);
  });

  it('loads the native cpu backend where the addon was built (required on CI)', () => {
    const info = backendInfo();
    if (process.env.CI) expect(info.backends.cpu.available, String(info.backends.cpu.reason)).toBe(true);
    if (info.backends.cpu.available) {
      expect(['avx2+fma', 'baseline']).toContain(info.backends.cpu.simd);
      expect(info.backends.cpu.threads).toBeGreaterThanOrEqual(1);
      expect(info.native.loaded).toBe(true);
      expect(useBackend('cpu').name).toBe('cpu');
    } else {
      expect(() => useBackend('cpu')).toThrow(/The 'cpu' backend is not available: native addon not loaded/);
    }
  });

  it('throws clear errors for unknown and unavailable backends', () => {
    expect(() => useBackend('gpu' as never)).toThrow(/Expected one of js, cpu, cuda for useBackend\(name\) but received "gpu"/);
    expect(() => useBackend('cuda')).toThrow(/The 'cuda' backend is not available: /);
  });
});
