/**
 * SqliteStore: the embedded default, one file in WAL mode through better-sqlite3. Write
 * transactions start with BEGIN IMMEDIATE, which takes the database's one write lock at once, so a
 * writer waits before it starts instead of failing half-way; readers are never blocked (WAL).
 * better-sqlite3 is synchronous, and SQLite's own busy wait would block the event loop, which
 * deadlocks two connections of one process (the holder cannot run its COMMIT): so BEGIN IMMEDIATE
 * runs with busy_timeout 0 and is retried after a timer, until busyTimeoutMs. Other statements keep
 * a short busy wait (STATEMENT_BUSY_MS) for the brief locks of WAL bookkeeping (another process
 * opening, checkpointing or recovering the file), which never wait on a transaction. The async
 * interface keeps one transaction per connection at a time (SerialQueue).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { migrate } from './migrations.js';
import { SerialQueue } from './serial-queue.js';
import type { SqlRow, SqlStore, SqlTx, SqlValue } from './sql-store.js';

/**
 * Every Database and Statement object this module creates, kept reachable for the life of the
 * process. better-sqlite3 12 aborts the process on Node 24 when the garbage collector destroys one
 * of its objects (its destructor asks for the current Node environment, which a GC pass may run
 * without: "Assertion failed: (env) != nullptr" in RemoveEnvironmentCleanupHook; fixed in 13, which
 * needs Node 22). A closed database's object is a small wrapper, and a store prepares a fixed set of
 * statements, so this holds little memory. For the same reason the store never calls db.pragma(),
 * which prepares a throw-away statement on every call.
 */
const RETAINED = new Set<object>();

/** The busy wait of statements other than BEGIN IMMEDIATE, ms. */
const STATEMENT_BUSY_MS = 5000;

export interface SqliteStoreOptions {
  /** How long a transaction waits for another connection's write lock, ms (default 30 000). */
  busyTimeoutMs?: number;
}

/** A registry database in one SQLite file (see the file comment). */
export class SqliteStore implements SqlStore {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private readonly queue = new SerialQueue();
  private readonly tx: SqlTx;

  private constructor(
    private readonly db: BetterSqlite3.Database,
    readonly location: string,
    private readonly busyTimeoutMs: number,
  ) {
    const prepare = (sql: string) => this.prepare(sql);
    const args = (params: readonly SqlValue[] | undefined) => (params ?? []) as unknown[];
    this.tx = {
      all: async (sql, params) => prepare(sql).all(...args(params)) as SqlRow[],
      get: async (sql, params) => prepare(sql).get(...args(params)) as SqlRow | undefined,
      run: async (sql, params) => prepare(sql).run(...args(params)).changes,
    };
  }

  /** Opens (creating if needed) the database file and brings its schema up to date. */
  static async open(file: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
    let Database: typeof BetterSqlite3;
    try {
      Database = (await import('better-sqlite3')).default;
    } catch (error) {
      throw new StoreError(`SQLite is not available (better-sqlite3 did not load: ${(error as Error).message}); run \`npm rebuild better-sqlite3\` for this Node version, or use a postgres:// database`);
    }
    let db: BetterSqlite3.Database;
    try {
      db = new Database(file);
    } catch (error) {
      throw new StoreError(`cannot open the SQLite database ${file}: ${(error as Error).message}`);
    }
    RETAINED.add(db);
    const store = new SqliteStore(db, `sqlite:${file}`, options.busyTimeoutMs ?? 30_000);
    try {
      store.pragma(`busy_timeout = ${STATEMENT_BUSY_MS}`);
      store.pragma('journal_mode = WAL');
      // FULL: a committed registration and its audit event survive a power cut, not only a crash.
      store.pragma('synchronous = FULL');
      store.pragma('foreign_keys = ON');
    } catch (error) {
      db.close();
      throw new StoreError(`cannot use the SQLite database ${file}: ${(error as Error).message}`);
    }
    await store.write((tx) => migrate(tx, 'sqlite', store.location));
    return store;
  }

  /** See SqlStore.read: a deferred transaction, a snapshot under WAL. */
  read<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN', fn);
  }

  /** See SqlStore.write: BEGIN IMMEDIATE, retried while another connection writes. */
  write<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    return this.transaction('BEGIN IMMEDIATE', fn);
  }

  /** Closes the connection after the transactions queued before. */
  async close(): Promise<void> {
    await this.queue.run(async () => {
      // SQLite's advice for connections about to close: refresh the planner's statistics where stale.
      // It may need the write lock: best effort, without waiting for it.
      this.pragma('busy_timeout = 0');
      try {
        this.pragma('optimize');
      } catch {
        // another connection is writing: a later close will do it
      }
      this.db.close();
    });
  }

  private transaction<T>(begin: string, fn: (tx: SqlTx) => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      await this.begin(begin);
      try {
        const result = await fn(this.tx);
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /** A cached statement (created once per store, retained: see RETAINED). */
  private prepare(sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
      RETAINED.add(statement);
    }
    return statement;
  }

  /** Runs a PRAGMA through the statement cache. */
  private pragma(text: string): void {
    const statement = this.prepare(`PRAGMA ${text}`);
    if (statement.reader) statement.get();
    else statement.run();
  }

  /** BEGIN, retried on SQLITE_BUSY after a growing pause (never blocking the event loop). */
  private async begin(begin: string): Promise<void> {
    const deadline = Date.now() + this.busyTimeoutMs;
    for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
      this.pragma('busy_timeout = 0');
      try {
        this.db.exec(begin);
        return;
      } catch (error) {
        const code = (error as { code?: string }).code ?? '';
        if (!code.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw error;
      } finally {
        this.pragma(`busy_timeout = ${STATEMENT_BUSY_MS}`);
      }
      await new Promise((resolve) => setTimeout(resolve, pause * (0.5 + Math.random())));
    }
  }
}
