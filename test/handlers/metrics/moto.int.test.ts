/** The metrics handler against moto's CloudWatch: real GetMetricData over AWS/SES series put into moto. */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../handlers/metrics/index.js';
import { type Moto, motoClientConfig, startMoto } from '../../support/moto.js';
import { captureEmf } from './emf-capture.js';

let moto: Moto;

beforeAll(async () => {
  moto = await startMoto();
  vi.stubEnv('AWS_ENDPOINT_URL', moto.endpoint);
  vi.stubEnv('AWS_REGION', 'ap-northeast-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing');
  vi.stubEnv('METRICS_NAMESPACE', 'ses-migration/development/Monitoring');
  vi.stubEnv('DOMAINS_JSON', '["example.co.jp"]');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await moto?.stop();
});

const aligned = (now: Date) => Math.floor((now.getTime() - 10 * 60_000) / 300_000) * 300_000;

function putter() {
  const cw = new CloudWatchClient(motoClientConfig(moto.endpoint));
  return (name: string, value: number, at: Date, domain?: string) =>
    cw.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/SES',
        MetricData: [
          {
            MetricName: name,
            Value: value,
            Unit: 'Count',
            Timestamp: at,
            Dimensions: domain ? [{ Name: 'ses:from-domain', Value: domain }] : [],
          },
        ],
      }),
    );
}

async function run(now: Date) {
  const capture = captureEmf();
  try {
    const summary = await handler({ scheduledTime: now.toISOString() });
    return { summary, docs: capture.documents() };
  } finally {
    capture.restore();
  }
}

describe('metrics handler on moto', () => {
  beforeEach(async () => {
    await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' });
  });

  it('sums the account-wide AWS/SES datapoints inside the lagged window only', async () => {
    const put = putter();
    const now = new Date();
    await put('Send', 40, new Date(aligned(now) - 7 * 60_000));
    await put('Delivery', 38, new Date(aligned(now) - 2 * 60_000));
    await put('Bounce', 2, new Date(aligned(now) - 14 * 60_000));
    await put('Send', 1000, new Date(aligned(now) + 60_000)); // too recent: after the window
    await put('Send', 1000, new Date(aligned(now) - 16 * 60_000)); // too old: before the window

    const { summary, docs } = await run(now);

    expect(summary.account.counts).toEqual({ Send: 40, Delivery: 38, Bounce: 2, Complaint: 0, Reject: 0 });
    expect(summary.account.rates).toEqual({ SendSuccessRate: 95, BounceRate: 5, ComplaintRate: 0 });
    expect(docs.map((d) => d._aws.CloudWatchMetrics[0]?.Dimensions)).toEqual([[[]], [['Domain']]]);
  });

  it('reads the per-domain series by its ses:from-domain dimension', async () => {
    // moto matches a query without dimensions against every series (CloudWatch matches the exact set),
    // so only the domain's figures are asserted here.
    const put = putter();
    const now = new Date();
    await put('Send', 10, new Date(aligned(now) - 7 * 60_000), 'example.co.jp');
    await put('Delivery', 9, new Date(aligned(now) - 7 * 60_000), 'example.co.jp');
    await put('Complaint', 1, new Date(aligned(now) - 7 * 60_000), 'example.co.jp');
    await put('Send', 99, new Date(aligned(now) - 7 * 60_000), 'other.example');

    const { summary, docs } = await run(now);

    expect(summary.domains['example.co.jp']?.rates).toEqual({
      SendSuccessRate: 90,
      BounceRate: 0,
      ComplaintRate: 10,
    });
    expect(docs[1]).toMatchObject({
      Domain: 'example.co.jp',
      SendVolume: 10,
      SendSuccessRate: 90,
      ComplaintRate: 10,
    });
  });
});
