/**
 * CloudTrail adapter: management events of the security audit and the audit trail's health. IAM is global and
 * records its events in us-east-1, so the IAM and console-login lookups use a us-east-1 client.
 */
import {
  type CloudTrailClient,
  GetTrailCommand,
  GetTrailStatusCommand,
  type LookupAttribute,
  LookupEventsCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  type CloudTrailRecord,
  type PiiAccessRow,
  UNMASK_EVENT_NAMES,
  unmaskRow,
} from '../../pii-audit/core.js';
import type { AuditEvent, TrailStatus } from '../ports.js';

/** Event names that change who may do what: policies of roles, keys and buckets. */
const REGIONAL_EVENTS = [
  'PutKeyPolicy',
  'ScheduleKeyDeletion',
  'DisableKey',
  'PutBucketPolicy',
  'DeleteBucketPolicy',
];

async function lookup(
  ct: CloudTrailClient,
  attr: LookupAttribute,
  start: Date,
  end: Date,
): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  let token: string | undefined;
  do {
    const res = await ct.send(
      new LookupEventsCommand({ LookupAttributes: [attr], StartTime: start, EndTime: end, NextToken: token }),
    );
    for (const e of res.Events ?? []) {
      const detail = JSON.parse(e.CloudTrailEvent ?? '{}') as {
        readOnly?: boolean;
        awsRegion?: string;
        userIdentity?: { type?: string; arn?: string };
      };
      if (detail.readOnly === true) continue;
      out.push({
        at: new Date(e.EventTime ?? 0),
        name: e.EventName ?? '',
        source: e.EventSource ?? '',
        user: detail.userIdentity?.type === 'Root' ? 'root' : (e.Username ?? detail.userIdentity?.arn ?? '?'),
        resources: (e.Resources ?? []).map((r) => r.ResourceName ?? '').filter(Boolean),
        region: detail.awsRegion ?? '',
      });
    }
    token = res.NextToken;
  } while (token);
  return out;
}

export async function auditEvents(
  regional: CloudTrailClient,
  global: CloudTrailClient,
  start: Date,
  end: Date,
): Promise<AuditEvent[]> {
  const all = [
    ...(await lookup(
      global,
      { AttributeKey: 'EventSource', AttributeValue: 'iam.amazonaws.com' },
      start,
      end,
    )),
    ...(await lookup(global, { AttributeKey: 'EventName', AttributeValue: 'ConsoleLogin' }, start, end)),
  ];
  for (const name of REGIONAL_EVENTS) {
    all.push(...(await lookup(regional, { AttributeKey: 'EventName', AttributeValue: name }, start, end)));
  }
  return all.sort((a, b) => a.at.getTime() - b.at.getTime());
}

export async function trailStatus(ct: CloudTrailClient, name: string): Promise<TrailStatus> {
  const [trail, status] = await Promise.all([
    ct.send(new GetTrailCommand({ Name: name })),
    ct.send(new GetTrailStatusCommand({ Name: name })),
  ]);
  return {
    name,
    logging: status.IsLogging === true,
    logFileValidation: trail.Trail?.LogFileValidationEnabled === true,
    ...(status.LatestDeliveryError ? { latestDeliveryError: status.LatestDeliveryError } : {}),
  };
}

/**
 * Unmasked CloudWatch Logs reads of the period from CloudTrail Event history (read-only management events of
 * logs.amazonaws.com), decided by the PII audit (lib/pii-audit/core.ts): who, when, which call, which group.
 */
export async function piiUnmaskReads(ct: CloudTrailClient, start: Date, end: Date): Promise<PiiAccessRow[]> {
  const rows: PiiAccessRow[] = [];
  for (const name of UNMASK_EVENT_NAMES) {
    let token: string | undefined;
    do {
      const res = await ct.send(
        new LookupEventsCommand({
          LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: name }],
          StartTime: start,
          EndTime: end,
          NextToken: token,
        }),
      );
      for (const e of res.Events ?? []) {
        const row = unmaskRow(JSON.parse(e.CloudTrailEvent ?? '{}') as CloudTrailRecord);
        if (row) rows.push(row);
      }
      token = res.NextToken;
    } while (token);
  }
  return rows.sort((a, b) => b.time.localeCompare(a.time));
}
