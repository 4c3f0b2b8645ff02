/**
 * What every section of `npm run status` shares: the clients, the context, the section type, and `guarded`, which
 * turns a section's failure into an `unavailable` section with the reason in words (a section never throws).
 */
import { describeError, errorName, isAccessDenied } from '../../../lib/errors.js';

export interface Sender {
  // biome-ignore lint/suspicious/noExplicitAny: SDK commands of several shapes.
  send(command: any): Promise<any>;
}

export interface StatusClients {
  readonly cloudwatch: Sender;
  readonly sesv2: Sender;
  readonly cloudformation: Sender;
  readonly kms: Sender;
  readonly logs: Sender;
  readonly scheduler: Sender;
  readonly dynamodb: Sender;
  /** Only for --pii-access-days (CloudTrail Event history, trail files). */
  readonly cloudtrail?: Sender;
  readonly s3?: Sender;
}

export interface StatusContext {
  /** Sceptre environment (`prod`). */
  readonly env: string;
  /** Name in resource names (`production`). */
  readonly environment: string;
  readonly projectCode: string;
  readonly region: string;
  readonly domains: readonly string[];
  /** Where the domains came from, for the "nothing to show" message. */
  readonly domainsSource: string;
  readonly unmask: boolean;
  readonly sinceMinutes: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Longest wait for the Logs Insights query. @default 30000 */
  readonly queryTimeoutMs?: number;
}

export type SectionState = 'ok' | 'attention' | 'unavailable';

export interface Section {
  readonly title: string;
  readonly state: SectionState;
  readonly lines: readonly string[];
}

/** Why a read failed, in words for the operator. */
export function unreadable(error: unknown, what: string): string {
  const text = describeError(error).split('\n')[0]?.slice(0, 200) ?? '';
  if (isAccessDenied(error)) return `no permission to read ${what} (${text})`;
  const name = errorName(error);
  if (/NotImplemented|InternalFailure|InternalError/i.test(name) || /not (yet )?implemented/i.test(text)) {
    return `${what} is not available from this endpoint (${text})`;
  }
  if (name === 'SyntaxError' || /Deserialization error/i.test(describeError(error))) {
    return `${what} is not available from this endpoint (its answer was not an AWS API response)`;
  }
  return `could not read ${what}: ${text}`;
}

/** Runs a section's body; a failure becomes an `unavailable` section saying what could not be read and why. */
export async function guarded(title: string, what: string, body: () => Promise<Section>): Promise<Section> {
  try {
    return await body();
  } catch (error) {
    return { title, state: 'unavailable', lines: [unreadable(error, what)] };
  }
}
