/**
 * The snapshot container shared by ModelMonitor and RetrainingTrigger (format version 1):
 *
 *   offset 0   u32  magic "MLWS" (0x53574c4d, little-endian)
 *          4   u16  format version (1)
 *          6   u16  kind: 1 = ModelMonitor, 2 = RetrainingTrigger, 3 = drift ReferenceProfile,
 *                   4 = DenseModel, 5 = distributed drift partial profile, 6 = its pass-2 values
 *          8   u32  byte length of the JSON header
 *         12   u32  CRC-32 of every byte from offset 16 to the end
 *         16        JSON header (UTF-8): the object's scalar state and `sections`, the byte length
 *                   of each binary section
 *          …        binary sections, each starting at a multiple of 8 (zero padding between)
 *
 * Typed arrays in sections are little-endian. A reader rejects a wrong magic, an unknown
 * version or kind, a length that does not add up, or a CRC mismatch, with a RangeError.
 */
import { rangeError, typeError } from '../errors.js';
import { crc32 } from './crc32.js';

export const SNAPSHOT_VERSION = 1;
export const SnapshotKind = { ModelMonitor: 1, RetrainingTrigger: 2, DriftProfile: 3, DenseModel: 4, DriftPartial: 5, DriftPass2: 6 } as const;
export type SnapshotKind = (typeof SnapshotKind)[keyof typeof SnapshotKind];

const MAGIC = 0x53574c4d;
const PREFIX = 16;
const align8 = (n: number) => (n + 7) & ~7;

export function encodeSnapshot(kind: SnapshotKind, header: Record<string, unknown>, sections: Uint8Array[] = []): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify({ ...header, sections: sections.map((s) => s.byteLength) }));
  let size = align8(PREFIX + json.length);
  for (const s of sections) size = align8(size + s.byteLength);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint16(4, SNAPSHOT_VERSION, true);
  view.setUint16(6, kind, true);
  view.setUint32(8, json.length, true);
  out.set(json, PREFIX);
  let at = align8(PREFIX + json.length);
  for (const s of sections) {
    out.set(s, at);
    at = align8(at + s.byteLength);
  }
  view.setUint32(12, crc32(out.subarray(PREFIX)), true);
  return out;
}

/** True when bytes begin like a snapshot (its magic), whatever its kind; for telling a saved profile from a data file. */
export function hasSnapshotMagic(head: Uint8Array): boolean {
  return head.length >= 4 && new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true) === MAGIC;
}

export function decodeSnapshot(bytes: unknown, kind: SnapshotKind, what: string): { header: Record<string, unknown>; sections: Uint8Array[] } {
  if (!(bytes instanceof Uint8Array)) throw typeError('a Uint8Array snapshot', 'bytes', bytes);
  if (bytes.length < PREFIX) throw rangeError(`a ${what} snapshot`, 'bytes', `${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw rangeError(`a ${what} snapshot (magic MLWS)`, 'bytes', 'other data');
  const version = view.getUint16(4, true);
  if (version !== SNAPSHOT_VERSION) throw rangeError(`snapshot format version ${SNAPSHOT_VERSION}`, 'bytes', `version ${version}`);
  if (view.getUint16(6, true) !== kind) throw rangeError(`a ${what} snapshot`, 'bytes', `a snapshot of kind ${view.getUint16(6, true)}`);
  if (crc32(bytes.subarray(PREFIX)) !== view.getUint32(12, true)) throw rangeError(`an intact ${what} snapshot`, 'bytes', 'a CRC-32 mismatch (damaged data)');
  const jsonLength = view.getUint32(8, true);
  if (PREFIX + jsonLength > bytes.length) throw rangeError(`a ${what} snapshot`, 'bytes', 'a truncated header');
  // The length field sits outside the CRC: a damaged one must give this error, not a SyntaxError.
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX, PREFIX + jsonLength))) as Record<string, unknown>;
  } catch {
    throw rangeError(`an intact ${what} snapshot`, 'bytes', 'a header that is not JSON (damaged data)');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw rangeError(`a ${what} snapshot`, 'bytes', 'a header that is not an object');
  const lengths = header.sections;
  if (!Array.isArray(lengths)) throw rangeError(`a ${what} snapshot`, 'bytes', 'a header without sections');
  const sections: Uint8Array[] = [];
  let at = align8(PREFIX + jsonLength);
  for (const length of lengths) {
    if (!Number.isInteger(length) || length < 0 || at + length > bytes.length) throw rangeError(`a ${what} snapshot`, 'bytes', 'a truncated section');
    // Copy into fresh, aligned memory so that typed-array views can be made on it.
    sections.push(bytes.slice(at, at + length));
    at = align8(at + length);
  }
  return { header, sections };
}

/** A Float64Array as snapshot section bytes (little-endian platforms: the same bytes). */
export function f64Section(values: Float64Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** A snapshot section read back as a Float64Array. */
export function f64FromSection(section: Uint8Array): Float64Array {
  if (section.byteLength % 8 !== 0) throw rangeError('a Float64 section', 'bytes', `${section.byteLength} bytes`);
  return new Float64Array(section.buffer, section.byteOffset, section.byteLength / 8);
}

/** A Float32Array as snapshot section bytes (the same bytes: NaN payloads and -0 survive). */
export function f32Section(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** A snapshot section read back as a Float32Array. */
export function f32FromSection(section: Uint8Array): Float32Array {
  if (section.byteLength % 4 !== 0) throw rangeError('a Float32 section', 'bytes', `${section.byteLength} bytes`);
  return new Float32Array(section.buffer, section.byteOffset, section.byteLength / 4);
}
