#!/usr/bin/env node
/**
 * The mlwatch command: drift reports over table files, reference profiles, backend information,
 * the benchmark suite, the model registry, the model server and A/B experiments (USAGE below says
 * every option). Exit codes: 0 no dataset drift (or success), 1 dataset drift, 2 usage or input
 * error, 3 an internal error; a scheduler can act on them.
 */
import { runBench } from './bench-command.js';
import { runDrift } from './drift-command.js';
import { runInfo } from './info-command.js';
import { UsageError } from './options.js';
import { runProfile } from './profile-command.js';
import { runRegistry } from './registry-command.js';
import { runServe } from './serve-command.js';
import { runExperiment } from './experiment-command.js';
import { runWorker } from './worker-command.js';
import { errorCode } from '../errors.js';
import { setting } from '../config.js';
import { DRIFT_TESTS } from '../drift/drift-options.js';
import { parquetAbortOf } from '../batch/readers/parquet-source.js';

export const USAGE = `Usage:
  mlwatch drift --reference REF --current CUR [options]   compare two tables (or a profile and a table)
  mlwatch profile FILE --out PROFILE [options]             save a reference profile to reuse every night
  mlwatch info [--format text|json]                        backends, SIMD, threads, CUDA devices
  mlwatch bench [FAMILY...]                                run the benchmark suite (source checkout)
  mlwatch registry list|show|compare|approve|alias|audit   the model registry (versions, aliases, approvals, audit trail)
  mlwatch serve --db DB --artifacts DIR --model REF...     serve registry models over the Open Inference Protocol
  mlwatch experiment create|list|show|end                  A/B experiments kept in the registry's database
  mlwatch drift --partitions 'DIR/*.parquet' --reference REF [--redis URL]   drift over partition files (two passes, exact)
  mlwatch worker --redis URL                               a BullMQ worker for distributed drift runs (mlwatch/bullmq)

Tables: .csv, .parquet/.pq, .arrow/.arrows/.feather/.ipc. REF may be a profile saved by 'mlwatch profile'.

drift options:
  --columns a,b,c            columns to compare (default: all of the reference's)
  --categorical a,b          numeric columns to compare as categories (text columns always are)
  --tests T                  auto (default), one test for every column, and/or column=test pairs;
                             tests: ${DRIFT_TESTS.join(', ')}
  --reference-where EXPR     keep reference rows where EXPR holds, e.g. "date<2001-02-01" (repeatable)
  --current-where EXPR       the same for the current table
  --drift-share X            dataset drift when at least this share of columns drifts (default 0.5)
  --correction C             none (default), bonferroni or fdr over the p-value tests
  --format F                 text (default), json or html
  --out FILE                 write the report to FILE instead of standard output
  --backend B                js, cpu or cuda (default: the fastest available)
  --memory SIZE              memory budget for the data (default 1GiB); beyond it values are sorted on disk
  --tmp-dir DIR              where sorted runs go (default: the system's temporary directory)
  --quiet                    no progress bar

partitioned drift (docs/distributed.md): --partitions PATTERN instead of --current ('*' and '?'
  in the file name only); without --redis the two passes run in this process, one partition at a time;
  --redis URL        queue the passes for 'mlwatch worker' processes on this Redis
  --storage DIR      a directory every worker can read and write (default: the temporary directory,
                     right only when every worker runs on this machine)
  --buckets N        equi-depth buckets of the reference (default 1024); --queue P  queue prefix

worker options: --redis URL, --concurrency N (default 1), --role partition|coordinate|all,
  --lock-ms N (a dead worker's job is retried after about this long; default 30000), --queue P, --backend B

profile options: --columns, --categorical, --where EXPR, --backend, --memory, --quiet

registry commands (--db sqlite:FILE | postgres://…, default MLWATCH_REGISTRY; --format text|json):
  list [NAME] [--tag K=V]... [--limit N] [--cursor C]    models, or versions newest first (aliases shown)
  show REF                   one version: metadata, lineage, checks, approvals, artifacts
  compare A B                metric deltas, signature compatibility, changed artifacts, lineage
  approve REF [--note TEXT]  approve as --actor (refused, naming each unmet item, while the policy is not met)
  alias NAME ALIAS VERSION [--expect N|none]   move an alias (compare-and-set against --expect or its current value)
  audit [--verify] [--resource R] [--audit-actor A] [--action P] [--since DATE] [--until DATE] [--limit N]
  options: --actor NAME (default: the login name), --access FILE (JSON { roles?, actors }),
           --policy FILE (JSON { approvalsRequired, requiredChecks, lineageRequired, protectedAliases }),
           --artifacts DIR. REF: NAME/VERSION, NAME@ALIAS or NAME@latest.

serve options: --host H (default 127.0.0.1), --port N (default 8000), --follow-ms N (poll aliases and
  reload a moved one; default 5000, 0 never), --max-batch-rows N, --max-queue-delay-ms N, --max-queue-rows N,
  --max-concurrent N, --timeout-ms N, --max-body-bytes N, --actor NAME. --experiment NAME (repeatable)
  serves a running experiment under its control model's name, its outcomes synced to the database
  every --sync-ms N (default 1000). Runs until SIGTERM or SIGINT, then answers every request in
  flight and exits 0.

experiment commands (--db as registry's; --format text|json; --actor NAME):
  create --config FILE       define an experiment (JSON: name, variants [{ name, weight, model }], metric, design, ...)
  list                       every experiment, newest first
  show NAME                  the definition and the analysis of every outcome synced so far
  end NAME [--promote] [--alias A]   end it with its analysis; --promote moves the winner's alias
                             (default champion) when the decision is ship (exit 1 when it is not)

Exit codes: 0 no dataset drift, 1 dataset drift, 2 usage or input error (also when no column
could be tested, e.g. an empty file), 3 an internal error (MLWATCH_DEBUG=1 prints its stack).
registry: 0 done, 1 audit --verify found a broken chain, 2 usage or input error (unknown ref,
refused by the policy or access control, alias moved meanwhile, unusable database), 3 internal.
`;

