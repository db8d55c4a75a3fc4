import { describe, expect, it } from 'vitest';
import { ModelMonitor } from '../../src/index.js';
import { CoarseClock } from '../../src/monitor/coarse-clock.js';

/** A clock that counts its calls: reading k is the k-th call. */
function countingClock(): { now: () => number; calls: () => number } {
  let calls = 0;
  return { now: () => ++calls, calls: () => calls };
}

describe('CoarseClock', () => {
  it('with every = 1 reads the clock on every read', () => {
    const c = countingClock();
    const clock = new CoarseClock(c.now, 1);
    expect(Array.from({ length: 5 }, () => clock.read())).toEqual([1, 2, 3, 4, 5]);
  });

  it('shares one reading among at most `every` reads of one synchronous stretch', () => {
    const c = countingClock();
    const clock = new CoarseClock(c.now, 4);
    expect(Array.from({ length: 10 }, () => clock.read())).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3]);
    expect(c.calls()).toBe(3);
  });

  it('lets a reading expire when the code awaits or returns to the event loop', async () => {
    const c = countingClock();
    const clock = new CoarseClock(c.now, 1000);
    expect([clock.read(), clock.read()]).toEqual([1, 1]);
    await Promise.resolve();
    expect([clock.read(), clock.read()]).toEqual([2, 2]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.read()).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(clock.read()).toBe(4);
  });

  it('refuses a share count outside [1, 2^20]', () => {
    expect(() => new CoarseClock(Date.now, 0)).toThrow(/every/);
    expect(() => new CoarseClock(Date.now, 1.5)).toThrow(/every/);
  });
});

describe('ModelMonitor record timestamps', () => {
  it('read an injected clock on every record unless clockEvery says otherwise', () => {
    let t = 0;
    const m = new ModelMonitor('m', { now: () => t });
    for (let i = 0; i < 5; i++) {
      t = 100 * i;
      m.recordLatency(1);
    }
    expect(Array.from(m.timestampHistory())).toEqual([0, 100, 200, 300, 400]);
  });

  it('with clockEvery = 8 stamp each record with the time of one of the last 8 records (the bound)', async () => {
    let t = 0;
    const m = new ModelMonitor('m', { now: () => t, clockEvery: 8, capacity: 100 });
    for (let i = 0; i < 20; i++) {
      t = 1000 + i; // record i is made at time 1000 + i
      if (i % 2) m.recordLatency(5);
      else m.recordPerformance(0.9, 5);
    }
    const stamps = Array.from(m.timestampHistory());
    stamps.forEach((s, i) => {
      expect(s).toBeLessThanOrEqual(1000 + i);
      expect(s).toBeGreaterThan(1000 + i - 8);
    });
    expect(stamps).toEqual(Array.from({ length: 20 }, (_, i) => 1000 + 8 * Math.floor(i / 8)));
    // a new event-loop task never reuses the reading of an earlier one
    await new Promise((resolve) => setImmediate(resolve));
    t = 5000;
    m.recordLatency(5);
    expect(m.timestampHistory()[20]).toBe(5000);
  });

  it('with the default clock stamp records with Date.now readings of the same task', () => {
    const m = new ModelMonitor('m', { capacity: 1000 });
    const before = Date.now();
    for (let i = 0; i < 1000; i++) m.recordLatency(i);
    const after = Date.now();
    const stamps = m.timestampHistory();
    expect(stamps.every((s) => s >= before && s <= after)).toBe(true);
    // 1000 records share 16 readings at most (64 records per reading)
    expect(new Set(stamps).size).toBeLessThanOrEqual(16);
  });

  it('refuses an invalid clockEvery', () => {
    expect(() => new ModelMonitor('m', { clockEvery: 0 })).toThrow(/options.clockEvery/);
    expect(() => new ModelMonitor('m', { clockEvery: 2.5 })).toThrow(/options.clockEvery/);
  });
});
