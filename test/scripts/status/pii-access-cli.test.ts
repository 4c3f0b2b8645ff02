/** `npm run status -- <env> --pii-access-days N` end to end in process: names from the environment file. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { statusMain } from '../../../scripts/status/cli.js';

const ACCOUNT = '111122223333';
const NOW = Date.parse('2026-12-01T12:00:00Z');
const FIXTURE = 'test/fixtures/environments/access-prod.yaml';
const refuse = {
  send: async () => Promise.reject(Object.assign(new Error('not in this test'), { name: 'Skipped' })),
};

async function run(envDir: string, env: string) {
  const listed: string[] = [];
  const out: string[] = [];
  const day = 'AWSLogs/111122223333/CloudTrail/ap-northeast-1/2026/12/01/';
  const code = await statusMain([env, '--pii-access-days', '1', '--environments-dir', envDir], {
    stdout: (t) => out.push(t),
    stderr: (t) => out.push(t),
    clients: () => ({
      cloudwatch: refuse,
      sesv2: refuse,
      cloudformation: refuse,
      kms: refuse,
      logs: refuse,
      scheduler: refuse,
      dynamodb: refuse,
      cloudtrail: {
        send: async (c: unknown) => {
          expect(c).toBeInstanceOf(LookupEventsCommand);
          return {
            Events: [
              {
                EventName: 'GetLogEvents',
                CloudTrailEvent: JSON.stringify({
                  eventTime: '2026-12-01T11:00:00Z',
                  eventSource: 'logs.amazonaws.com',
                  eventName: 'GetLogEvents',
                  userIdentity: {
                    arn: 'arn:aws:sts::111122223333:assumed-role/ses-migration-production-admin/bob',
                  },
                  requestParameters: { logGroupName: '/aws/ses/events', logStreamName: 's', unmask: true },
                }),
              },
            ],
          };
        },
      },
      s3: {
        send: async (c: unknown) => {
          if (c instanceof ListObjectsV2Command) {
            listed.push(`${c.input.Bucket}/${c.input.Prefix}`);
            return {
              Contents: c.input.Prefix?.endsWith('/2026/12/01/')
                ? [{ Key: `${c.input.Prefix}f.json.gz` }]
                : [],
            };
          }
          expect(c).toBeInstanceOf(GetObjectCommand);
          const body = gzipSync(
            JSON.stringify({
              Records: [
                {
                  eventTime: '2026-12-01T10:00:00Z',
                  eventSource: 's3.amazonaws.com',
                  eventName: 'GetObject',
                  userIdentity: {
                    arn: 'arn:aws:sts::111122223333:assumed-role/ses-migration-production-admin/bob',
                  },
                  requestParameters: {
                    bucketName: `ses-migration-production-ses-archive-${ACCOUNT}`,
                    key: 'errors/x.gz',
                  },
                },
              ],
            }),
          );
          return { Body: { transformToByteArray: async () => new Uint8Array(body) } };
        },
      },
    }),
    now: () => NOW,
    sleep: async () => {},
    callerAccount: async () => ACCOUNT,
  });
  return { code, text: out.join(''), listed, day };
}

describe('status --pii-access-days', () => {
  it("reads the project's audit-trail bucket and Event history, and prints who saw what", async () => {
    const { text, listed, day } = await run('test/fixtures/environments', 'access-prod');
    expect(listed[0]).toBe(`ses-migration-production-audit-trail-${ACCOUNT}/${day}`);
    expect(text).toContain('== Who saw unmasked PII (last 1 days) [OK]');
    expect(text).toContain('GetLogEvents unmask=true  /aws/ses/events');
    expect(text).toContain(`S3 GetObject  s3://ses-migration-production-ses-archive-${ACCOUNT}/errors/x.gz`);
  });

  it('reads security.existingTrail instead when the environment names one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pii-env-'));
    const yaml = readFileSync(FIXTURE, 'utf8').replace(
      '  auditArchiveReads: true',
      '  auditArchiveReads: true\n  existingTrail:\n    bucket: org-cloudtrail-logs\n    prefix: o-abc123',
    );
    writeFileSync(join(dir, 'access-prod.yaml'), yaml);
    const { listed, day } = await run(dir, 'access-prod');
    expect(listed[0]).toBe(`org-cloudtrail-logs/o-abc123/${day}`);
  });
});
