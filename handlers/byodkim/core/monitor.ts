/**
 * Status check (seed 2.1.5, corrected): per domain the SES verification status and selector, the KMS key
 * state, and whether DNS publishes for the active selector exactly the public key the state holds.
 */
import { METRICS } from '../../../contracts/metrics.js';
import { compareTxt, dkimTxtRecord } from './dkim.js';
import { describeError } from './errors.js';
import type { Ports } from './ports.js';
import type { DomainConfig } from './types.js';

export interface DomainCheck {
  readonly domain: string;
  readonly identityExists: boolean;
  readonly status: string;
  readonly origin: string;
  readonly selector?: string;
  /** true/false when the selector is one the state knows; undefined when it cannot be judged. */
  readonly dnsConsistent?: boolean;
  readonly stage?: string;
  readonly error?: string;
}

export interface CheckReport {
  readonly kmsKeyState: string;
  readonly domains: DomainCheck[];
}

const STATUS_VALUE: Record<string, number> = { SUCCESS: 1, FAILED: 0 };

/**
 * Domains one check may look at (issue #14 item 5): SES answers one request a second for the whole account and
 * the orchestrator's tick needs most of that, so a check of 1,000 domains every 15 minutes (4,000 calls an hour
 * against 3,600) cannot be made. One run checks at most this many (100 s of SES at one a second, within the
 * 120 s timeout); with more domains, consecutive runs take consecutive slices (monitorSlice).
 */
export const MONITOR_DOMAINS_PER_RUN = 100;
const RUN_MS = 900_000;

/**
 * The domains the run at `nowMs` checks: all when they fit; otherwise the contiguous (circular) slice of
 * `perRun` domains starting at (run number × perRun) mod n, the run number counted in 15-minute slots. Stateless
 * and deterministic: ceil(n / perRun) consecutive runs check every domain (1,000 domains: every 2.5 hours).
 */
export function monitorSlice<T>(domains: readonly T[], nowMs: number, perRun = MONITOR_DOMAINS_PER_RUN): T[] {
  const n = domains.length;
  if (n <= perRun) return [...domains];
  const start = (Math.floor(nowMs / RUN_MS) * perRun) % n;
  return Array.from({ length: perRun }, (_, i) => domains[(start + i) % n]!);
}

export async function checkAll(
  ports: Pick<Ports, 'ses' | 'dns' | 'vault' | 'store' | 'metrics' | 'log'>,
  domains: readonly DomainConfig[],
  opts: { deadlineMs?: number; nowMs?: () => number } = {},
): Promise<CheckReport> {
  let kmsKeyState: string;
  try {
    kmsKeyState = await ports.vault.keyState();
  } catch (err) {
    kmsKeyState = `Error:${describeError(err).name}`;
  }
  // One KMS key for all domains: account-wide only.
  ports.metrics.put({
    name: METRICS.byodkimKeyStatus.name,
    unit: METRICS.byodkimKeyStatus.unit,
    value: kmsKeyState === 'Enabled' ? 1 : 0,
  });

  const results: DomainCheck[] = [];
  const now = opts.nowMs ?? Date.now;
  for (const [i, d] of domains.entries()) {
    if (opts.deadlineMs !== undefined && now() > opts.deadlineMs) {
      ports.log.warn('status check stopped at its time budget; the others are checked by a later run', {
        checked: i,
        notChecked: domains.length - i,
      });
      break;
    }
    try {
      results.push(await checkDomain(ports, d.domain));
    } catch (err) {
      const e = describeError(err);
      ports.log.error('status check failed', {
        domain: d.domain,
        errorName: e.name,
        errorMessage: e.message,
      });
      results.push({
        domain: d.domain,
        identityExists: false,
        status: 'UNKNOWN',
        origin: 'UNKNOWN',
        error: `${e.name}: ${e.message}`,
      });
    }
  }
  return { kmsKeyState, domains: results };
}

async function checkDomain(
  ports: Pick<Ports, 'ses' | 'dns' | 'store' | 'metrics' | 'log'>,
  domain: string,
): Promise<DomainCheck> {
  const ses = await ports.ses.getDkim(domain);
  const state = await ports.store.get(domain);
  const put = (name: string, value: number) => ports.metrics.put({ name, unit: 'Count', value, domain });

  put(METRICS.byodkimVerificationStatus.name, STATUS_VALUE[ses.status] ?? -1);
  put(METRICS.byodkimVerificationFailed.name, ses.status === 'FAILED' ? 1 : 0);
  put(METRICS.byodkimTemporaryFailure.name, ses.status === 'TEMPORARY_FAILURE' ? 1 : 0);

  const selector = ses.origin === 'EXTERNAL' ? ses.selectors[0] : undefined;
  let dnsConsistent: boolean | undefined;
  if (selector && state) {
    const known = [state.current, state.previous, state.pending].find((k) => k?.selector === selector);
    if (known) {
      const answer = await ports.dns.resolveTxt(dkimTxtRecord(selector, domain, known.publicKey).name);
      dnsConsistent = compareTxt(answer, known.publicKey).kind === 'MATCH';
    } else {
      // SES signs with a selector the rotation never made: the state cannot vouch for it.
      dnsConsistent = false;
    }
  }
  if (dnsConsistent !== undefined) put(METRICS.dnsRecordConsistency.name, dnsConsistent ? 1 : 0);
  if (dnsConsistent === false) {
    ports.log.warn('DNS does not publish the active key', { domain, selector });
  }
  return {
    domain,
    identityExists: ses.exists,
    status: ses.status,
    origin: ses.origin,
    selector,
    dnsConsistent,
    stage: state?.stage,
  };
}
