/**
 * A private PostgreSQL server for tests: initdb in a temp dir, pg_ctl start on 127.0.0.1 on a free
 * port, stopped by its postmaster PID. PostgreSQL refuses to run as root, so as root the server
 * runs as the `postgres` user the Debian package creates (setpriv). Where the binaries are missing
 * startPostgres() returns the reason to skip, which the tests print.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './servers.js';

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:PORT/ (append a database name). */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** A new, empty database; returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server by its PID (fast shutdown) and removes its directory. */
  stop(): Promise<void>;
}

/** The directory of initdb and pg_ctl: MLWATCH_POSTGRES_BIN, else the newest /usr/lib/postgresql/N/bin. */
export function postgresBin(): string | undefined {
  const fromEnv = process.env.MLWATCH_POSTGRES_BIN;
  if (fromEnv) return existsSync(join(fromEnv, 'initdb')) ? fromEnv : undefined;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0], 'bin') : undefined;
}

/** Why the PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresSkipReason(): string | undefined {
  const bin = postgresBin();
  if (!bin) return 'PostgreSQL binaries not found (apt-get install postgresql, or set MLWATCH_POSTGRES_BIN): the PostgreSQL variants of these tests are skipped';
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) return 'running as root without a `postgres` user to run the server as: the PostgreSQL variants are skipped';
  return undefined;
}

function asServerUser(bin: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  const [command, argv] = root ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', join(bin, args[0]), ...args.slice(1)]] : [join(bin, args[0]), args.slice(1)];
  // the server is not the code under test: keep the sanitizer run's preloaded runtime out of it
  const env = { ...process.env };
  delete env.LD_PRELOAD;
  execFileSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], env });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts a private server; throws when it cannot (call postgresSkipReason() first). */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBin();
  if (!bin) throw new Error(postgresSkipReason());
  const dir = mkdtempSync(join(tmpdir(), 'mlwatch-pg-'));
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  asServerUser(bin, ['initdb', '-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      // fsync off: a test server's data is thrown away; unix socket in the temp dir, not /var/run.
      asServerUser(bin, ['pg_ctl', '-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`, 'start']);
      break;
    } catch (error) {
      // another process may have taken the port between freePort() and the start
      if (attempt >= 2) throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : ''}`);
    }
  }
  const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const url = `postgres://postgres@127.0.0.1:${port}/`;
  return {
    url,
    port,
    pid,
    async createDatabase(name) {
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: `${url}postgres` });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
      return `${url}${name}`;
    },
    async stop() {
      if (alive(pid)) process.kill(pid, 'SIGINT'); // fast shutdown: disconnects clients, no waiting
      for (let i = 0; i < 200 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