/** Codes of errors that are the input's fault (exit 2), not a fault of mlwatch (exit 3). */
const INPUT_CODES = new Set<string>([
  'ERR_MLWATCH_INPUT_FILE',
  'ERR_MLWATCH_INVALID_ARGUMENT',
  'ERR_MLWATCH_BACKEND_UNAVAILABLE',
  'ERR_MLWATCH_NOT_FOUND',
  'ERR_MLWATCH_INVALID_REF',
  'ERR_MLWATCH_ARTIFACT_INTEGRITY',
  'ERR_MLWATCH_SIGNATURE_MISMATCH',
  'ERR_MLWATCH_POLICY',
  'ERR_MLWATCH_ALIAS_CONFLICT',
  'ERR_MLWATCH_FORBIDDEN',
  'ERR_MLWATCH_STORE',
  'ERR_MLWATCH_EXPERIMENT_STATE',
  'ERR_MLWATCH_NOT_DECIDED',
  'ERR_MLWATCH_ENGINE_UNAVAILABLE',
  'ERR_MLWATCH_DISTRIBUTED_JOB',
]);

/** Runs the command line `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'drift':
        return await runDrift(rest);
      case 'profile':
        return await runProfile(rest);
      case 'info':
        return runInfo(rest);
      case 'bench':
        return await runBench(rest);
      case 'registry':
        return await runRegistry(rest);
      case 'serve':
        return await runServe(rest);
      case 'experiment':
        return await runExperiment(rest);
      case 'worker':
        return await runWorker(rest);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`mlwatch: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    const e = error as Error & { code?: string };
    // bad files and bad arguments: one line, exit 2; anything else is a fault worth its stack
    const code = errorCode(error);
    const input = code !== undefined && INPUT_CODES.has(code);
    if (input || error instanceof TypeError || error instanceof RangeError || (e.code && e.code.startsWith('ERR_PARSE_ARGS'))) {
      // one line: Node's argument parser explains some errors over several
      return inputError(e.message.replace(/\s*\n\s*/g, ' '));
    }
    if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR' || e.code === 'ENOSPC') return inputError(e.message);
    return internalError(error);
  }
}

/** An error that is the input's fault (a bad file or argument): `message` after the command's name, exit 2. */
function inputError(message: string): number {
  process.stderr.write(`mlwatch: ${message}\n`);
  return 2;
}

/** An error that is not the input's fault: one line (the stack with MLWATCH_DEBUG=1), exit 3. */
function internalError(error: unknown): number {
  const e = error as Error;
  const detail = setting('MLWATCH_DEBUG') === '1' ? (e?.stack ?? String(error)) : (e?.message ?? String(error));
  process.stderr.write(`mlwatch: internal error: ${detail}\n`);
  return 3;
}

/** An error nothing awaited: parquet-wasm aborting on a damaged Parquet file is the file's fault (exit 2), anything else internal. */
function uncaught(error: unknown): number {
  const damaged = parquetAbortOf(error);
  return damaged ? inputError(damaged.message) : internalError(error);
}

// Run when executed (also through the npm bin link), not when imported by tests.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // exit on Ctrl-C / kill through process.exit, so 'exit' handlers remove temporary sorted runs,
  // unless the command took the signal over (serve closes gracefully, answering the requests in
  // flight first): then its own listener decides
  const exitOn = (signal: NodeJS.Signals, code: number) =>
    process.on(signal, () => {
      if (process.listenerCount(signal) === 1) process.exit(code);
    });
  exitOn('SIGINT', 130);
  exitOn('SIGTERM', 143);
  // An error thrown outside the awaited chain (a library failing in a callback) must not exit 1,
  // which means "dataset drift".
  process.on('uncaughtException', (error) => process.exit(uncaught(error)));
  process.on('unhandledRejection', (error) => process.exit(uncaught(error)));
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
