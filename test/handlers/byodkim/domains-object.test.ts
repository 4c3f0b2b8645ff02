/**
 * The BYODKIM functions read their domain list from the configuration object the stack names (issue #14 item 2):
 * once per cold start, checked against the SHA-256 in its key, with a clear error naming bucket and key when it
 * is missing, damaged or unreadable, and never an empty list in its place. AWS clients are aws-sdk-client-mock.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { byodkimDomainsObject } from '../../../contracts/functions/byodkim.js';

vi.mock('node:dns/promises', () => ({
  resolveTxt: vi.fn(async (name: string) => {
    throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  }),
}));

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBClient);
const kms = mockClient(KMSClient);
const ses = mockClient(SESv2Client);

const BUCKET = 'ses-migration-production-artifacts-111122223333';
const OBJECT = byodkimDomainsObject('prod', [
  { domain: 'goo.ne.jp', rotationIntervalDays: 365 },
  { domain: 'mail.example.co.jp', rotationIntervalDays: 180, hostedZoneId: 'Z0123456789ABCDEFGHIJ' },
]);

const ENV = {
  ENVIRONMENT: 'production',
  PROJECT_CODE: 'ses-migration',
  CONFIG_BUCKET: BUCKET,
  DOMAINS_CONFIG_KEY: OBJECT.key,
  STATE_TABLE: 'ses-migration-production-byodkim-state',
  KMS_KEY_ID: 'arn:aws:kms:ap-northeast-1:111122223333:key/1234',
  METRICS_NAMESPACE: 'ses-migration/production/BYODKIM',
  TOPIC_P1_ARN: 'arn:aws:sns:ap-northeast-1:111122223333:p1',
  TOPIC_P2_ARN: 'arn:aws:sns:ap-northeast-1:111122223333:p2',
  TOPIC_P3_ARN: 'arn:aws:sns:ap-northeast-1:111122223333:p3',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};

const body = (text: string) => ({ Body: { transformToString: async () => text } }) as never;
const awsError = (name: string, message = name) => Object.assign(new Error(message), { name });

beforeEach(() => {
  vi.resetModules();
  vi.unstubAllEnvs();
  for (const [k, v] of Object.entries(ENV)) vi.stubEnv(k, v);
  vi.stubEnv('DOMAINS_JSON', undefined);
  for (const m of [s3, ddb, kms, ses]) m.reset();
  ddb.on(GetItemCommand).resolves({});
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

const orchestrator = async () =>
  (await import('../../../handlers/byodkim/dkim-rotation-orchestrator/index.js')).handler;

describe('domain list object', () => {
  it('the orchestrator reads its domains from the object, once per cold start', async () => {
    s3.on(GetObjectCommand).resolves(body(OBJECT.body));
    const handler = await orchestrator();
    const first = (await handler({ action: 'status' })) as { domains: { domain: string; mode: string }[] };
    expect(first.domains.map((d) => [d.domain, d.mode])).toEqual([
      ['goo.ne.jp', 'manual-dns'],
      ['mail.example.co.jp', 'route53'],
    ]);
    await handler({ action: 'status' });
    expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: BUCKET, Key: OBJECT.key },
    ]);
  });

  it('the validation monitor checks the domains of the object', async () => {
    s3.on(GetObjectCommand).resolves(body(OBJECT.body));
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k', KeyState: 'Enabled' } as never });
    ses.on(GetEmailIdentityCommand).resolves({
      DkimAttributes: { Status: 'SUCCESS', SigningAttributesOrigin: 'AWS_SES' },
    });
    const { handler } = await import('../../../handlers/byodkim/validation-monitor/index.js');
    const report = (await handler({ action: 'check' })) as { domains: { domain: string }[] };
    expect(report.domains.map((d) => d.domain)).toEqual(['goo.ne.jp', 'mail.example.co.jp']);
  });

  it('refuses an object whose bytes do not hash to its key, and tries again at the next invocation', async () => {
    const altered = OBJECT.body.replace('"rotationIntervalDays":180', '"rotationIntervalDays":90');
    s3.on(GetObjectCommand).resolvesOnce(body(altered)).resolves(body(OBJECT.body));
    const handler = await orchestrator();
    await expect(handler({ action: 'status' })).rejects.toThrow(
      new RegExp(
        `^s3://${BUCKET}/${OBJECT.key.replace(/[/.]/g, '\\$&')}: the object's SHA-256 is [0-9a-f]{64} \\(\\d+ bytes\\) but its key names ${OBJECT.key.slice(-69, -5)}`,
      ),
    );
    // Nothing was cached: the next invocation reads again and works.
    await expect(handler({ action: 'status' })).resolves.toMatchObject({ action: 'status' });
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(2);
    expect(ddb.commandCalls(GetItemCommand).length).toBeGreaterThan(0);
  });

  it.each([
    ['a missing object', awsError('NoSuchKey'), /does not exist \(NoSuchKey\): the deploy gate uploads it/],
    ['a missing bucket', awsError('NoSuchBucket'), /the bucket does not exist .*CONFIG_BUCKET/],
    [
      'denied access',
      awsError('AccessDenied', 'Access Denied'),
      /cannot be read \(AccessDenied: Access Denied\).*s3:GetObject/,
    ],
    [
      'a KMS refusal',
      awsError('KMS.DisabledException', 'key disabled'),
      /cannot be read \(KMS.DisabledException/,
    ],
  ])(
    '%s is a clear error naming bucket and key, never an empty domain list',
    async (_what, error, message) => {
      s3.on(GetObjectCommand).rejects(error);
      const handler = await orchestrator();
      const failure = handler({ action: 'tick' });
      await expect(failure).rejects.toThrow(`domain list object s3://${BUCKET}/${OBJECT.key}`);
      await expect(failure).rejects.toThrow(message);
      await expect(failure).rejects.toMatchObject({ name: 'ConfigurationError' });
      expect(ddb.commandCalls(GetItemCommand)).toHaveLength(0);
    },
  );

  it('an empty object, a list that breaks the rules, and a malformed key are refused', async () => {
    s3.on(GetObjectCommand).resolves(body(''));
    await expect((await orchestrator())({ action: 'tick' })).rejects.toThrow(/is empty: the deploy gate/);

    vi.resetModules();
    const bad = byodkimDomainsObject('prod', [{ domain: 'Goo.ne.jp', rotationIntervalDays: 365 }]);
    vi.stubEnv('DOMAINS_CONFIG_KEY', bad.key);
    s3.on(GetObjectCommand).resolves(body(bad.body));
    await expect((await orchestrator())({ action: 'tick' })).rejects.toThrow(
      `s3://${BUCKET}/${bad.key} is invalid (0.domain: lower-case DNS domain name`,
    );

    vi.resetModules();
    vi.stubEnv('DOMAINS_CONFIG_KEY', 'config/prod/byodkim-domains/latest.json');
    await expect((await orchestrator())({ action: 'tick' })).rejects.toThrow(
      'DOMAINS_CONFIG_KEY is "config/prod/byodkim-domains/latest.json"; allowed: config/<env>/byodkim-domains/<sha256>.json',
    );
  });

  it('without a key, CONFIG_BUCKET or DOMAINS_JSON the function refuses to start', async () => {
    vi.stubEnv('CONFIG_BUCKET', '');
    await expect((await orchestrator())({ action: 'tick' })).rejects.toThrow(
      'environment variable CONFIG_BUCKET is missing or empty',
    );
    vi.resetModules();
    vi.stubEnv('DOMAINS_CONFIG_KEY', '');
    await expect((await orchestrator())({ action: 'tick' })).rejects.toThrow(
      /environment variable DOMAINS_JSON is missing or empty: .*DOMAINS_CONFIG_KEY/,
    );
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });
});
