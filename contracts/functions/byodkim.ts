/**
 * Environment contract of the five BYODKIM functions (handlers/byodkim): written by the byodkim stack. The
 * domain list carries each domain's rotation interval (bounds from contracts/limits.ts, the same the
 * environment file is checked against) and, in Route 53 mode, its hosted zone.
 *
 * The domain list grows with the domains, so it is not in the environment (4 KB per function, about 60
 * domains): `npm run generate` writes it as a content-addressed configuration object
 * (`config/<env>/byodkim-domains/<sha256>.json`, {@link byodkimDomainsObject}), the deploy gate uploads it to
 * the artifacts bucket, and the environment carries only its bucket and key. The functions read it once per
 * cold start and decode it with the codec below ({@link decodeByodkimDomainsObject}); `DOMAINS_JSON` with the
 * same body is still accepted for local runs and tests.
 */
import { configObjectKey, configObjectSha256, sha256Hex, verifyConfigObject } from '../artifacts.js';
import {
  BYODKIM_DEADLINE_DEFAULTS,
  DKIM_DOMAIN_MAX_LENGTH,
  ROTATION_INTERVAL_DAYS,
  ROTATION_SPREAD_DAYS,
} from '../limits.js';
import type { Severity } from '../severity.js';
import { type ConfigErrorFactory, DOMAIN_NAME, type TemplateValue } from './env.js';

export interface ByodkimDomain {
  readonly domain: string;
  /** @default 365 */
  readonly rotationIntervalDays: number;
  /** Route 53 mode when set: the functions publish and remove TXT records themselves. */
  readonly hostedZoneId?: string;
  /**
   * Spread window in days (environment file `byodkim.rotationSpreadDays`): the scheduled rotation falls on this
   * domain's day of the window that ends on the date the interval gives. Absent or 0: the interval's date.
   */
  readonly rotationSpreadDays?: number;
  /** The DNS team's addresses for this domain (`ses.domains[].dnsTeam`): DNS requests are mailed to them. */
  readonly dnsTeam?: readonly string[];
}

/** An e-mail address as the environment file accepts it (local part, @, a domain name). */
export const EMAIL_ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** Recipients of one DNS request mail (SES SendEmail allows 50 per message). */
export const DNS_TEAM_MAX = 50;

/** Variable names (the handler reads some lazily: only the functions that need them check them). */
export const BYODKIM_ENV = {
  /** The domain list itself (local runs and tests; the stack writes the two below instead). */
  domains: 'DOMAINS_JSON',
  /** Artifacts bucket holding the domain list object. */
  configBucket: 'CONFIG_BUCKET',
  /** Key of the domain list object: `config/<env>/byodkim-domains/<sha256>.json`. */
  domainsConfigKey: 'DOMAINS_CONFIG_KEY',
  stateTable: 'STATE_TABLE',
  kmsKeyId: 'KMS_KEY_ID',
  metricsNamespace: 'METRICS_NAMESPACE',
  topic: (s: Severity) => `TOPIC_${s}_ARN`,
  /** The rotation deadlines of the environment file's `byodkim:` section (seed 6.2.0). */
  deadlines: 'DEADLINES_JSON',
  /** From address of the DNS request mail to a domain's dnsTeam (`byodkim.dnsRequestSender`); optional. */
  dnsSender: 'DNS_REQUEST_SENDER',
} as const;

/** The deadlines as configured (environments/<env>.yaml `byodkim:`; defaults in contracts/limits.ts). */
export type ByodkimDeadlines = { readonly [K in keyof typeof BYODKIM_DEADLINE_DEFAULTS]: number };

/** Name of the domain list object (the `<name>` of `config/<env>/<name>/<sha256>.json`). */
export const BYODKIM_DOMAINS_OBJECT = 'byodkim-domains';

/**
 * The bytes of the domain list: a JSON array, one entry per domain in the given order, each entry's keys sorted
 * and unset ones left out, one entry per line. Same domains, same bytes (the key is their SHA-256). Every field
 * of an entry travels unchanged, so a field added to {@link ByodkimDomain} needs no change here.
 */
export function encodeByodkimDomains(domains: readonly ByodkimDomain[]): string {
  const entries = domains.map((d) =>
    JSON.stringify(
      Object.fromEntries(
        Object.entries(d)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ),
    ),
  );
  return entries.length ? `[\n${entries.join(',\n')}\n]\n` : '[]\n';
}

