/**
 * The cheap checks the operations commands make before any slow or remote work (environment name, output
 * directory), the timeouts of their AWS clients, and the one-line form of their errors.
 */
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AccountMismatchError } from '../../contracts/account.js';
import { ConfigError, UsageError } from '../../lib/errors.js';
import { notAnEnvironmentFile } from './environments.js';

/** Every AWS call of the CLIs gives up after this long (connection, then the whole request). */
// throwOnRequestTimeout: without it the SDK only logs a warning when requestTimeout passes and waits on.
export const AWS_TIMEOUTS = {
  connectionTimeout: 5_000,
  requestTimeout: 30_000,
  throwOnRequestTimeout: true,
} as const;

/** SDK client configuration with the CLIs' retries and timeouts. */
export function awsClientConfig(region: string, maxAttempts = 3) {
  return { region, maxAttempts, requestHandler: { ...AWS_TIMEOUTS } };
}

/** `environments/<env>.yaml` or `.yml`, whichever exists (generate refuses both at once). */
export function findEnvironmentFile(env: string, dir = 'environments'): string | undefined {
  for (const ext of ['yaml', 'yml']) {
    const file = join(dir, `${env}.${ext}`);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** The environments `dir` defines (their Sceptre names). */
export function knownEnvironments(dir = 'environments'): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => notAnEnvironmentFile(f) === null)
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

/** Throws a UsageError naming the known environments when `env` has no file. */
export function requireEnvironment(env: string, dir = 'environments'): string {
  const file = findEnvironmentFile(env, dir);
  if (file) return file;
  const known = knownEnvironments(dir);
  throw new UsageError(
    `unknown environment '${env}': there is no ${join(dir, `${env}.yaml`)}; ` +
      `${known.length ? `known: ${known.join(', ')}` : `${dir}/ holds no environment file`} ` +
      `(to add one, create ${join(dir, `${env}.yaml`)} and run npm run generate)`,
  );
}

/**
 * Makes sure reports can be written to `dir` before any work starts: creates it one level at a time (a
 * recursive mkdir below /proc never returns on Node 20), then writes and removes a probe file.
 */
export function prepareOutDir(dir: string, flag = '--out-dir'): string {
  const target = resolve(dir);
  const missing: string[] = [];
  let cur = target;
  while (!existsSync(cur)) {
    missing.unshift(cur);
    const parent = dirname(cur);
    if (parent === cur) break;
    cur = parent;
  }
  if (existsSync(cur) && !statSync(cur).isDirectory()) {
    throw new UsageError(
      `${flag} ${dir}: ${cur === target ? 'is a file, not a directory' : `${cur} is a file, not a directory`}; ` +
        'give a directory for the reports (e.g. reports)',
    );
  }
  try {
    for (const d of missing) mkdirSync(d);
    const probe = join(target, `.write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
    accessSync(target, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`${flag} ${dir}: cannot write reports there (${code}); give a writable directory`);
  }
  return target;
}

/** Rejects with `what timed out after N s` when `promise` takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What to do about an error of the credential chain or of reaching AWS, or undefined. */
export function credentialsAdvice(error: unknown): string | undefined {
  const name = (error as { name?: string } | undefined)?.name ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'CredentialsProviderError' || /Could not load credentials|credential/i.test(message)) {
    return (
      'no AWS credentials found: set AWS_PROFILE (after aws sso login) or AWS_ACCESS_KEY_ID and ' +
      "AWS_SECRET_ACCESS_KEY for the environment's account, then run again"
    );
  }
  if (/ExpiredToken|security token included in the request is expired/i.test(`${name} ${message}`)) {
    return 'the AWS credentials have expired: log in again (aws sso login) and run again';
  }
  if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|timed out|TimeoutError/i.test(`${name} ${message}`)) {
    return `cannot reach AWS (${message.split('\n')[0]}): check the network, AWS_REGION and AWS_ENDPOINT_URL`;
  }
  return undefined;
}

/** `--debug` anywhere in argv: show stack traces of unexpected errors. Returns the other arguments. */
export function debugFlag(argv: readonly string[]): { debug: boolean; args: string[] } {
  return { debug: argv.includes('--debug'), args: argv.filter((a) => a !== '--debug') };
}

/** One line for an unexpected error (a bug), or the whole trace with --debug. */
export function internalErrorText(tool: string, error: unknown, debug: boolean): string {
  if (debug)
    return `${tool}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  const first = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).split('\n')[0];
  return `${tool}: internal error: ${first} (run again with --debug for the stack trace)`;
}

/** What every operations command gets from its process (tests pass their own): output and the caller's account. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The account the caller's credentials belong to (sts:GetCallerIdentity). */
  readonly callerAccount: (region: string) => Promise<string | undefined>;
}

/** Waits of commands that poll (drift detection, queries, change sets): a clock and a sleep tests replace. */
export interface CommandClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** The process side of a command: its output streams. */
export const STDIO = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stderr.write(text),
} as const;

/**
 * Runs a command's main as the process: `--debug` taken off the arguments, the exit code set from what main
 * returns, an unexpected error (a bug) one line (the stack trace with --debug) and exit 2.
 */
export async function runCommand(tool: string, main: (args: string[]) => Promise<number>): Promise<void> {
  // the SDK's multi-line notice about Node 20 support ending in 2027 would bury the one-line errors (README:
  // Prerequisites says which Node to use)
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { debug, args } = debugFlag(process.argv.slice(2));
  try {
    process.exitCode = await main(args);
  } catch (error) {
    console.error(internalErrorText(tool, error, debug));
    process.exitCode = 2;
  }
}

/**
 * An expected error of a command (bad argument or file, another account): its one line on stderr and the exit
 * code, 2 (`usageCode` for a usage error). Undefined for anything else, which the command handles or rethrows.
 */
export function expectedErrorExit(
  tool: string,
  error: unknown,
  stderr: (text: string) => void,
  usageCode = 2,
): number | undefined {
  if (!(error instanceof UsageError || error instanceof ConfigError || error instanceof AccountMismatchError))
    return undefined;
  stderr(`${tool}: ${error.message}\n`);
  return error instanceof UsageError ? usageCode : 2;
}
