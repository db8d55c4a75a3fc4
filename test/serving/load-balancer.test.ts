/**
 * LoadBalancer over three model servers, each in its own process: requests spread by the
 * strategy; one upstream killed with SIGKILL costs no request (the connection error ejects it and
 * the request is retried on another), it is reported unhealthy, and once restarted on its port
 * the health checks re-admit it. Every process started here is stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { LoadBalancer } from '../../src/serving/load-balancer.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const children = new Set<ChildProcess>();

async function upstream(port = 0): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/model-upstream.ts', String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { child, port: (JSON.parse(line) as { port: number }).port };
}

afterAll(() => {
  for (const child of children) process.kill(child.pid!, 'SIGKILL');
});

const body = (k: number) => ({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [k, 1, -k, 0.5] }] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('LoadBalancer', () => {
  it('spreads requests, loses none when an upstream is killed, and re-admits it after it recovers', async () => {
    const started = await Promise.all([upstream(), upstream(), upstream()]);
    const urls = started.map((u) => `http://127.0.0.1:${u.port}`);
    const lb = new LoadBalancer({ upstreams: urls, strategy: 'round_robin', healthCheck: { intervalMs: 100, unhealthyAfter: 2, healthyAfter: 2 }, ejectMs: 500 });
    try {
      const served = new Map<string, number>();
      const failures: string[] = [];
      const send = async (n: number) => {
        for (let k = 0; k < n; k++) {
          try {
            const r = await lb.infer('golden', body(k));
            if (r.status !== 200) failures.push(`status ${r.status}`);
            served.set(r.upstream, (served.get(r.upstream) ?? 0) + 1);
          } catch (e) {
            failures.push((e as Error).message);
          }
        }
      };
      await Promise.all([send(30), send(30)]);
      expect([...served.keys()].sort()).toEqual([...urls].sort());

      const killed = started[1];
      process.kill(killed.child.pid!, 'SIGKILL');
      await once(killed.child, 'exit');
      served.clear();
      await Promise.all([send(40), send(40)]);
      expect(failures).toEqual([]);
      expect(served.has(urls[1])).toBe(false);
      expect(lb.status()[1].healthy).toBe(false);

      await upstream(killed.port); // back on its port
      for (let waited = 0; waited < 10_000 && !lb.status()[1].healthy; waited += 100) await sleep(100);
      expect(lb.status()[1].healthy).toBe(true);
      served.clear();
      await send(30);
      expect(served.get(urls[1])).toBeGreaterThan(0);
      expect(failures).toEqual([]);
    } finally {
      await lb.close();
    }
  }, 60_000);

  it('checks its options', () => {
    expect(() => new LoadBalancer({ upstreams: [] })).toThrow(/non-empty array of upstream URLs/);
    expect(() => new LoadBalancer({ upstreams: ['ftp://x'] })).toThrow(/http\(s\) URL/);
    expect(() => new LoadBalancer({ upstreams: ['http://127.0.0.1:1'], strategy: 'random' as never })).toThrow(/round_robin/);
  });
});
