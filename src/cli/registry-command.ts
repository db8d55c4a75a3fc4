/**
 * `mlwatch registry`: list, show, compare, approve, alias and audit over a model registry's
 * database (--db sqlite:FILE | postgres://…, or MLWATCH_REGISTRY). Exit codes as the drift
 * command's: 0 done, 1 `audit --verify` found a broken chain, 2 usage or input errors (an unknown
 * ref, a refusal by the policy or access control, a moved alias), 3 internal errors.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { setting } from '../config.js';
import { AccessControl } from '../governance/access-control.js';
import { GovernancePolicy } from '../governance/governance-policy.js';
import { ModelRegistry } from '../registry/model-registry.js';
import { parseWholeNumber, UsageError } from './options.js';
import { auditText, comparisonText, modelsText, verificationText, versionsText, versionText } from './registry-text.js';

const SUBCOMMANDS = ['list', 'show', 'compare', 'approve', 'alias', 'audit'] as const;

function readJson(path: string, option: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${option} ${path}: ${(error as Error).message}`);
  }
}

function time(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`${option}: expected a date such as 2026-01-31 or 2026-01-31T12:00:00Z, got ${JSON.stringify(text)}`);
  return ms;
}

/** Runs `mlwatch registry ...` (argv after 'registry'); returns the exit code. */
export async function runRegistry(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      db: { type: 'string' },
      artifacts: { type: 'string' },
      actor: { type: 'string' },
      access: { type: 'string' },
      policy: { type: 'string' },
      format: { type: 'string', default: 'text' },
      tag: { type: 'string', multiple: true },
      limit: { type: 'string' },
      cursor: { type: 'string' },
      note: { type: 'string' },
      expect: { type: 'string' },
      verify: { type: 'boolean', default: false },
      resource: { type: 'string' },
      'audit-actor': { type: 'string' },
      action: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
    },
    allowPositionals: true,
  });
  const [sub, ...args] = positionals;
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`registry: expected one of ${SUBCOMMANDS.join(', ')}, got ${sub === undefined ? 'nothing' : JSON.stringify(sub)}`);
  if (values.format !== 'text' && values.format !== 'json') throw new UsageError(`--format: expected text or json, got ${JSON.stringify(values.format)}`);
  const db = values.db ?? setting('MLWATCH_REGISTRY');
  if (!db) throw new UsageError('registry needs --db sqlite:FILE or --db postgres://… (or MLWATCH_REGISTRY)');
  const need = (count: number, form: string) => {
    if (args.length !== count) throw new UsageError(`registry ${sub} takes ${form}`);
  };
  const access = values.access === undefined ? undefined : new AccessControl(readJson(values.access, '--access') as never);
  const policy = values.policy === undefined ? undefined : new GovernancePolicy(readJson(values.policy, '--policy') as never);
  const registry = await ModelRegistry.open({ db, artifacts: values.artifacts, actor: values.actor ?? userInfo().username, access, policy });
  const json = values.format === 'json';
  const print = (value: unknown, text: string) => process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : text);
  try {
    switch (sub) {
      case 'list': {
        if (args.length === 0 && !values.tag) {
          const models = await registry.listModels();
          print(models, modelsText(models));
          break;
        }
        if (args.length > 1) throw new UsageError('registry list takes at most one NAME');
        const tags = Object.fromEntries((values.tag ?? []).map((t) => {
          const eq = t.indexOf('=');
          if (eq <= 0) throw new UsageError(`--tag: expected KEY=VALUE, got ${JSON.stringify(t)}`);
          return [t.slice(0, eq), t.slice(eq + 1)];
        }));
        const page = await registry.search({ name: args[0], tags }, { limit: parseWholeNumber(values.limit, '--limit') ?? 50, cursor: values.cursor });
        print(page, versionsText(page.versions, page.nextCursor));
        break;
      }
      case 'show': {
        need(1, 'one REF (NAME/VERSION, NAME@ALIAS or NAME@latest)');
        const v = await registry.get(args[0]);
        print(v, versionText(v));
        break;
      }
      case 'compare': {
        need(2, 'two REFs: A B');
        const c = await registry.compare(args[0], args[1]);
        print(c, comparisonText(c));
        break;
      }
      case 'approve': {
        need(1, 'one REF');
        const r = await registry.approve(args[0], values.note);
        print(r, `${r.ref} approved by ${registry.actor}: ${r.approvals} of ${r.required} approvals${r.approved ? ', approved for production' : ''}\n`);
        break;
      }
      case 'alias': {
        need(3, 'NAME ALIAS VERSION');
        const [name, alias, versionArg] = args;
        const version = parseWholeNumber(versionArg, 'VERSION')!;
        // without --expect: what the alias points at now, still compared-and-set against a concurrent move
        let expected: number | null;
        if (values.expect === undefined) {
          expected = await registry.get(`${name}@${alias}`).then(
            (v) => v.version,
            (e: { code?: string }) => {
              if (e.code === 'ERR_MLWATCH_NOT_FOUND') return null;
              throw e;
            },
          );
        } else expected = values.expect === 'none' ? null : parseWholeNumber(values.expect, '--expect')!;
        const change = await registry.setAlias(name, alias, version, { expectedVersion: expected });
        print(change, `${name}@${alias} -> ${version}${change.previous === null ? '' : ` (was ${change.previous})`}\n`);
        break;
      }
      case 'audit': {
        if (args.length) throw new UsageError('registry audit takes options only');
        if (values.verify) {
          const v = await registry.verifyAudit();
          print(v, verificationText(v));
          return v.ok ? 0 : 1;
        }
        const events = await registry.auditEvents({
          resource: values.resource,
          actor: values['audit-actor'],
          action: values.action,
          since: time(values.since, '--since'),
          until: time(values.until, '--until'),
          limit: parseWholeNumber(values.limit, '--limit'),
        });
        print(events, auditText(events));
        break;
      }
    }
    return 0;
  } finally {
    await registry.close();
  }
}
