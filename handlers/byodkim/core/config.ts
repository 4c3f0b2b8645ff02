/** Reads and validates the functions' environment. Fails early with the variable name and allowed values. */
import { CONFIG_OBJECT_KEY } from '../../../contracts/artifacts.js';
import {
  BYODKIM_DOMAINS_OBJECT,
  BYODKIM_ENV,
  decodeByodkimDomainsObject,
  parseByodkimDeadlines,
  parseByodkimDomains,
} from '../../../contracts/functions/byodkim.js';
import { ConfigurationError } from './errors.js';
import type { DomainConfig } from './types.js';

/** Longest selector and domain of a DKIM record name (contracts/limits.ts, issue #17 defect 11). */
export {
  DKIM_DOMAIN_MAX_LENGTH as MAX_DKIM_DOMAIN_LENGTH,
  DKIM_SELECTOR_MAX_LENGTH as MAX_SELECTOR_LENGTH,
} from '../../../contracts/limits.js';

/** Timings of the rotation; defaults follow the seed (48 h DNS deadline, 72 h SES search, 7 days removal). */
export interface Timings {
  /** Hours the DNS team has to publish the new record. @default 48 */
  readonly dnsDeadlineHours: number;
  /** Reminders this many hours before the deadline. @default [24, 6] */
  readonly dnsRemindersBeforeDeadlineHours: readonly number[];
  /** Roll back when SES has not reached SUCCESS this long after the switch. @default 72 */
  readonly verificationTimeoutHours: number;
  /** The old selector stays published at least this long after the switch (mail in flight). @default 48 */
  readonly oldRecordGraceHours: number;
  /** Reminder to remove the old record this many days after the switch. @default 5 */
  readonly oldRecordReminderDays: number;
  /** Days after the switch by which the old record must be gone (alarm threshold). @default 7 */
  readonly oldRecordDeadlineDays: number;
  /** Advance notice before a scheduled rotation. @default 30 */
  readonly noticeDays: number;
  /** After a failed or aborted rotation, try again after this many days. @default 7 */
  readonly retryAfterFailureDays: number;
  /** Lock lease; longer than the Lambda timeout (max 15 min). @default 16 min */
  readonly lockLeaseMs: number;
  /** Re-send a failure notification for the same step at most this often. @default 24 */
  readonly failureRenotifyHours: number;
  /**
   * SES is eventually consistent: for this long after a switch, GetEmailIdentity may still report the
   * previous selector; that is waited out, not reported as a change by someone else. @default 1
   */
  readonly sesReadGraceHours: number;
  /** A transient error (throttle, timeout) is notified only from this many consecutive failures. @default 3 */
  readonly transientFailuresBeforeNotice: number;
}

export const DEFAULT_TIMINGS: Timings = {
  dnsDeadlineHours: 48,
  dnsRemindersBeforeDeadlineHours: [24, 6],
  verificationTimeoutHours: 72,
  oldRecordGraceHours: 48,
  oldRecordReminderDays: 5,
  oldRecordDeadlineDays: 7,
  noticeDays: 30,
  retryAfterFailureDays: 7,
  lockLeaseMs: 16 * 60_000,
  failureRenotifyHours: 24,
  sesReadGraceHours: 1,
  transientFailuresBeforeNotice: 3,
};

export interface Topics {
  readonly P1: string;
  readonly P2: string;
  readonly P3: string;
}

export interface ByodkimConfig {
  readonly projectCode: string;
  readonly environment: string;
  readonly domains: readonly DomainConfig[];
  readonly stateTable: string;
  readonly kmsKeyId: string;
  readonly metricsNamespace: string;
  readonly topics: Topics;
  /** Rotation deadlines (DEADLINES_JSON from the environment file's `byodkim:` section; defaults otherwise). */
  readonly timings: Timings;
  /** From address of the DNS team's mail (DNS_REQUEST_SENDER); unset: no mail, notices on the topics. */
  readonly dnsSender?: string;
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string, what: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigurationError(`environment variable ${name} is missing or empty: expected ${what}`);
  }
  return value;
}

const configurationError = (message: string, options?: { cause?: unknown }) =>
  new ConfigurationError(message, options);

/** Parses DOMAINS_JSON (the byodkim function contract): a JSON array of {domain, rotationIntervalDays?, hostedZoneId?}. */
export function parseDomains(raw: string, source?: string): DomainConfig[] {
  return parseByodkimDomains(raw, configurationError, source);
}

/** Reads the body of `s3://<bucket>/<key>` (handlers/byodkim/aws/s3.ts); throws naming bucket, key and cause. */
export type ReadConfigObject = (bucket: string, key: string) => Promise<string>;

