/**
 * openStore: a registry database from its URL: `sqlite:FILE` (the embedded default; a bare path
 * is taken as a SQLite file) or `postgres://user@host:port/db` (also `postgresql://`).
 */
import { typeError } from '../errors.js';
import type { SqlStore } from './sql-store.js';

/** Opens the database named by url and brings its schema up to date. */
export async function openStore(url: string): Promise<SqlStore> {
  if (typeof url !== 'string' || url.length === 0) throw typeError('a database URL (sqlite:FILE or postgres://…)', 'db', url);
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { PostgresStore } = await import('./postgres-store.js');
    return PostgresStore.open(url);
  }
  const { SqliteStore } = await import('./sqlite-store.js');
  return SqliteStore.open(url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url);
}
