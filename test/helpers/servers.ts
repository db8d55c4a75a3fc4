/**
 * Private Redis and NATS servers for tests: each started from the Debian package's binary on a
 * free 127.0.0.1 port in a temp dir, stopped by its PID. Where the binary is missing, the
 * *SkipReason() functions say why (the tests put it in their titles).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** The server's data directory (NATS: the JetStream store). */
  readonly dir: string;
  /** Stops the server by its PID (SIGTERM, then SIGKILL) and removes its directory. */
  stop(): Promise<void>;
}

/** A port free on 127.0.0.1 now (the OS picks it), for a test server to listen on. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function onPath(binary: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;
}

/** Why the Redis tests cannot run here, or undefined when they can. */
export function redisSkipReason(): string | undefined {
  return onPath('redis-server') ? undefined : 'redis-server not found (apt-get install redis-server): the BullMQ tests are skipped';
}

/** Why the NATS tests cannot run here, or undefined when they can. */
export function natsSkipReason(): string | undefined {
  return onPath('nats-server') ? undefined : 'nats-server not found (apt-get install nats-server): the NATS tests are skipped';
}

/** Starts `command` and resolves once a line of its output matches `ready`. */
async function startProcess(command: string, args: string[], ready: RegExp, dir: string, url: string, port: number): Promise<TestServer> {
  // the server is not the code under test: keep a sanitizer run's preloaded runtime out of it
  const env = { ...process.env };
  delete env.LD_PRELOAD;
  const child: ChildProcess = spawn(command, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start within 15 s:\n${log}`)), 15_000);
    const onData = (d: Buffer) => {
      log += d.toString();
      if (ready.test(log)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${code}) before it was ready:\n${log}`));
    });
  });
  const pid = child.pid!;
  return {
    url,
    port,
    pid,
    dir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(pid, 'SIGTERM');
        const timer = setTimeout(() => child.exitCode === null && child.signalCode === null && process.kill(pid, 'SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A private redis-server: no persistence, 127.0.0.1 only. */
export async function startRedis(): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mlwatch-redis-'));
  const port = await freePort();
  return startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], /Ready to accept connections/, dir, `redis://127.0.0.1:${port}`, port);
}

/** A private nats-server with JetStream, its store in a temp dir. */
export async function startNats(): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'mlwatch-nats-'));
  const port = await freePort();
  return startProcess('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], /Server is ready/, dir, `nats://127.0.0.1:${port}`, port);
}
