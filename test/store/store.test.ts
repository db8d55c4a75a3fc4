/**
 * The store on both databases: the schema is migrated once however many opens race, a write
 * transaction commits all or nothing, writes from one process never interleave, and a database
 * with a newer schema is refused with StoreError.
 */
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { describeEachStore } from '../helpers/stores.js';

describeEachStore('the registry store on %s', (fixture) => {
  it('applies every migration once, also when several opens race', async () => {
    const url = await fixture.newDatabase();
    const stores = await Promise.all([openStore(url), openStore(url), openStore(url)]);
    const rows = await stores[0].read((tx) => tx.all('SELECT version FROM schema_migrations ORDER BY version'));
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    await Promise.all(stores.map((s) => s.close()));
  });

  it('commits all of a write transaction or nothing', async () => {
    const store = await openStore(await fixture.newDatabase());
    await expect(
      store.write(async (tx) => {
        await tx.run('INSERT INTO registered_models (name, created_at, created_by, latest_version) VALUES (?, ?, ?, ?)', ['m', 1, 'a', 0]);
        throw new Error('fails half-way');
      }),
    ).rejects.toThrow('fails half-way');
    expect(await store.read((tx) => tx.all('SELECT name FROM registered_models'))).toEqual([]);
    await store.write((tx) => tx.run('INSERT INTO registered_models (name, created_at, created_by, latest_version) VALUES (?, ?, ?, ?)', ['m', 1, 'a', 0]));
    expect(await store.read((tx) => tx.all('SELECT name, created_at FROM registered_models'))).toEqual([{ name: 'm', created_at: 1 }]);
    await store.close();
  });

  it('serializes write transactions: read-modify-write never loses an update', async () => {
    const store = await openStore(await fixture.newDatabase());
    await store.write((tx) => tx.run('INSERT INTO registered_models (name, created_at, created_by, latest_version) VALUES (?, ?, ?, ?)', ['m', 1, 'a', 0]));
    await Promise.all(
      Array.from({ length: 20 }, () =>
        store.write(async (tx) => {
          const row = await tx.get('SELECT latest_version FROM registered_models WHERE name = ?', ['m']);
          await new Promise((r) => setTimeout(r, 1)); // another transaction would interleave here
          await tx.run('UPDATE registered_models SET latest_version = ? WHERE name = ?', [Number(row!.latest_version) + 1, 'm']);
        }),
      ),
    );
    expect(await store.read((tx) => tx.get('SELECT latest_version FROM registered_models'))).toEqual({ latest_version: 20 });
    await store.close();
  });

  it('refuses a database whose schema is newer than the code', async () => {
    const url = await fixture.newDatabase();
    const store = await openStore(url);
    await store.write((tx) => tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [SCHEMA_VERSION + 1, 'future', 0]));
    await store.close();
    await expect(openStore(url)).rejects.toMatchObject({ code: 'ERR_MLWATCH_STORE', message: expect.stringMatching(/newer than this mlwatch understands .* upgrade mlwatch/) });
  });
});

describe('opening a registry database', () => {
  it('says why a database cannot be used (StoreError)', async () => {
    // port 1 on loopback: nothing listens there, the connection is refused at once
    await expect(openStore('postgres://postgres:secret@127.0.0.1:1/registry')).rejects.toMatchObject({
      name: 'StoreError',
      code: 'ERR_MLWATCH_STORE',
      message: expect.stringMatching(/^cannot use the PostgreSQL database postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/registry: /),
    });
    await expect(openStore(`sqlite:${tmpdir()}`)).rejects.toMatchObject({ code: 'ERR_MLWATCH_STORE', message: expect.stringContaining('cannot open the SQLite database') });
    await expect(openStore('' as string)).rejects.toMatchObject({ code: 'ERR_MLWATCH_INVALID_ARGUMENT' });
  });
});
