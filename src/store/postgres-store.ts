/**
 * PostgresStore: for registries shared by many processes and machines, through pg's pool. Every
 * write transaction first takes one transaction-scoped advisory lock, so writers are serialized
 * as SQLite's are: version numbers stay dense and the audit hash chain linear (a registry's write
 * rate is low; reads never take the lock). Reads run in REPEATABLE READ, one consistent snapshot.
 */
import type pg from 'pg';
import { StoreError } from '../errors.js';
import { migrate } from './migrations.js';
import type { SqlRow, SqlStore, SqlTx, SqlValue } from './sql-store.js';

/** The advisory lock key of registry writes ("mlwreg" as a number: any fixed key would do). */
const WRITE_LOCK = 0x6d6c77726567;

/** `?` placeholders as PostgreSQL's `$1, $2, …` (the statements hold no `?` inside literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** A registry database on a PostgreSQL server (see the file comment). */
export class PostgresStore implements SqlStore {
  readonly dialect = 'postgres' as const;
  private readonly sqlCache = new Map<string, string>();

  private constructor(
    private readonly pool: pg.Pool,
    readonly location: string,
  ) {}

  /** Connects to the database at url (postgres://user@host:port/db) and brings its schema up to date. */
  static async open(url: string, options: { max?: number } = {}): Promise<PostgresStore> {
    let pgModule: typeof pg;
    try {
      pgModule = (await import('pg')).default;
    } catch (error) {
      throw new StoreError(`PostgreSQL support is not available (pg did not load: ${(error as Error).message})`);
    }
    const parsers = pgModule.types;
    // BIGINT (20) and NUMERIC (1700) as numbers: times and ids stay far below 2^53.
    const getTypeParser = ((oid: number, format?: string) =>
      oid === 20 || oid === 1700 ? (v: string) => Number(v) : parsers.getTypeParser(oid, format as 'text')) as typeof parsers.getTypeParser;
    const pool = new pgModule.Pool({ connectionString: url, max: options.max ?? 4, types: { getTypeParser } });
    // An idle client's error (the server restarting) must not crash the process: the next query reports it.
    pool.on('error', () => undefined);
    const store = new PostgresStore(pool, redact(url));
    try {
      await store.write((tx) => migrate(tx, 'postgres', store.location));
    } catch (error) {
      await pool.end();
      if (error instanceof StoreError) throw error;
      throw new StoreError(`cannot use the PostgreSQL database ${store.location}: ${(error as Error).message}`);
    }
    return store;
  }

  /** See SqlStore.read: REPEATABLE READ, READ ONLY. */
  read<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', false, fn);
  }

  /** See SqlStore.write: serialized by the advisory lock. */
  write<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN', true, fn);
  }

  /** Ends the pool's connections. */
  async close(): Promise<void> {
    await this.pool.end();
  }

  private async transaction<T>(begin: string, lock: boolean, fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const query = (sql: string, params: readonly SqlValue[] | undefined) => {
      let text = this.sqlCache.get(sql);
      if (text === undefined) this.sqlCache.set(sql, (text = numbered(sql)));
      return client.query(text, params as unknown[] | undefined);
    };
    const tx: SqlTx = {
      all: async (sql, params) => (await query(sql, params)).rows as SqlRow[],
      get: async (sql, params) => (await query(sql, params)).rows[0] as SqlRow | undefined,
      run: async (sql, params) => (await query(sql, params)).rowCount ?? 0,
    };
    let broken = false;
    try {
      await client.query(begin);
      if (lock) await client.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection is gone: do not return it to the pool
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

/** The URL without its password, for messages and audit records. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}
