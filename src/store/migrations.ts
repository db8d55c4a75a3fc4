/**
 * The schema, as numbered migrations applied in order inside one write transaction (so two
 * processes opening a new database at once apply each migration once). A migration is never
 * edited once released: a change to the schema is a new migration at the end of the list.
 * Times are epoch milliseconds (BIGINT); JSON documents are TEXT; booleans are 0 / 1.
 */
import { StoreError } from '../errors.js';
import type { SqlTx, StoreDialect } from './sql-store.js';

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: (dialect: StoreDialect) => string[];
}

const autoId = (dialect: StoreDialect) => (dialect === 'sqlite' ? 'INTEGER PRIMARY KEY' : 'BIGSERIAL PRIMARY KEY');

/** Every migration, in order; append only. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'registry and audit trail',
    statements: (dialect) => [
      `CREATE TABLE registered_models (
        name TEXT PRIMARY KEY,
        created_at BIGINT NOT NULL,
        created_by TEXT NOT NULL,
        latest_version INTEGER NOT NULL
      )`,
      // id orders versions by registration across models: the key of search's cursor paging.
      `CREATE TABLE model_versions (
        id ${autoId(dialect)},
        name TEXT NOT NULL REFERENCES registered_models (name),
        version INTEGER NOT NULL,
        created_at BIGINT NOT NULL,
        created_by TEXT NOT NULL,
        description TEXT,
        compression TEXT,
        signature TEXT NOT NULL,
        lineage TEXT NOT NULL,
        model_sha256 TEXT,
        approved_at BIGINT,
        UNIQUE (name, version)
      )`,
      `CREATE TABLE version_tags (
        version_id BIGINT NOT NULL REFERENCES model_versions (id),
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (version_id, key)
      )`,
      'CREATE INDEX version_tags_by_value ON version_tags (key, value, version_id)',
      `CREATE TABLE version_metrics (
        version_id BIGINT NOT NULL REFERENCES model_versions (id),
        key TEXT NOT NULL,
        value DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (version_id, key)
      )`,
      'CREATE INDEX version_metrics_by_value ON version_metrics (key, value, version_id)',
      `CREATE TABLE version_artifacts (
        version_id BIGINT NOT NULL REFERENCES model_versions (id),
        path TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size BIGINT NOT NULL,
        PRIMARY KEY (version_id, path)
      )`,
      `CREATE TABLE version_checks (
        version_id BIGINT NOT NULL REFERENCES model_versions (id),
        check_name TEXT NOT NULL,
        passed INTEGER NOT NULL,
        details TEXT NOT NULL,
        checked_at BIGINT NOT NULL,
        checked_by TEXT NOT NULL,
        PRIMARY KEY (version_id, check_name)
      )`,
      `CREATE TABLE version_approvals (
        version_id BIGINT NOT NULL REFERENCES model_versions (id),
        approver TEXT NOT NULL,
        note TEXT,
        approved_at BIGINT NOT NULL,
        PRIMARY KEY (version_id, approver)
      )`,
      `CREATE TABLE model_aliases (
        name TEXT NOT NULL REFERENCES registered_models (name),
        alias TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated_at BIGINT NOT NULL,
        updated_by TEXT NOT NULL,
        PRIMARY KEY (name, alias)
      )`,
      'CREATE INDEX model_aliases_by_version ON model_aliases (name, version)',
      // Append-only: the API has no update or delete; prev_hash/hash chain every event to the one before.
      `CREATE TABLE audit_events (
        seq BIGINT PRIMARY KEY,
        at BIGINT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        resource TEXT NOT NULL,
        outcome TEXT NOT NULL,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      )`,
      'CREATE INDEX audit_events_by_resource ON audit_events (resource, seq)',
      'CREATE INDEX audit_events_by_actor ON audit_events (actor, seq)',
      'CREATE INDEX audit_events_by_time ON audit_events (at)',
    ],
  },
  {
    version: 2,
    name: 'experiments',
    statements: () => [
      // config: the ExperimentConfig; analysis: the analysis it ended with; always_valid: per
      // variant, the running minimum of the always-valid p-value over every process's looks.
      `CREATE TABLE experiments (
        name TEXT PRIMARY KEY,
        config TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        created_by TEXT NOT NULL,
        ended_at BIGINT,
        ended_by TEXT,
        analysis TEXT,
        always_valid TEXT NOT NULL
      )`,
      // One row per variant: the outcomes' sufficient statistics (OutcomeStats as JSON), summed over
      // every process that logged outcomes.
      `CREATE TABLE experiment_stats (
        experiment TEXT NOT NULL REFERENCES experiments (name),
        variant TEXT NOT NULL,
        stats TEXT NOT NULL,
        updated_at BIGINT NOT NULL,
        PRIMARY KEY (experiment, variant)
      )`,
    ],
  },
  {
    version: 3,
    name: 'pipeline runs',
    statements: (dialect) => [
      // A run is keyed by what started it (trigger_key, e.g. a retraining decision's time window),
      // so duplicate events for one cause find the run already there instead of starting another.
      `CREATE TABLE pipeline_runs (
        id ${autoId(dialect)},
        model_name TEXT NOT NULL,
        pipeline TEXT NOT NULL,
        trigger_key TEXT NOT NULL,
        status TEXT NOT NULL,
        context TEXT NOT NULL,
        error TEXT,
        started_at BIGINT NOT NULL,
        started_by TEXT NOT NULL,
        finished_at BIGINT,
        correlation_id TEXT NOT NULL UNIQUE,
        UNIQUE (model_name, trigger_key)
      )`,
      // One running run per model, enforced by the database as well as checked by the code.
      "CREATE UNIQUE INDEX pipeline_runs_one_running ON pipeline_runs (model_name) WHERE status = 'running'",
      'CREATE INDEX pipeline_runs_by_model ON pipeline_runs (model_name, id)',
      // A stage's output is committed with its 'done' mark, so a finished stage never runs again.
      `CREATE TABLE pipeline_stages (
        run_id BIGINT NOT NULL REFERENCES pipeline_runs (id),
        ordinal INTEGER NOT NULL,
        stage TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        output TEXT,
        gate TEXT,
        error TEXT,
        started_at BIGINT NOT NULL,
        finished_at BIGINT,
        PRIMARY KEY (run_id, ordinal)
      )`,
    ],
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Brings the database to SCHEMA_VERSION inside the caller's write transaction; returns the
 * migrations applied. A database newer than this code is refused: its writers may rely on
 * columns this code would not fill.
 */
export async function migrate(tx: SqlTx, dialect: StoreDialect, location: string): Promise<number[]> {
  await tx.run('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
  const row = await tx.get('SELECT MAX(version) AS v FROM schema_migrations');
  const current = Number(row?.v ?? 0);
  if (current > SCHEMA_VERSION) {
    throw new StoreError(`${location} has schema version ${current}, newer than this mlwatch understands (${SCHEMA_VERSION}): upgrade mlwatch before opening it`);
  }
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    for (const statement of m.statements(dialect)) await tx.run(statement);
    await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, Date.now()]);
    applied.push(m.version);
  }
  return applied;
}
