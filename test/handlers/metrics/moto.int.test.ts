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
  vi.stubEnv('SES_EVENTS_LOG_GROUP', '/aws/ses/events/development');
  vi.stubEnv('MINIMUM_SEND_VOLUME', '20');
  vi.stubEnv('DOMAIN_QUERY_TIMEOUT_SECONDS', '5');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await moto?.stop();
});

const aligned = (now: Date) => Math.floor((now.getTime() - 10 * 60_000) / 300_000) * 300_000;

function putter() {
  const cw = new CloudWatchClient(motoClientConfig(moto.endpoint));
  return (name: string, value: number, at: Date) =>
    cw.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/SES',
        MetricData: [
          {
            MetricName: name,
            Value: value,
            Unit: 'Count',
            Timestamp: at,
            Dimensions: [],
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
    // Every document account-wide (no Domain dimension); the per-domain query's own document comes first,
    // whatever moto's Logs Insights answers (its query engine is tested with client mocks).
    expect(docs.map((d) => d._aws.CloudWatchMetrics[0]?.Dimensions)).toEqual([[[]], [[]]]);
    expect(docs[1]).toMatchObject({ MetricsHeartbeat: 1, SendVolume: 40 });
  });
});
