/**
 * Deterministic, sticky assignment of units to variants. A unit's place is two numbers in
 * [0, 10 000): its coverage bucket, hash(seed + "/coverage/" + unit) mod 10 000, and its variant
 * bucket, hash(seed + "/variant/" + unit) mod 10 000, with hash = 32-bit FNV-1a over the UTF-8 bytes.
 * A unit is in the experiment when its coverage bucket is below coverage x 10 000, and takes the
 * variant whose range of variant buckets (the weights, cumulated in variant order) holds its
 * variant bucket. So raising coverage only adds units (no unit that was in moves or leaves), and a
 * weight change moves only the units in the ranges that changed hands. The hash and the layout
 * are pinned by a fixture: changing either would move units between variants silently.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Buckets per dimension. */
export const BUCKETS = 10_000;

/** FNV-1a continued from state h over the UTF-8 bytes of s (h = FNV_OFFSET starts a hash). */
export function fnv1aContinue(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      h = Math.imul(h ^ c, FNV_PRIME);
      continue;
    }
    // UTF-8: a surrogate pair is one code point of four bytes
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const low = s.charCodeAt(i + 1);
      if (low >= 0xdc00 && low < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    const bytes = c < 0x800 ? [0xc0 | (c >> 6), 0x80 | (c & 63)] : c < 0x10000 ? [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)] : [0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)];
    for (const b of bytes) h = Math.imul(h ^ b, FNV_PRIME);
  }
  return h;
}

/** Where fnv1aBoth leaves its two results (no allocation per call). */
export const bothHashes = new Uint32Array(2);

/**
 * Two FNV-1a hashes continued over the same string in one pass, from states a and b (the two
 * prefixes' states): bothHashes[0] and bothHashes[1]. The same values as two fnv1aContinue calls.
 */
export function fnv1aBoth(a: number, b: number, s: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      // rare: finish both from here through the general path
      const rest = s.slice(i);
      bothHashes[0] = fnv1aContinue(a, rest);
      bothHashes[1] = fnv1aContinue(b, rest);
      return;
    }
    a = Math.imul(a ^ c, FNV_PRIME);
    b = Math.imul(b ^ c, FNV_PRIME);
  }
  bothHashes[0] = a;
  bothHashes[1] = b;
}

/** 32-bit FNV-1a of the UTF-8 bytes of s. */
export function fnv1a(s: string): number {
  return fnv1aContinue(FNV_OFFSET, s) >>> 0;
}

/** The coverage and variant buckets of a unit under a seed. */
export function bucketsOf(seed: string, unit: string): { coverage: number; variant: number } {
  return { coverage: fnv1a(`${seed}/coverage/${unit}`) % BUCKETS, variant: fnv1a(`${seed}/variant/${unit}`) % BUCKETS };
}

/** The FNV states after a seed's two prefixes, so that a unit's buckets cost one pass over its id. */
export function prefixStates(seed: string): { coverage: number; variant: number } {
  return { coverage: fnv1aContinue(FNV_OFFSET, `${seed}/coverage/`), variant: fnv1aContinue(FNV_OFFSET, `${seed}/variant/`) };
}

/**
 * The upper ends of each variant's range of variant buckets for these weights (>= 0, some > 0):
 * variant k takes buckets [ends[k-1], ends[k]).
 */
export function rangeEnds(weights: readonly number[]): Int32Array {
  const total = weights.reduce((s, w) => s + w, 0);
  const ends = new Int32Array(weights.length);
  let cumulative = 0;
  for (let k = 0; k < weights.length; k++) {
    cumulative += weights[k];
    ends[k] = k === weights.length - 1 ? BUCKETS : Math.round((cumulative / total) * BUCKETS);
  }
  return ends;
}