/** The domain list object of a Sceptre environment: its key in the artifacts bucket and its body. */
export function byodkimDomainsObject(
  sceptreEnv: string,
  domains: readonly ByodkimDomain[],
): { readonly key: string; readonly body: string } {
  const body = encodeByodkimDomains(domains);
  return { key: configObjectKey(sceptreEnv, BYODKIM_DOMAINS_OBJECT, sha256Hex(body)), body };
}

/**
 * Decodes a domain list object read from `s3://<bucket>/<key>` (`where`): the body must hash to the SHA-256 the
 * key names (a changed or truncated object is refused, not half-used), then the same checks as DOMAINS_JSON.
 */
export function decodeByodkimDomainsObject(
  key: string,
  body: string,
  fail: ConfigErrorFactory,
  where = key,
): ByodkimDomain[] {
  const expected = configObjectSha256(key);
  if (!expected) {
    throw fail(
      `${BYODKIM_ENV.domainsConfigKey} is ${JSON.stringify(key)}; allowed: config/<env>/${BYODKIM_DOMAINS_OBJECT}/<sha256>.json`,
    );
  }
  verifyConfigObject(key, body, fail, where, 'byodkim');
  return parseByodkimDomains(body, fail, where);
}

/**
 * The functions' environment. `domainsObject` is the domain list object (bucket and key); a function that handles
 * no domain (the notification manager) gets none.
 */
export function writeByodkimEnv(v: {
  domainsObject?: { readonly bucket: TemplateValue; readonly key: string };
  stateTable: TemplateValue;
  kmsKeyId: TemplateValue;
  metricsNamespace: string;
  topics: Readonly<Record<Severity, TemplateValue>>;
  deadlines: ByodkimDeadlines;
  dnsSender?: string;
}): Record<string, TemplateValue> {
  // Only the deadlines: the `byodkim:` section also holds other settings (spread, sender), passed on their own.
  const deadlines = Object.fromEntries(
    Object.keys(BYODKIM_DEADLINE_DEFAULTS).map((k) => [k, v.deadlines[k as keyof ByodkimDeadlines]]),
  );
  return {
    ...(v.domainsObject
      ? {
          [BYODKIM_ENV.configBucket]: v.domainsObject.bucket,
          [BYODKIM_ENV.domainsConfigKey]: v.domainsObject.key,
        }
      : {}),
    [BYODKIM_ENV.stateTable]: v.stateTable,
    [BYODKIM_ENV.kmsKeyId]: v.kmsKeyId,
    [BYODKIM_ENV.metricsNamespace]: v.metricsNamespace,
    [BYODKIM_ENV.topic('P1')]: v.topics.P1,
    [BYODKIM_ENV.topic('P2')]: v.topics.P2,
    [BYODKIM_ENV.topic('P3')]: v.topics.P3,
    [BYODKIM_ENV.deadlines]: JSON.stringify(deadlines),
    ...(v.dnsSender ? { [BYODKIM_ENV.dnsSender]: v.dnsSender } : {}),
  };
}

const HOSTED_ZONE = /^Z[A-Z0-9]{1,31}$/;
const EXAMPLE = `[{"domain":"goo.ne.jp","rotationIntervalDays":365,"hostedZoneId":"Z...","rotationSpreadDays":30,"dnsTeam":["dns@goo.ne.jp"]}] with rotationIntervalDays ${ROTATION_INTERVAL_DAYS.min}-${ROTATION_INTERVAL_DAYS.max}`;

/**
 * Parses a domain list (DOMAINS_JSON, or the body of the domain list object: `source` names it in errors): a JSON
 * array of {domain, rotationIntervalDays?, hostedZoneId?} or bare domain names.
 */
