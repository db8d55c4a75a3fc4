/**
 * Persistence trusts nothing the checksum does not cover: every single-bit flip of a serialised
 * QuantileSketch is refused, and snapshots whose CRC is valid but whose fields are junk (written
 * here with the snapshot encoder itself) are refused with an error naming the field.
 */
import { describe, expect, it } from 'vitest';
import { ModelMonitor, QuantileSketch, RetrainingTrigger } from '../../src/index.js';
import { decodeSnapshot, encodeSnapshot, SnapshotKind } from '../../src/persist/snapshot-format.js';

describe('QuantileSketch bytes are checksummed', () => {
  it('refuses every single-bit flip', () => {
    const s = new QuantileSketch({ relativeAccuracy: 0.02, maxBins: 64 });
    s.addMany([0, 0.5, 1, 2, 3, 5, 8, 13, 1e3]);
    const bytes = s.serialize();
    let accepted = 0;
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const flipped = bytes.slice();
      flipped[bit >> 3] ^= 1 << (bit & 7);
      try {
        QuantileSketch.deserialize(flipped);
        accepted++;
      } catch (e) {
        expect(e).toBeInstanceOf(RangeError);
      }
    }
    expect(accepted).toBe(0);
    expect(QuantileSketch.deserialize(bytes).quantile(0.5)).toBe(s.quantile(0.5));
  });
});

/** Re-encodes a valid snapshot with a header changed by `edit` (the CRC is then valid again). */
function tampered(bytes: Uint8Array, kind: SnapshotKind, what: string, edit: (h: Record<string, any>, sections: Uint8Array[]) => void): Uint8Array {
  const { header, sections } = decodeSnapshot(bytes, kind, what);
  const h = structuredClone(header) as Record<string, any>;
  delete h.sections;
  edit(h, sections);
  return encodeSnapshot(kind, h, sections);
}

describe('snapshots with a valid CRC and junk fields', () => {
  const monitor = new ModelMonitor('m', { capacity: 4, now: () => 1000 });
  monitor.recordPerformance(0.9, 12);
  monitor.recordPerformance(0.8, 15);
  const good = monitor.snapshot();

  it.each([
    ['a counter that is not a number', (h: Record<string, any>) => (h.counters.records = 'many'), /counters.records/],
    ['a negative counter', (h: Record<string, any>) => (h.counters.errors = -1), /counters.errors/],
    ['an alert flag that is not a boolean', (h: Record<string, any>) => (h.accuracyAlert = 'yes'), /accuracyAlert/],
    ['NaN latencies', (_h: Record<string, any>, s: Uint8Array[]) => (s[1] = new Uint8Array(Float64Array.of(NaN, 1).buffer)), /latencies\]?\[0\]|latencies\[0\]/],
    ['a ring longer than its capacity', (_h: Record<string, any>, s: Uint8Array[]) => (s[0] = new Uint8Array(new Float64Array(5).fill(0.5).buffer)), /at most 4 values \(the capacity\)/],
    ['accuracies above 1', (_h: Record<string, any>, s: Uint8Array[]) => (s[0] = new Uint8Array(Float64Array.of(0.5, 2).buffer)), /accuracy in \[0, 1\]/],
    ['no options', (h: Record<string, any>) => delete h.options, /options in a ModelMonitor snapshot/],
  ])('ModelMonitor.restore refuses %s', (_, edit, message) => {
    const bytes = tampered(good, SnapshotKind.ModelMonitor, 'ModelMonitor', edit as never);
    expect(() => ModelMonitor.restore(bytes)).toThrow(message);
  });

  it('restores the untouched snapshot', () => {
    expect(ModelMonitor.restore(tampered(good, SnapshotKind.ModelMonitor, 'ModelMonitor', () => {})).stats.records).toBe(2);
  });

  const trigger = new RetrainingTrigger('m', {}, { now: () => 5, lastRetrainAt: null });
  const triggerBytes = trigger.snapshot();

  it.each([
    ['a missing policy field', (h: Record<string, any>) => delete h.policy.maxTimeWithoutRetrainMs, /a complete policy .* but received one without maxTimeWithoutRetrainMs/],
    ['no policy', (h: Record<string, any>) => delete h.policy, /Expected a policy for the snapshot's policy/],
    ['no lastRetrainAt', (h: Record<string, any>) => delete h.lastRetrainAt, /lastRetrainAt/],
    ['a junk decision', (h: Record<string, any>) => (h.history = [{ shouldRetrain: 'no' }]), /a retraining decision for the snapshot's history\[0\]/],
  ])('RetrainingTrigger.restore refuses %s', (_, edit, message) => {
    const bytes = tampered(triggerBytes, SnapshotKind.RetrainingTrigger, 'RetrainingTrigger', edit as never);
    expect(() => RetrainingTrigger.restore(bytes)).toThrow(message);
  });

  it('a damaged header length (outside the CRC) is a RangeError, not a SyntaxError', () => {
    const bytes = good.slice();
    new DataView(bytes.buffer).setUint32(8, new DataView(bytes.buffer).getUint32(8, true) - 3, true);
    expect(() => ModelMonitor.restore(bytes)).toThrow(RangeError);
    expect(() => ModelMonitor.restore(bytes)).toThrow(/a header that is not JSON|truncated/);
  });
});
