/** Bounded concurrency and retry with backoff, with injectable sleep and randomness for tests and benchmarks. */
import { describeError, isThrottling } from '../errors.js';

/** Maps `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
) {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export interface RetryOptions {
  /** Attempts in all, the first included. @default 8 */
  readonly attempts?: number;
  /** First backoff ceiling in ms; doubles each attempt. @default 500 */
  readonly baseMs?: number;
  /** Largest backoff in ms. @default 20000 */
  readonly maxMs?: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** @default Math.random */
  readonly random?: () => number;
  /** Told about each retry (for progress output). */
  readonly onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
}

/** Thrown when throttling outlasts every attempt; `cause` is the last throttling error. */
export class RetriesExhaustedError extends Error {
  override readonly name = 'RetriesExhaustedError';
  constructor(attempts: number, cause: unknown) {
    super(`still throttled after ${attempts} attempts (${describeError(cause)})`, { cause });
  }
}

/** Calls `fn`, retrying throttling errors with full-jitter exponential backoff; other errors pass through. */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? 8;
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 20_000;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isThrottling(error)) throw error;
      if (attempt >= attempts) throw new RetriesExhaustedError(attempts, error);
      const delay = Math.round(random() * Math.min(max, base * 2 ** (attempt - 1)));
      options.onRetry?.(attempt, delay, error);
      await options.sleep(delay);
    }
  }
}