export function parseByodkimDomains(
  raw: string,
  fail: ConfigErrorFactory,
  source: string = BYODKIM_ENV.domains,
): ByodkimDomain[] {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw fail(`${source} is not valid JSON: expected [{"domain":"goo.ne.jp"}, ...]`, { cause });
  }
  const invalid = (where: string, what: string) =>
    fail(`${source} is invalid (${where}: ${what}); expected ${EXAMPLE}`);
  if (!Array.isArray(json)) throw invalid('(root)', 'not a list');
  const out = json.map((item: unknown, i): ByodkimDomain => {
    const d = (typeof item === 'string' ? { domain: item } : item) as Record<string, unknown> | null;
    if (typeof d !== 'object' || d === null) throw invalid(String(i), 'not an object');
    const unknownKey = Object.keys(d).find(
      (k) => !['domain', 'rotationIntervalDays', 'hostedZoneId', 'rotationSpreadDays', 'dnsTeam'].includes(k),
    );
    if (unknownKey) throw invalid(`${i}.${unknownKey}`, 'unknown key');
    if (
      typeof d.domain !== 'string' ||
      !DOMAIN_NAME.test(d.domain) ||
      d.domain.length > DKIM_DOMAIN_MAX_LENGTH
    ) {
      throw invalid(
        `${i}.domain`,
        `lower-case DNS domain name of at most ${DKIM_DOMAIN_MAX_LENGTH} characters (the DKIM record name <selector>._domainkey.<domain> must fit DNS's 253)`,
      );
    }
    const days = d.rotationIntervalDays ?? ROTATION_INTERVAL_DAYS.default;
    if (
      typeof days !== 'number' ||
      !Number.isInteger(days) ||
      days < ROTATION_INTERVAL_DAYS.min ||
      days > ROTATION_INTERVAL_DAYS.max
    ) {
      throw invalid(
        `${i}.rotationIntervalDays`,
        `whole days from ${ROTATION_INTERVAL_DAYS.min} to ${ROTATION_INTERVAL_DAYS.max}`,
      );
    }
    if (
      d.hostedZoneId !== undefined &&
      (typeof d.hostedZoneId !== 'string' || !HOSTED_ZONE.test(d.hostedZoneId))
    ) {
      throw invalid(`${i}.hostedZoneId`, 'Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ');
    }
    const spread = d.rotationSpreadDays ?? 0;
    if (
      typeof spread !== 'number' ||
      !Number.isInteger(spread) ||
      spread < ROTATION_SPREAD_DAYS.min ||
      spread > ROTATION_SPREAD_DAYS.max
    ) {
      throw invalid(
        `${i}.rotationSpreadDays`,
        `whole days from ${ROTATION_SPREAD_DAYS.min} to ${ROTATION_SPREAD_DAYS.max}`,
      );
    }
    const team = d.dnsTeam;
    if (
      team !== undefined &&
      (!Array.isArray(team) ||
        team.length === 0 ||
        team.length > DNS_TEAM_MAX ||
        !team.every((a) => typeof a === 'string' && EMAIL_ADDRESS.test(a)))
    ) {
      throw invalid(`${i}.dnsTeam`, `a list of 1-${DNS_TEAM_MAX} e-mail addresses`);
    }
    return {
      domain: d.domain,
      rotationIntervalDays: days,
      ...(typeof d.hostedZoneId === 'string' ? { hostedZoneId: d.hostedZoneId } : {}),
      ...(spread > 0 ? { rotationSpreadDays: spread } : {}),
      ...(Array.isArray(team) ? { dnsTeam: team as string[] } : {}),
    };
  });
  if (new Set(out.map((d) => d.domain)).size !== out.length)
    throw invalid('(root)', 'domains must be unique');
  return out;
}

/**
 * Parses DEADLINES_JSON: the keys of BYODKIM_DEADLINE_DEFAULTS, each a positive number. `pendingAlarmHours`
 * is the alarm's (the generator's) business and is dropped; any other key is an error naming it.
 */
export function parseByodkimDeadlines(
  raw: string,
  fail: ConfigErrorFactory,
): Partial<Omit<ByodkimDeadlines, 'pendingAlarmHours'>> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    throw fail('DEADLINES_JSON is not valid JSON: expected {"dnsDeadlineHours":48,...}', { cause });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw fail('DEADLINES_JSON must be a JSON object such as {"dnsDeadlineHours":48}');
  }
  const known = Object.keys(BYODKIM_DEADLINE_DEFAULTS);
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(json)) {
    if (!known.includes(k)) throw fail(`DEADLINES_JSON: unknown key '${k}'; allowed: ${known.join(', ')}`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw fail(`DEADLINES_JSON: ${k} = ${JSON.stringify(v)} must be a positive number`);
    }
    if (k !== 'pendingAlarmHours') out[k] = v;
  }
  return out;
}
