/** Which CloudTrail records mean "someone saw unmasked PII", and that the answer never prints the data. */
import { describe, expect, it } from 'vitest';
import {
  archiveReadRow,
  type CloudTrailRecord,
  maskPii,
  renderRows,
  unmaskRow,
} from '../../lib/pii-audit/core.js';

const admin = {
  type: 'AssumedRole',
  arn: 'arn:aws:sts::111122223333:assumed-role/ses-migration-production-admin/alice',
};
const logs = (eventName: string, requestParameters: Record<string, unknown>): CloudTrailRecord => ({
  eventTime: '2026-12-01T01:02:03Z',
  eventSource: 'logs.amazonaws.com',
  eventName,
  userIdentity: admin,
  requestParameters,
});

describe('unmaskRow', () => {
  it.each(['GetLogEvents', 'FilterLogEvents'])(
    '%s with unmask=true is a PII read of its log group',
    (name) => {
      const row = unmaskRow(logs(name, { logGroupName: '/aws/ses/events', unmask: true }));
      expect(row).toEqual({
        time: '2026-12-01T01:02:03Z',
        who: admin.arn,
        how: `${name} unmask=true`,
        what: '/aws/ses/events',
      });
    },
  );

  it('GetLogRecord with unmask=true counts; without unmask nothing counts', () => {
    expect(unmaskRow(logs('GetLogRecord', { logRecordPointer: 'CmsK', unmask: true }))?.how).toBe(
      'GetLogRecord unmask=true',
    );
    for (const name of ['GetLogEvents', 'FilterLogEvents', 'GetLogRecord']) {
      expect(unmaskRow(logs(name, { logGroupName: '/aws/ses/events' }))).toBeUndefined();
      expect(unmaskRow(logs(name, { logGroupName: '/aws/ses/events', unmask: false }))).toBeUndefined();
    }
  });

  it('a Logs Insights query counts only when it calls unmask(), and its query is printed masked', () => {
    const q =
      "fields @timestamp, unmask(@message) | filter @message like 'taro@example.co.jp' or ip = '203.0.113.7'";
    const row = unmaskRow(
      logs('StartQuery', { logGroupNames: ['/aws/ses/events', '/aws/application/x'], queryString: q }),
    );
    expect(row?.what).toBe('/aws/ses/events, /aws/application/x');
    expect(row?.detail).toContain('unmask(@message)');
    expect(row?.detail).not.toContain('taro@example.co.jp');
    expect(row?.detail).not.toContain('203.0.113.7');
    expect(
      unmaskRow(logs('StartQuery', { logGroupName: 'g', queryString: 'fields @message' })),
    ).toBeUndefined();
  });

  it('masks a filter pattern, and marks a refused call', () => {
    const r = unmaskRow({
      ...logs('FilterLogEvents', { logGroupName: 'g', unmask: true, filterPattern: '"hanako@example.jp"' }),
      errorCode: 'AccessDenied',
    });
    expect(r?.detail).toBe('filter "[email]"');
    expect(r?.denied).toBe('AccessDenied');
    expect(renderRows([r!])[0]).toContain('(refused: AccessDenied)');
  });

  it('ignores other services and other calls', () => {
    expect(
      unmaskRow({ ...logs('GetLogEvents', { unmask: true }), eventSource: 's3.amazonaws.com' }),
    ).toBeUndefined();
    expect(unmaskRow(logs('DescribeLogGroups', { unmask: true }))).toBeUndefined();
  });
});

describe('archiveReadRow', () => {
  const s3 = (
    key: string,
    bucketName = 'ses-migration-production-ses-archive-111122223333',
  ): CloudTrailRecord => ({
    eventTime: '2026-12-01T00:00:00Z',
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    userIdentity: admin,
    requestParameters: { bucketName, key },
  });
  const bucket = 'ses-migration-production-ses-archive-111122223333';

  it('reads under raw/ and errors/ of the archive count; masked/ and other buckets do not', () => {
    expect(archiveReadRow(s3('raw/2026/12/01/x.gz'), bucket, ['raw/', 'errors/'])?.what).toBe(
      `s3://${bucket}/raw/2026/12/01/x.gz`,
    );
    expect(archiveReadRow(s3('errors/processing-failed/x'), bucket, ['raw/', 'errors/'])).toBeDefined();
    expect(archiveReadRow(s3('masked/2026/x.gz'), bucket, ['raw/', 'errors/'])).toBeUndefined();
    expect(archiveReadRow(s3('raw/x', 'other-bucket'), bucket, ['raw/', 'errors/'])).toBeUndefined();
  });
});

describe('maskPii', () => {
  it('masks e-mail, IPv4 and IPv6 addresses and leaves the rest', () => {
    expect(maskPii('to a.b+c@mail.goo.ne.jp from 198.51.100.23 via 2001:db8::1:2:3 status 550')).toBe(
      'to [email] from [ip] via [ip] status 550',
    );
  });
});
