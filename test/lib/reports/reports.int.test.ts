/**
 * The report function end to end against moto on 127.0.0.1: SES counters put into moto's CloudWatch and read
 * back with GetMetricData, the archive in moto's S3, the mail through moto's SESv2, the summary on moto's SNS.
 * Services moto lacks (GetMetricWidgetImage, Cost Explorer, Logs Insights results) make their sections missing,
 * which is the behaviour under test too: the report still goes out and names them.
 */
import { CloudWatchClient, PutDashboardCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dashboards } from '../../../generators/stacks/dashboards.js';
import { handler } from '../../../handlers/reports/index.js';
import { reportConfigObject } from '../../../lib/reports/config.js';
import { lastCompletePeriod } from '../../../lib/reports/period.js';
import { type Moto, motoClientConfig, startMoto } from '../../support/moto.js';
import { loadFixtureEnv } from '../../support/report-world.js';

let moto: Moto;
const BUCKET = 'ses-migration-production-ses-archive-123456789012';
const ARTIFACTS = 'ses-migration-production-artifacts-123456789012';

beforeAll(async () => {
  moto = await startMoto();
  const c = motoClientConfig(moto.endpoint);
  const env = loadFixtureEnv();
  const topic = await new SNSClient(c).send(
    new CreateTopicCommand({ Name: 'ses-migration-production-notifications-p3' }),
  );
  await new S3Client({ ...c, forcePathStyle: true }).send(
    new CreateBucketCommand({
      Bucket: BUCKET,
      CreateBucketConfiguration: { LocationConstraint: 'ap-northeast-1' },
    }),
  );
  // The report configuration (every domain) is an object in the artifacts bucket, as the deploy gate uploads it.
  const object = reportConfigObject('prod', env);
  const s3 = new S3Client({ ...c, forcePathStyle: true });
  await s3.send(
    new CreateBucketCommand({
      Bucket: ARTIFACTS,
      CreateBucketConfiguration: { LocationConstraint: 'ap-northeast-1' },
    }),
  );
  await s3.send(new PutObjectCommand({ Bucket: ARTIFACTS, Key: object.key, Body: object.body }));
  await new SESv2Client(c).send(new CreateEmailIdentityCommand({ EmailIdentity: 'goo.ne.jp' }));
  const cw = new CloudWatchClient(c);
  await cw.send(
    new PutDashboardCommand({
      DashboardName: 'ses-migration-production-dashboard',
      DashboardBody: JSON.stringify(dashboards(env, []).main).replace(
        /\$\{AWS::AccountId\}/g,
        '123456789012',
      ),
    }),
  );
  // Yesterday (JST), at 10:00 and 15:00: 700 + 500 sends, 1190 deliveries, 6 bounces, 1 complaint.
  const day = lastCompletePeriod('daily', new Date());
  const at = (h: number) => new Date(day.start.getTime() + h * 3600_000);
  const put = (name: string, value: number, hour: number, domain?: string) =>
    cw.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/SES',
        MetricData: [
          {
            MetricName: name,
            Value: value,
            Unit: 'Count',
            Timestamp: at(hour),
            Dimensions: domain ? [{ Name: 'ses:from-domain', Value: domain }] : [],
          },
        ],
      }),
    );
  for (const [name, a, b] of [
    ['Send', 700, 500],
    ['Delivery', 695, 495],
    ['Bounce', 4, 2],
    ['Complaint', 1, 0],
  ] as const) {
    await put(name, a, 10);
    await put(name, b, 15);
  }
  // No per-domain series here: moto matches a query without dimensions to every series of the metric (CloudWatch
  // matches the exact dimension set), so domain figures are checked with recorded answers in report.test.ts.
  vi.stubEnv('AWS_ENDPOINT_URL', moto.endpoint);
  vi.stubEnv('AWS_REGION', 'ap-northeast-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
  vi.stubEnv('AWS_S3_FORCE_PATH_STYLE', 'true');
  vi.stubEnv('REPORT_CONFIG_KEY', object.key);
  vi.stubEnv('ARTIFACTS_BUCKET', ARTIFACTS);
  vi.stubEnv('CADENCE', 'daily');
  vi.stubEnv('ARCHIVE_BUCKET', BUCKET);
  vi.stubEnv('TOPIC_P3_ARN', topic.TopicArn!);
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await moto?.stop();
});

describe('report function on moto', () => {
  it('renders yesterday from GetMetricData, archives it, mails it once, and names what it could not read', async () => {
    const first = await handler({});
    expect(first.status).toBe('sent');
    expect(first.messageId).toBeTruthy();
    expect(first.missingSections).toEqual(expect.arrayContaining(['charts']));
    const s3 = new S3Client({ ...motoClientConfig(moto.endpoint), forcePathStyle: true });
    const get = async (key: string) =>
      (
        await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${first.prefix}${key}` }))
      ).Body!.transformToString();
    const figures = JSON.parse(await get('figures.json'));
    // 700 + 500 = 1200 sends, 6/1200 = 0.5 % bounces, 1190/1200 = 99.1666 % delivered
    expect(figures.figures.sending.account).toMatchObject({
      Send: 1200,
      Delivery: 1190,
      Bounce: 6,
      Complaint: 1,
      bounceRate: 0.5,
    });
    expect(figures.figures.sending.account.sendSuccessRate).toBeCloseTo(99.1667, 3);
    // Per-domain figures come from a Logs Insights query over /aws/ses/events (issue #14), which this moto
    // world does not hold: the account figures stand and the domain table says why it is missing.
    expect(figures.figures.sending.domainsMissing).toMatch(/ResourceNotFoundException/);
    expect(figures.figures.sending.domains).toEqual({});
    expect(figures.sections.find((s: { id: string }) => s.id === 'charts').reason).toMatch(/グラフ/);
    expect(await get('report.html')).toContain('送信統計サマリー');
    expect(JSON.parse(await get('delivery.json'))).toMatchObject({ status: 'sent', recipients: 1 });

    const second = await handler({});
    expect(second.status).toBe('already-sent');
  });

  it('a missed day is re-run by its date', async () => {
    const day = lastCompletePeriod('daily', new Date());
    const before = new Date(day.start.getTime() - 2 * 86_400_000 + 9 * 3600_000);
    const date = new Date(before.getTime()).toISOString().slice(0, 10);
    const result = await handler({ date });
    expect(result.status).toBe('sent');
    expect(result.period).toBe(date);
  });

  it('reads its configuration from the object REPORT_CONFIG_KEY names; a missing or altered object stops it', async () => {
    vi.resetModules();
    const fresh = async () => (await import('../../../handlers/reports/index.js')).handler;
    const object = reportConfigObject('prod', loadFixtureEnv());
    const missing = object.key.replace(/[0-9a-f]{64}/, '0'.repeat(64));
    vi.stubEnv('REPORT_CONFIG_KEY', missing);
    await expect((await fresh())({})).rejects.toThrow(
      `report configuration object s3://${ARTIFACTS}/${missing} does not exist (NoSuchKey)`,
    );
    const s3 = new S3Client({ ...motoClientConfig(moto.endpoint), forcePathStyle: true });
    await s3.send(new PutObjectCommand({ Bucket: ARTIFACTS, Key: missing, Body: object.body }));
    vi.resetModules();
    await expect((await fresh())({})).rejects.toThrow(/SHA-256 is [0-9a-f]{64} .* but its key names 0{64}/);
    vi.stubEnv('REPORT_CONFIG_KEY', object.key);
  });
});
