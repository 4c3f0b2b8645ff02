/**
 * Client-side pacing of the AWS APIs the rotation calls (issue #14 item 5): one token bucket per API at the
 * pace of contracts/limits.ts API_RATE_LIMITS, wrapped around the ports. A call waits for its token instead
 * of being throttled; what is still throttled (other callers share the quotas) is retried by the SDK
 * (adaptive retry mode: exponential backoff with jitter and a client-side rate that drops on throttles,
 * handlers/shared/clients/config.ts) and, if it keeps failing, fails the domain's step as transient: the
 * state records it and the next tick retries it (runner.ts, isTransient).
 *
 * The timer is injectable: Lambda uses real time, the bench a virtual clock (bench/byodkim-tick.ts).
 */
import { API_RATE_LIMITS, type ApiRateKey } from '../../../contracts/limits.js';
import type { Ports } from './ports.js';

export interface Timer {
  /** Milliseconds (any origin, monotonic enough for pacing). */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const REAL_TIMER: Timer = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A token bucket: `ratePerSecond` tokens a second, at most `burst` saved up. Calls are served in order. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();
  /** Total time callers waited for a token (ms): the pacing's cost, reported by the bench. */
  waitedMs = 0;
  taken = 0;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly timer: Timer,
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1))
      throw new Error('TokenBucket needs a positive rate and burst >= 1');
    this.tokens = burst;
    this.last = timer.now();
  }

  /** Resolves when the caller may send one request. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.takeNow());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async takeNow() {
    this.refill();
    if (this.tokens < 1) {
      const wait = Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
      this.waitedMs += wait;
      await this.timer.sleep(wait);
      this.refill();
      this.tokens = Math.max(this.tokens, 1);
    }
    this.tokens -= 1;
    this.taken++;
  }

  private refill() {
    const now = this.timer.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
    this.last = now;
  }
}

export type Buckets = Record<ApiRateKey, TokenBucket>;

/** One bucket per API at its pace (burst 1: requests evenly spaced, never a burst into a shared quota). */
export function createBuckets(timer: Timer = REAL_TIMER): Buckets {
  const out = {} as Record<ApiRateKey, TokenBucket>;
  for (const [key, limit] of Object.entries(API_RATE_LIMITS) as [ApiRateKey, { pacePerSecond: number }][]) {
    out[key] = new TokenBucket(limit.pacePerSecond, 1, timer);
  }
  return out;
}

/**
 * The ports with every AWS call paced by its API's bucket. DNS lookups (the resolver, not an AWS API), the
 * clock, logs and metrics (EMF in the logs) are not paced. `notifierApi` names the API the notifier uses
 * (SNS Publish, or SES SendEmail for the DNS team's mail).
 */
export function pacePorts(p: Ports, b: Buckets): Ports {
  const paced =
    <A extends unknown[], R>(bucket: TokenBucket, fn: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      await bucket.take();
      return fn(...a);
    };
  return {
    ...p,
    store: {
      get: paced(b.dynamodb, (d: string) => p.store.get(d)),
      put: paced(b.dynamodb, (s) => p.store.put(s)),
      acquireLock: paced(b.dynamodb, (d: string, o: string, n: number, e: number) =>
        p.store.acquireLock(d, o, n, e),
      ),
      releaseLock: paced(b.dynamodb, (d: string, o: string) => p.store.releaseLock(d, o)),
      ...(p.store.getCursor ? { getCursor: paced(b.dynamodb, () => p.store.getCursor!()) } : {}),
      ...(p.store.putCursor
        ? { putCursor: paced(b.dynamodb, (c: string | undefined) => p.store.putCursor!(c)) }
        : {}),
    },
    vault: {
      generateKeyPair: paced(b.kmsGenerateDataKeyPairRsa2048, (c) => p.vault.generateKeyPair(c)),
      decryptPrivateKey: paced(b.kmsDecrypt, (c: Uint8Array, k) => p.vault.decryptPrivateKey(c, k)),
      keyState: () => p.vault.keyState(),
    },
    ses: {
      getDkim: paced(b.sesApi, (d: string) => p.ses.getDkim(d)),
      putExternal: paced(b.sesApi, (d: string, s: string, k: Uint8Array) => p.ses.putExternal(d, s, k)),
      putEasyDkim: paced(b.sesApi, (d: string) => p.ses.putEasyDkim(d)),
    },
    dnsPublisher: {
      upsertTxt: paced(b.route53, (z: string, n: string, v: string) => p.dnsPublisher.upsertTxt(z, n, v)),
      deleteTxt: paced(b.route53, (z: string, n: string, v: string) => p.dnsPublisher.deleteTxt(z, n, v)),
    },
    notifier: { publish: paced(b.sns, (n) => p.notifier.publish(n)) },
  };
}
