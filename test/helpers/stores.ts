/**
 * describeEachStore: a suite written once and run on SQLite (a file in a temp dir) and on
 * PostgreSQL (a private server started for the file, a fresh database per call of open()). The
 * PostgreSQL variant is skipped, with the reason in its title, where the server cannot run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { postgresSkipReason, startPostgres, type PostgresServer } from './postgres.js';

export interface StoreFixture {
  readonly kind: 'sqlite' | 'postgres';
  /** A URL of a new, empty database (sqlite:FILE or postgres://…). */
  newDatabase(): Promise<string>;
  /** A new empty directory for artifacts. */
  newDir(): string;
}

let databases = 0;

/** Runs body once per database kind; title gets '%s' replaced by the kind. */
export function describeEachStore(title: string, body: (fixture: StoreFixture) => void): void {
  describe(title.replace('%s', 'sqlite'), () => {
    const root = mkdtempSync(join(tmpdir(), 'mlwatch-store-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    body({
      kind: 'sqlite',
      newDatabase: async () => `sqlite:${join(root, `db${++databases}.sqlite`)}`,
      newDir: () => mkdtempSync(join(root, 'artifacts-')),
    });
  });
  const skip = postgresSkipReason();
  describe.skipIf(skip !== undefined)(skip ? `${title.replace('%s', 'postgres')} — skipped: ${skip}` : title.replace('%s', 'postgres'), () => {
    let server: PostgresServer | undefined;
    const root = mkdtempSync(join(tmpdir(), 'mlwatch-store-'));
    beforeAll(async () => {
      server = await startPostgres();
    }, 120_000);
    afterAll(async () => {
      await server?.stop();
      rmSync(root, { recursive: true, force: true });
    });
    body({
      kind: 'postgres',
      newDatabase: async () => server!.createDatabase(`mlwatch_${process.pid}_${++databases}`),
      newDir: () => mkdtempSync(join(root, 'artifacts-')),
    });
  });
}
