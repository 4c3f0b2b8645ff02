/**
 * The operations commands' arguments: one help format for all of them (`usageText`, `helpRequested`) and small
 * flag helpers where every bad value is a UsageError that names the flag, the value and what is allowed.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from '../../lib/errors.js';

/** `util.parseArgs` with strict checking, turning its errors into one-line UsageErrors. */
export function parseCli<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: T,
) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/**
 * `--domains -5` as `--domains=-5` for the value flags `flags`: util.parseArgs takes a value that starts with
 * `-` for an option and says only "argument is ambiguous"; joined, the value reaches the flag's own check, which
 * names the flag, the value and what is allowed. A following option (`--json`, `-h`) is left alone.
 */
export function joinDashValues(argv: readonly string[], flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (next?.startsWith('-') && flags.includes(a) && !/^--?[a-z]/i.test(next)) {
      out.push(`${a}=${next}`);
      i += 1;
    } else out.push(a);
  }
  return out;
}

/** A positive integer flag value, or the default when absent. */
export function positiveInt(
  flag: string,
  value: string | undefined,
  fallback: number,
  max = 100_000,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new UsageError(`--${flag} must be a whole number from 1 to ${max}, got '${value}'`);
  }
  return n;
}

/** The single environment positional (`prod`, `dev`). */
export function environmentArg(positionals: readonly string[], usage: string): string {
  if (positionals.length !== 1 || !positionals[0]) {
    throw new UsageError(
      positionals.length ? `expected one environment, got ${positionals.join(' ')}\n${usage}` : usage,
    );
  }
  return positionals[0];
}

/** What a command prints for `--help` / `-h` (and under a usage error): the one format of every command. */
export interface CommandUsage {
  /** How to run it, after `usage: ` (`npm run drift -- <env> [--format md,json,junit] ...`). */
  readonly synopsis: string;
  /** Option or argument lines, printed indented under the synopsis. */
  readonly details?: readonly string[];
  /** `0 ..., 1 ..., 2 usage error` */
  readonly exitCodes: string;
}

/** `usage: <synopsis>`, the detail lines indented by two, then `exit codes: ...`. */
export function usageText(u: CommandUsage): string {
  return [
    `usage: ${u.synopsis}`,
    ...(u.details ?? []).map((l) => `  ${l}`),
    `exit codes: ${u.exitCodes}`,
  ].join('\n');
}

/** `--help` or `-h` among the arguments (before a `--` that ends the options). */
export function helpRequested(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/**
 * The help answer every command gives: when `argv` asks for help, writes the usage to `stdout` and returns 0
 * (the exit code); otherwise undefined and the command goes on.
 */
export function answerHelp(
  argv: readonly string[],
  usage: string,
  stdout: (text: string) => void,
): 0 | undefined {
  if (!helpRequested(argv)) return undefined;
  stdout(`${usage}\n`);
  return 0;
}

/** A comma-separated flag value whose items must be among `allowed` (or `all`): `--allow-drift ses,base`. */
export function listOf(flag: string, value: string | undefined, allowed: readonly string[]): string[] {
  if (value === undefined) return [];
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = items.filter((i) => i !== 'all' && !allowed.includes(i));
  if (!items.length || bad.length) {
    throw new UsageError(
      `--${flag} '${value}': ${bad.length ? `unknown ${bad.map((b) => `'${b}'`).join(', ')}` : 'empty'}; ` +
        `allowed: all or a comma-separated list of ${allowed.join(', ')}`,
    );
  }
  return items;
}

/** `--sceptre-dir` and `--environments-dir`: every command that reads the project takes them (tests, rehearsal). */
export const PROJECT_DIR_OPTIONS = {
  'sceptre-dir': { type: 'string' },
  'environments-dir': { type: 'string' },
} as const;

/** The two project directories, defaulted (`sceptre`, `environments`). */
export function projectDirs(values: {
  readonly 'sceptre-dir'?: string;
  readonly 'environments-dir'?: string;
}): {
  sceptreDir: string;
  environmentsDir: string;
} {
  return {
    sceptreDir: values['sceptre-dir'] ?? 'sceptre',
    environmentsDir: values['environments-dir'] ?? 'environments',
  };
}

/**
 * The arguments of a command that runs on one environment of the project: `<env>` and the command's options
 * plus `--sceptre-dir` / `--environments-dir` (defaulted), strictly parsed.
 */
export function parseEnvironmentCommand<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: T,
  usage: string,
) {
  const { values, positionals } = parseCli(argv, { ...options, ...PROJECT_DIR_OPTIONS });
  const env = environmentArg(positionals, usage);
  return { values, env, ...projectDirs(values) };
}
