/**
 * Who saw unmasked PII, from CloudTrail records (pure; the readers live in scripts/status/pii-access.ts).
 *
 * Unmasked reads of CloudWatch Logs are management (read) events of logs.amazonaws.com (shared/notes/aws-facts.md):
 * GetLogEvents, FilterLogEvents and GetLogRecord with the request parameter `unmask: true`, and Logs Insights
 * queries (StartQuery) whose query string calls `unmask(`. Reads of the raw archive are S3 data events
 * (GetObject under raw/ or errors/ of the archive bucket). The answer names who, when, what and how, never the
 * data: query strings and filter patterns are printed with addresses masked.
 */

export interface CloudTrailRecord {
  readonly eventTime?: string;
  readonly eventName?: string;
  readonly eventSource?: string;
  readonly awsRegion?: string;
  readonly sourceIPAddress?: string;
  readonly userIdentity?: {
    readonly type?: string;
    readonly arn?: string;
    readonly principalId?: string;
    readonly sessionContext?: { readonly sessionIssuer?: { readonly arn?: string } };
  };
  // biome-ignore lint/suspicious/noExplicitAny: request parameters differ per API.
  readonly requestParameters?: Record<string, any> | null;
  readonly errorCode?: string;
}

export interface PiiAccessRow {
  readonly time: string;
  /** The caller: role session (assumed-role ARN) or user ARN. */
  readonly who: string;
  /** The API call and how PII was revealed. */
  readonly how: string;
  /** The log group(s) or archive object. */
  readonly what: string;
  /** Masked query string or filter pattern, when there is one. */
  readonly detail?: string;
  /** Set when AWS refused the call (no PII was returned). */
  readonly denied?: string;
}

/** The CloudWatch Logs calls that can return unmasked events. */
export const UNMASK_EVENT_NAMES = ['GetLogEvents', 'FilterLogEvents', 'GetLogRecord', 'StartQuery'] as const;

const EMAIL = /[^\s"'@<>(),;:]+@[^\s"'@<>(),;:]+\.[A-Za-z]{2,}/g;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
/** Also clock times such as 12:34:56: masking too much is the safe side. */
const IPV6 = /(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])/g;

/** Masks e-mail and IP addresses in free text (a query string can carry the address someone looked for). */
export function maskPii(text: string): string {
  return text.replace(EMAIL, '[email]').replace(IPV6, '[ip]').replace(IPV4, '[ip]');
}

const truthy = (v: unknown) => v === true || v === 'true';

function groupsOf(p: Record<string, unknown>): string {
  const names = [
    p.logGroupName,
    p.logGroupIdentifier,
    ...[p.logGroupNames ?? []].flat(),
    ...[p.logGroupIdentifiers ?? []].flat(),
  ].filter((x): x is string => typeof x === 'string' && x.length > 0);
  return names.length ? [...new Set(names)].join(', ') : '(not in the request)';
}

function who(r: CloudTrailRecord): string {
  return (
    r.userIdentity?.arn ?? r.userIdentity?.sessionContext?.sessionIssuer?.arn ?? r.userIdentity?.type ?? '?'
  );
}

/** The unmasked-read row of a CloudWatch Logs record, or undefined when the call revealed nothing. */
export function unmaskRow(r: CloudTrailRecord): PiiAccessRow | undefined {
  if (r.eventSource !== 'logs.amazonaws.com') return undefined;
  const p = r.requestParameters ?? {};
  const base = {
    time: r.eventTime ?? '?',
    who: who(r),
    ...(r.errorCode ? { denied: r.errorCode } : {}),
  };
  switch (r.eventName) {
    case 'GetLogEvents':
    case 'FilterLogEvents':
    case 'GetLogRecord': {
      if (!truthy(p.unmask)) return undefined;
      const pattern =
        typeof p.filterPattern === 'string' && p.filterPattern ? maskPii(p.filterPattern) : undefined;
      return {
        ...base,
        how: `${r.eventName} unmask=true`,
        what: r.eventName === 'GetLogRecord' ? '(Logs Insights record pointer)' : groupsOf(p),
        ...(pattern ? { detail: `filter ${pattern}` } : {}),
      };
    }
    case 'StartQuery': {
      const q = typeof p.queryString === 'string' ? p.queryString : '';
      if (!/\bunmask\s*\(/i.test(q)) return undefined;
      return {
        ...base,
        how: 'StartQuery with unmask()',
        what: groupsOf(p),
        detail: maskPii(q).replace(/\s+/g, ' ').slice(0, 200),
      };
    }
    default:
      return undefined;
  }
}

/** The raw-archive read row of an S3 data event, or undefined. */
export function archiveReadRow(
  r: CloudTrailRecord,
  archiveBucket: string,
  prefixes: readonly string[],
): PiiAccessRow | undefined {
  if (
    r.eventSource !== 's3.amazonaws.com' ||
    !/^(GetObject|GetObjectVersion|GetObjectAttributes|RestoreObject)$/.test(r.eventName ?? '')
  ) {
    return undefined;
  }
  const p = r.requestParameters ?? {};
  const key = typeof p.key === 'string' ? p.key : '';
  if (p.bucketName !== archiveBucket || !prefixes.some((x) => key.startsWith(x))) return undefined;
  return {
    time: r.eventTime ?? '?',
    who: who(r),
    how: `S3 ${r.eventName}`,
    what: `s3://${archiveBucket}/${key}`,
    ...(r.errorCode ? { denied: r.errorCode } : {}),
  };
}

/** Rows newest first, one line each. */
export function renderRows(rows: readonly PiiAccessRow[]): string[] {
  return [...rows]
    .sort((a, b) => b.time.localeCompare(a.time))
    .map(
      (r) =>
        `${r.time}  ${r.who}  ${r.how}  ${r.what}${r.detail ? `  ${r.detail}` : ''}${r.denied ? `  (refused: ${r.denied})` : ''}`,
    );
}
