/**
 * Model names, aliases and references, as MLflow's `models:/` URIs spell them:
 *   name/3          version 3 of name
 *   name@champion   the version the alias champion points at
 *   name@latest     the newest version (a reserved alias, never set by hand)
 * A leading `models:/` is accepted. Names are letters, digits, '.', '_' and '-' (up to 128,
 * starting with a letter or digit); aliases are lower-case letters, digits, '_' and '-' (up to
 * 64, starting with a letter), so a ref is never ambiguous.
 */
import { InvalidRefError } from '../errors.js';

export type ModelRef = { name: string; version: number } | { name: string; alias: string };

/** A model (or experiment, variant) name: letters, digits, '.', '_' or '-', at most 128, starting with a letter or digit. */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ALIAS = /^[a-z][a-z0-9_-]{0,63}$/;

/** The alias that always means the newest version. */
export const LATEST = 'latest';

/** Checks a model name; returns it. */
export function checkName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new InvalidRefError(String(name), "model name: use 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit");
  }
  return name;
}

/** Checks an alias that may be set (not 'latest', which the registry keeps itself); returns it. */
export function checkAlias(alias: unknown): string {
  if (typeof alias !== 'string' || !ALIAS.test(alias)) {
    throw new InvalidRefError(String(alias), "alias: use 1 to 64 lower-case letters, digits, '_' or '-', starting with a letter");
  }
  if (alias === LATEST) throw new InvalidRefError(alias, "alias to set: 'latest' always means the newest version and cannot be moved; choose another alias");
  return alias;
}

/** Parses NAME/VERSION, NAME@ALIAS or NAME@latest (optionally prefixed with models:/). */
export function parseRef(ref: unknown): ModelRef {
  if (typeof ref !== 'string') throw new InvalidRefError(String(ref), 'model reference: expected a string such as fraud/3, fraud@champion or fraud@latest');
  const text = ref.startsWith('models:/') ? ref.slice('models:/'.length) : ref;
  const what = 'model reference: use NAME/VERSION (fraud/3), NAME@ALIAS (fraud@champion) or NAME@latest';
  const at = text.lastIndexOf('@');
  const slash = text.lastIndexOf('/');
  if (at > 0 && slash < 0) {
    const name = text.slice(0, at);
    const alias = text.slice(at + 1);
    if (!NAME.test(name) || !ALIAS.test(alias)) throw new InvalidRefError(ref, what);
    return { name, alias };
  }
  if (slash > 0 && at < 0) {
    const name = text.slice(0, slash);
    const version = text.slice(slash + 1);
    if (!NAME.test(name) || !/^[1-9]\d{0,8}$/.test(version)) throw new InvalidRefError(ref, what);
    return { name, version: Number(version) };
  }
  throw new InvalidRefError(ref, what);
}

/** The ref as text. */
export function formatRef(ref: ModelRef): string {
  return 'version' in ref ? `${ref.name}/${ref.version}` : `${ref.name}@${ref.alias}`;
}
