/**
 * The store contract: an async interface over SQLite (synchronous better-sqlite3) and PostgreSQL
 * (asynchronous pg), so the registry and the audit log are written once for both. SQL lives only
 * under src/store/: the statements are written with `?` placeholders in the subset both dialects
 * understand, and each store translates what differs.
 */

/** A value a statement takes or returns: numbers (BIGINT columns come back as numbers), text, or null. */
export type SqlValue = number | string | null;

/** One result row, column name -> value. */
export type SqlRow = Record<string, SqlValue>;

/** Statements inside one transaction. */
export interface SqlTx {
  /** All rows of a query. */
  all(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  /** The first row of a query, or undefined. */
  get(sql: string, params?: readonly SqlValue[]): Promise<SqlRow | undefined>;
  /** Runs a statement; returns the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export type StoreDialect = 'sqlite' | 'postgres';

/**
 * A database with transactions. Write transactions are serialized across every process that
 * opens the same database (SQLite: BEGIN IMMEDIATE; PostgreSQL: one transaction-scoped advisory
 * lock), which is what keeps version numbers dense and the audit hash chain linear.
 */
export interface SqlStore {
  readonly dialect: StoreDialect;
  /** Where the data lives, without credentials (for messages). */
  readonly location: string;
  /** Runs fn in a read-only transaction (one consistent snapshot). */
  read<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  /** Runs fn in a write transaction; it commits when fn resolves and rolls back when it throws. */
  write<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  /** Closes the connection(s); the store cannot be used afterwards. */
  close(): Promise<void>;
}
