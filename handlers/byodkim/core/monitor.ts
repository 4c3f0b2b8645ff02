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

export async function checkAll(
  ports: Pick<Ports, 'ses' | 'dns' | 'vault' | 'store' | 'metrics' | 'log'>,
  domains: readonly DomainConfig[],
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
  for (const d of domains) {
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