/**
 * The configuration of a function that handles domains. Deployed, the domain list is the object
 * `DOMAINS_CONFIG_KEY` in `CONFIG_BUCKET` (read once per cold start, its SHA-256 checked against the key);
 * `DOMAINS_JSON` instead is the list itself (local runs, tests). Neither set is an error, never an empty list.
 */
export async function loadDomainConfig(env: Env, readObject: ReadConfigObject): Promise<ByodkimConfig> {
  const key = env[BYODKIM_ENV.domainsConfigKey]?.trim();
  if (!key) return loadConfig(env);
  if (!CONFIG_OBJECT_KEY.test(key)) {
    throw new ConfigurationError(
      `${BYODKIM_ENV.domainsConfigKey} is ${JSON.stringify(key)}; allowed: config/<env>/${BYODKIM_DOMAINS_OBJECT}/<sha256>.json`,
    );
  }
  const bucket = required(
    env,
    BYODKIM_ENV.configBucket,
    'the artifacts bucket holding the domain list object',
  );
  const where = `s3://${bucket}/${key}`;
  const body = await readObject(bucket, key);
  return loadConfig(env, decodeByodkimDomainsObject(key, body, configurationError, where));
}

/**
 * Reads the whole configuration; only what a function uses needs to be set, the rest is checked lazily. The
 * domain list is `domains` when given (read from its object by {@link loadDomainConfig}), else DOMAINS_JSON.
 */
export function loadConfig(env: Env = process.env, domains?: readonly DomainConfig[]): ByodkimConfig {
  return {
    ...loadSettings(env),
    domains:
      domains ??
      parseDomains(
        required(
          env,
          BYODKIM_ENV.domains,
          `a JSON list of domains (deployed functions read ${BYODKIM_ENV.domainsConfigKey} from ${BYODKIM_ENV.configBucket} instead)`,
        ),
      ),
  };
}

/** Everything but the domain list: what the notification manager, which handles no domain, needs. */
export function loadSettings(env: Env = process.env): Omit<ByodkimConfig, 'domains'> {
  const environment = required(env, 'ENVIRONMENT', 'production or development');
  const projectCode = env.PROJECT_CODE?.trim() || 'ses-migration';
  return {
    projectCode,
    environment,
    stateTable: env.STATE_TABLE ?? '',
    kmsKeyId: env.KMS_KEY_ID ?? '',
    metricsNamespace: env.METRICS_NAMESPACE?.trim() || `${projectCode}/${environment}/BYODKIM`,
    topics: { P1: env.TOPIC_P1_ARN ?? '', P2: env.TOPIC_P2_ARN ?? '', P3: env.TOPIC_P3_ARN ?? '' },
    timings: parseDeadlines(env[BYODKIM_ENV.deadlines]),
    ...(env[BYODKIM_ENV.dnsSender]?.trim() ? { dnsSender: env[BYODKIM_ENV.dnsSender]!.trim() } : {}),
  };
}

/** DEADLINES_JSON (the byodkim function contract) over DEFAULT_TIMINGS; unset: the defaults. */
export function parseDeadlines(raw: string | undefined): Timings {
  if (raw === undefined || raw.trim() === '') return DEFAULT_TIMINGS;
  return {
    ...DEFAULT_TIMINGS,
    ...parseByodkimDeadlines(raw, (message, options) => new ConfigurationError(message, options)),
  };
}

/** Checks that the variables a given function needs are set. */
export function requireSettings(config: ByodkimConfig, names: ReadonlyArray<keyof ByodkimConfig | 'topics'>) {
  const envName: Record<string, string> = {
    stateTable: 'STATE_TABLE',
    kmsKeyId: 'KMS_KEY_ID',
    metricsNamespace: 'METRICS_NAMESPACE',
  };
  for (const n of names) {
    if (n === 'topics') {
      for (const [sev, arn] of Object.entries(config.topics)) {
        if (!arn)
          throw new ConfigurationError(
            `environment variable TOPIC_${sev}_ARN is missing: expected an SNS topic ARN`,
          );
      }
      continue;
    }
    const v = config[n];
    if (typeof v === 'string' && v === '') {
      throw new ConfigurationError(`environment variable ${envName[n] ?? n} is missing or empty`);
    }
  }
}

/** Lambda function name of one of the five functions. */
export function functionName(
  config: Pick<ByodkimConfig, 'projectCode' | 'environment'>,
  fn: FunctionKey,
): string {
  return `${config.projectCode}-${config.environment}-${fn}`;
}

export const FUNCTION_KEYS = [
  'dkim-rotation-orchestrator',
  'dkim-key-generator',
  'ses-config-updater',
  'notification-manager',
  'validation-monitor',
] as const;
export type FunctionKey = (typeof FUNCTION_KEYS)[number];
