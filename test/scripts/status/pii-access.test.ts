/** `npm run status -- <env> --pii-access-days N`: Event history for unmasking, trail files for raw-archive reads. */
import { gzipSync } from 'node:zlib';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { piiAccessSection } from '../../../scripts/status/pii-access.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const ADMIN = 'arn:aws:sts::111122223333:assumed-role/ses-migration-production-admin/alice';
const ARCHIVE = 'ses-migration-production-ses-archive-111122223333';
const TRAIL = 'ses-migration-production-audit-trail-111122223333';

const event = (eventName: string, requestParameters: object, eventTime = '2026-12-01T09:00:00Z') => ({
  EventName: eventName,
  CloudTrailEvent: JSON.stringify({
    eventTime,
    eventSource: 'logs.amazonaws.com',
    eventName,
    userIdentity: { type: 'AssumedRole', arn: ADMIN },
    requestParameters,
  }),
});

function cloudtrail(pages: object[][]) {
  const calls: LookupEventsCommand[] = [];
  return {
    calls,
    send: async (c: unknown) => {
      if (!(c instanceof LookupEventsCommand)) throw new Error('unexpected command');
      calls.push(c);
      const i = calls.length - 1;
      return { Events: pages[i], ...(i + 1 < pages.length ? { NextToken: `t${i + 1}` } : {}) };
    },
  };
}

function s3(files: Record<string, object[]>) {
  const listed: string[] = [];
  return {
    listed,
    send: async (c: unknown) => {
      if (c instanceof ListObjectsV2Command) {
        listed.push(c.input.Prefix ?? '');
        const keys = Object.keys(files).filter((k) => k.startsWith(c.input.Prefix ?? ''));
        return { Contents: keys.map((Key) => ({ Key })), IsTruncated: false };
      }
      if (c instanceof GetObjectCommand) {
        const body = gzipSync(JSON.stringify({ Records: files[c.input.Key ?? ''] }));
        return { Body: { transformToByteArray: async () => new Uint8Array(body) } };
      }
      throw new Error('unexpected command');
    },
  };
}

const query = { days: 2, now: NOW, region: 'ap-northeast-1', sleep: async () => {} };

describe('piiAccessSection', () => {
  it('lists unmasked reads from Event history across pages, masking query strings, and nobody else', async () => {
    const ct = cloudtrail([
      [
        event('FilterLogEvents', {
          logGroupName: '/aws/ses/events',
          unmask: true,
          filterPattern: 'taro@example.jp',
        }),
        event('GetLogEvents', { logGroupName: '/aws/ses/events' }),
        event('DescribeLogGroups', {}),
      ],
      [
        event(
          'StartQuery',
          {
            logGroupNames: ['/aws/ses/events'],
            queryString: 'fields unmask(@message) | filter ip = "203.0.113.9"',
          },
          '2026-12-01T10:00:00Z',
        ),
      ],
    ]);
    const section = await piiAccessSection(query, { cloudtrail: ct, s3: s3({}) });
    expect(ct.calls).toHaveLength(2);
    expect(ct.calls[0]?.input.LookupAttributes).toEqual([
      { AttributeKey: 'EventSource', AttributeValue: 'logs.amazonaws.com' },
    ]);
    expect(ct.calls[0]?.input.StartTime).toEqual(new Date(NOW - 2 * 86_400_000));
    expect(ct.calls[1]?.input.NextToken).toBe('t1');
    const text = section.lines.join('\n');
    expect(text).toContain('CloudWatch Logs unmasking (CloudTrail Event history): 2');
    // Newest first.
    expect(section.lines.filter((l) => l.startsWith('2026-'))).toEqual([
      `2026-12-01T10:00:00Z  ${ADMIN}  StartQuery with unmask()  /aws/ses/events  fields unmask(@message) | filter ip = "[ip]"`,
      `2026-12-01T09:00:00Z  ${ADMIN}  FilterLogEvents unmask=true  /aws/ses/events  filter [email]`,
    ]);
    expect(text).not.toMatch(/taro@|203\.0\.113/);
    expect(text).toContain('Raw archive reads: no trail configured');
  });

  it('reads raw-archive GetObject data events from the trail files of each day', async () => {
    const prefix = 'AWSLogs/111122223333/CloudTrail/ap-northeast-1/2026/12/01/';
    const files = s3({
      [`${prefix}a.json.gz`]: [
        {
          eventTime: '2026-12-01T08:00:00Z',
          eventSource: 's3.amazonaws.com',
          eventName: 'GetObject',
          userIdentity: { arn: ADMIN },
          requestParameters: { bucketName: ARCHIVE, key: 'raw/2026/12/01/07/x.gz' },
        },
        {
          eventTime: '2026-12-01T08:01:00Z',
          eventSource: 's3.amazonaws.com',
          eventName: 'GetObject',
          userIdentity: { arn: ADMIN },
          requestParameters: { bucketName: ARCHIVE, key: 'masked/2026/12/01/07/x.gz' },
        },
      ],
    });
    const section = await piiAccessSection(
      { ...query, trail: { bucket: TRAIL, prefix: '', account: '111122223333' }, archiveBucket: ARCHIVE },
      { cloudtrail: cloudtrail([[]]), s3: files },
    );
    expect(files.listed).toEqual([
      prefix,
      'AWSLogs/111122223333/CloudTrail/ap-northeast-1/2026/11/30/',
      'AWSLogs/111122223333/CloudTrail/ap-northeast-1/2026/11/29/',
    ]);
    expect(section.lines).toContain(`Raw archive reads (trail s3://${TRAIL}): 1`);
    expect(section.lines).toContain(
      `2026-12-01T08:00:00Z  ${ADMIN}  S3 GetObject  s3://${ARCHIVE}/raw/2026/12/01/07/x.gz`,
    );
    expect(section.state).toBe('ok');
  });

  it('says what it could not read instead of failing', async () => {
    const failing = {
      send: async () => Promise.reject(Object.assign(new Error('no'), { name: 'AccessDeniedException' })),
    };
    const section = await piiAccessSection(query, { cloudtrail: failing, s3: failing });
    expect(section.lines[0]).toBe('CloudWatch Logs unmasking: not read (AccessDeniedException: no)');
    expect(section.state).toBe('unavailable');
    // An unread source is no evidence that nobody looked.
    expect(section.lines).not.toContain('nobody');
    expect(section.lines.at(-1)).toBe('none found in what could be read (incomplete: see above)');
  });
});
