/**
 * `npm run status -- <env> --pii-access-days N`: who unmasked PII, and who read the raw archive, in the last N
 * days (lib/pii-audit/core.ts decides what counts; the data itself is never printed).
 *
 * - Unmasked CloudWatch Logs reads: CloudTrail Event history (LookupEvents, management events of
 *   logs.amazonaws.com), free, kept 90 days by AWS and not changeable by anyone in the account.
 * - Raw-archive reads: S3 data events in the trail's log files (the project's audit-trail bucket, or the existing
 *   trail named by security.existingTrail), read with s3:ListBucket/s3:GetObject (the read-only role may).
 */
import { gunzipSync } from 'node:zlib';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { listKeys } from '../../lib/aws/s3-keys.js';
import {
  archiveReadRow,
  type CloudTrailRecord,
  type PiiAccessRow,
  renderRows,
  UNMASK_EVENT_NAMES,
  unmaskRow,
} from '../../lib/pii-audit/core.js';
import type { Section, Sender } from './sections.js';

export interface PiiAccessQuery {
  readonly days: number;
  readonly now: number;
  readonly region: string;
  readonly sleep: (ms: number) => Promise<void>;
  /** Where the trail's files are: bucket and the prefix before AWSLogs/ ('' for none). */
  readonly trail?: { readonly bucket: string; readonly prefix: string; readonly account: string };
  readonly archiveBucket?: string;
}

export interface PiiAccessClients {
  readonly cloudtrail: Sender;
  readonly s3: Sender;
}

/** LookupEvents allows 2 requests per second per account and region. */
const LOOKUP_INTERVAL_MS = 500;
/** At most this many Event-history pages (50 events each) per run. */
const MAX_PAGES = 400;
const RAW_PREFIXES = ['raw/', 'errors/'];
const DAY = 86_400_000;

async function unmaskedReads(
  q: PiiAccessQuery,
  cloudtrail: Sender,
): Promise<{ rows: PiiAccessRow[]; capped: boolean }> {
  const rows: PiiAccessRow[] = [];
  const start = new Date(q.now - q.days * DAY);
  const end = new Date(q.now);
  let token: string | undefined;
  let pages = 0;
  do {
    if (pages) await q.sleep(LOOKUP_INTERVAL_MS);
    const out = await cloudtrail.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'logs.amazonaws.com' }],
        StartTime: start,
        EndTime: end,
        MaxResults: 50,
        ...(token ? { NextToken: token } : {}),
      }),
    );
    pages++;
    for (const e of out.Events ?? []) {
      if (!(UNMASK_EVENT_NAMES as readonly string[]).includes(e.EventName ?? '')) continue;
      let record: CloudTrailRecord;
      try {
        record = JSON.parse(e.CloudTrailEvent ?? '{}');
      } catch {
        continue;
      }
      const row = unmaskRow(record);
      if (row) rows.push(row);
    }
    token = out.NextToken;
  } while (token && pages < MAX_PAGES);
  return { rows, capped: Boolean(token) };
}

function dayPrefixes(q: PiiAccessQuery & { trail: NonNullable<PiiAccessQuery['trail']> }): string[] {
  const out: string[] = [];
  for (let d = 0; d <= q.days; d++) {
    const t = new Date(q.now - d * DAY);
    const ymd = `${t.getUTCFullYear()}/${String(t.getUTCMonth() + 1).padStart(2, '0')}/${String(t.getUTCDate()).padStart(2, '0')}`;
    const base = q.trail.prefix ? `${q.trail.prefix.replace(/\/$/, '')}/` : '';
    out.push(`${base}AWSLogs/${q.trail.account}/CloudTrail/${q.region}/${ymd}/`);
  }
  return out;
}

async function archiveReads(q: PiiAccessQuery, s3: Sender): Promise<PiiAccessRow[]> {
  if (!q.trail || !q.archiveBucket) return [];
  const rows: PiiAccessRow[] = [];
  const since = new Date(q.now - q.days * DAY).toISOString();
  for (const prefix of dayPrefixes({ ...q, trail: q.trail })) {
    for (const key of await listKeys(s3, q.trail.bucket, prefix)) {
      const obj = await s3.send(new GetObjectCommand({ Bucket: q.trail.bucket, Key: key }));
      const bytes = await obj.Body.transformToByteArray();
      const text = key.endsWith('.gz')
        ? gunzipSync(Buffer.from(bytes)).toString('utf8')
        : Buffer.from(bytes).toString('utf8');
      const records: CloudTrailRecord[] = JSON.parse(text).Records ?? [];
      for (const r of records) {
        if ((r.eventTime ?? '') < since) continue;
        const row = archiveReadRow(r, q.archiveBucket, RAW_PREFIXES) ?? unmaskRow(r);
        if (row) rows.push(row);
      }
    }
  }
  return rows;
}

export async function piiAccessSection(q: PiiAccessQuery, clients: PiiAccessClients): Promise<Section> {
  const title = `Who saw unmasked PII (last ${q.days} days)`;
  const lines: string[] = [];
  let unreadable = 0;
  let rows: PiiAccessRow[] = [];
  try {
    const logs = await unmaskedReads(q, clients.cloudtrail);
    rows = logs.rows;
    lines.push(`CloudWatch Logs unmasking (CloudTrail Event history): ${logs.rows.length}`);
    if (logs.capped) lines.push(`  stopped after ${MAX_PAGES * 50} logs events: narrow --pii-access-days`);
  } catch (error) {
    unreadable++;
    lines.push(`CloudWatch Logs unmasking: not read (${(error as Error).name}: ${(error as Error).message})`);
  }
  if (q.trail && q.archiveBucket) {
    try {
      const archive = await archiveReads(q, clients.s3);
      // A trail that also carries management events repeats unmask calls already found: keep one of each.
      const seen = new Set(rows.map((r) => `${r.time}|${r.who}|${r.how}`));
      const fresh = archive.filter((r) => !seen.has(`${r.time}|${r.who}|${r.how}`));
      rows = [...rows, ...fresh];
      lines.push(
        `Raw archive reads (trail s3://${q.trail.bucket}): ${archive.filter((r) => r.how.startsWith('S3')).length}`,
      );
    } catch (error) {
      unreadable++;
      lines.push(`Raw archive reads: not read (${(error as Error).name}: ${(error as Error).message})`);
    }
  } else {
    lines.push(
      'Raw archive reads: no trail configured (security.auditArchiveReads is off and no security.existingTrail)',
    );
  }
  // "nobody" only when every source was read: an unread source is no evidence that nobody looked.
  const none = unreadable ? 'none found in what could be read (incomplete: see above)' : 'nobody';
  lines.push(...(rows.length ? renderRows(rows) : [none]));
  // A source that could not be read makes the answer incomplete: say so (status exits 3).
  return { title, state: unreadable ? 'unavailable' : 'ok', lines };
}
