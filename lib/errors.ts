/** Errors of the operations scripts that are expected and shown as one line, never with a stack trace. */

/** A wrong argument, config file or ignore entry: the message names the file or flag, the value and what is allowed. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A command-line usage error (unknown flag, missing environment). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The short text of any thrown value, for one report row: `Name: message`. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    return `${name}${error.message}`.trim();
  }
  return String(error);
}

/** One line for a failed AWS call; an answer that was not an AWS API response (e.g. an emulator's HTML 404) says so. */
export function apiErrorText(error: unknown): string {
  const text = describeError(error);
  if (errorName(error) === 'SyntaxError' || /Deserialization error|XML parse error/i.test(text)) {
    return 'the endpoint did not answer with an AWS API response (operation not implemented there?)';
  }
  return (text.split('\n')[0] ?? '').slice(0, 300);
}

/** Name of an AWS SDK error (`ThrottlingException`, `ValidationError`, `AccessDeniedException`, ...). */
export function errorName(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { name?: unknown; Code?: unknown; code?: unknown };
    for (const v of [e.name, e.Code, e.code]) if (typeof v === 'string' && v !== 'Error') return v;
  }
  return '';
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
]);

/** True for the throttling errors that deserve a retry with backoff. */
export function isThrottling(error: unknown): boolean {
  if (THROTTLING.has(errorName(error))) return true;
  const retryable = (error as { $retryable?: { throttling?: boolean } } | undefined)?.$retryable;
  return retryable?.throttling === true;
}

/** True for AccessDenied-style errors: the caller may not read this. */
export function isAccessDenied(error: unknown): boolean {
  const name = errorName(error);
  return /AccessDenied|UnauthorizedOperation|NotAuthorized|Forbidden/i.test(name);
}

/** CloudFormation's answer for a stack that does not exist: `ValidationError: Stack with id X does not exist`. */
export function isMissingStack(error: unknown): boolean {
  return errorName(error) === 'ValidationError' && /does not exist/i.test(describeError(error));
}
