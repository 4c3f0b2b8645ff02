/** Small helpers for the operations CLIs' flags: every bad value is a UsageError that names the flag. */
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
