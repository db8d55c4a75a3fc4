/**
 * Random JSON texts for the tensor-body tests, from a seeded generator: objects, strings with
 * brackets, quotes, escapes and non-ASCII text, and arrays of numbers written every way JSON
 * allows (integers, fractions, exponents with either case and sign, -0, long digit strings),
 * short and long, flat and nested, with JSON whitespace between tokens.
 */

/** A small deterministic generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPACES = ['', '', '', ' ', '\n', '\t', '\r\n', '  '];
const STRINGS = ['x', '[1,2,3]', 'a\\"[4,5]', '\\\\', '\\u005b1,2]', 'é[ü]', '\\n', '', ']', '"'.replace('"', '\\"')];

export function randomNumberText(r: () => number): string {
  const x = (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20);
  switch (Math.floor(r() * 9)) {
    case 0: return String(Math.round(x));
    case 1: return x.toExponential(Math.floor(r() * 17)).replace('e+', r() < 0.5 ? 'E+' : 'e');
    case 2: return x.toFixed(Math.floor(r() * 10));
    case 3: return r() < 0.5 ? '-0' : '0';
    case 4: return `${Math.floor(r() * 1e9)}${Math.floor(r() * 1e9)}${Math.floor(r() * 1e9)}`.replace(/^0+(?=\d)/, '');
    case 5: return `${Math.floor(r() * 10)}.${String(Math.floor(r() * 1e15)).padStart(15, '0')}e-${Math.floor(r() * 300)}`;
    default: return String(x);
  }
}

function space(r: () => number): string {
  return SPACES[Math.floor(r() * SPACES.length)];
}

function numberArray(r: () => number, length: number): string {
  const items = Array.from({ length }, () => space(r) + randomNumberText(r) + space(r));
  return `[${items.join(',')}]`;
}

/** A random JSON value, nested at most `depth` deep. */
export function randomJson(r: () => number, depth = 3): string {
  const kind = Math.floor(r() * (depth > 0 ? 7 : 4));
  switch (kind) {
    case 0: return randomNumberText(r);
    case 1: return `"${STRINGS[Math.floor(r() * STRINGS.length)]}"`;
    case 2: return ['true', 'false', 'null'][Math.floor(r() * 3)];
    case 3: return numberArray(r, Math.floor(r() * 40));
    case 4: return `[${Array.from({ length: Math.floor(r() * 4) }, () => space(r) + randomJson(r, depth - 1) + space(r)).join(',')}]`;
    case 5: return `[${Array.from({ length: 2 + Math.floor(r() * 3) }, () => numberArray(r, 10 + Math.floor(r() * 20))).join(',')}]`;
    default: {
      const keys = Array.from({ length: Math.floor(r() * 4) }, (_, k) => `${space(r)}"${k % 2 ? 'data' : STRINGS[Math.floor(r() * STRINGS.length)]}"${space(r)}:${space(r)}${randomJson(r, depth - 1)}`);
      return `{${keys.join(',')}}`;
    }
  }
}

/** `text` with one random edit: a character deleted, inserted or replaced. */
export function mutate(text: string, r: () => number): string {
  const at = Math.floor(r() * (text.length + 1));
  const c = ' [],{}":-.0123456789eE+\\tnfu'[Math.floor(r() * 28)];
  switch (Math.floor(r() * 3)) {
    case 0: return text.slice(0, at) + text.slice(at + 1);
    case 1: return text.slice(0, at) + c + text.slice(at);
    default: return text.slice(0, at) + c + text.slice(at + 1);
  }
}
