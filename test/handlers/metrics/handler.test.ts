import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../handlers/metrics/index.js';
import { captureEmf } from './emf-capture.js';

const cw = mockClient(CloudWatchClient);
const NAMESPACE = 'ses-migration/production/Monitoring';
const SCHEDULED = { scheduledTime: '2026-11-29T05:10:00Z' };

let capture: ReturnType<typeof captureEmf>;

beforeEach(() => {
  cw.reset();
  vi.stubEnv('METRICS_NAMESPACE', NAMESPACE);
  vi.stubEnv('DOMAINS_JSON', '["example.co.jp","mail.example.jp"]');
  vi.stubEnv('AWS_REGION', 'ap-northeast-1');
  capture = captureEmf();
});

afterEach(() => {
  capture.restore();
  vi.unstubAllEnvs();
});

const values = (v: Record<string, number[]>) =>
  Object.entries(v).map(([Id, Values]) => ({
    Id,
    Values,
    Timestamps: Values.map(() => new Date()),
    StatusCode: 'Complete' as const,
  }));

describe('metrics handler', () => {
  it('reads the lagged window and publishes account-wide and per-domain rates as EMF', async () => {
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: values({
        send_0: [100, 100],
        delivery_0: [180, 10],
        bounce_0: [6],
        complaint_0: [1],
        send_1: [50],
        delivery_1: [50],
        send_2: [],
      }),
    });

    const summary = await handler(SCHEDULED);

    const request = cw.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    expect(request?.StartTime).toEqual(new Date('2026-11-29T04:45:00Z'));
    expect(request?.EndTime).toEqual(new Date('2026-11-29T05:00:00Z'));
    expect(summary.account.rates).toEqual({ SendSuccessRate: 95, BounceRate: 3, ComplaintRate: 0.5 });

    const docs = capture.documents();
    expect(docs).toHaveLength(3);
    const [account, first, second] = docs;
    expect(account?._aws.CloudWatchMetrics[0]?.Namespace).toBe(NAMESPACE);
    expect(account?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([[]]);
    expect(account?._aws.Timestamp).toBe(Date.parse('2026-11-29T05:10:00Z'));
    expect(account).not.toHaveProperty('service');
    expect(account).toMatchObject({
      MetricsHeartbeat: 1,
      SendVolume: 200,
      SendSuccessRate: 95,
      BounceRate: 3,
      ComplaintRate: 0.5,
    });
    expect(account?._aws.CloudWatchMetrics[0]?.Metrics).toContainEqual({
      Name: 'SendSuccessRate',
      Unit: 'Percent',
    });

    expect(first?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['Domain']]);
    expect(first).toMatchObject({
      Domain: 'example.co.jp',
      SendVolume: 50,
      SendSuccessRate: 100,
      BounceRate: 0,
    });
    expect(first).not.toHaveProperty('service');
    expect(first).not.toHaveProperty('MetricsHeartbeat');

    // Nothing sent from the second domain: volume 0, no rate at all.
    expect(second).toMatchObject({ Domain: 'mail.example.jp', SendVolume: 0 });
    expect(second?._aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name)).toEqual(['SendVolume']);
  });

  it('publishes only the heartbeat and a zero volume when nothing was sent', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    vi.stubEnv('DOMAINS_JSON', '[]');

    const summary = await handler(SCHEDULED);

    expect(summary.account.rates).toEqual({});
    const docs = capture.documents();
    expect(docs).toHaveLength(1);
    expect(docs[0]?._aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name)).toEqual([
      'MetricsHeartbeat',
      'SendVolume',
    ]);
    expect(docs[0]).toMatchObject({ MetricsHeartbeat: 1, SendVolume: 0 });
  });

  it('follows NextToken and sums values from every page', async () => {
    vi.stubEnv('DOMAINS_JSON', '[]');
    cw.on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: values({ send_0: [10] }), NextToken: 'page-2' })
      .resolvesOnce({ MetricDataResults: values({ send_0: [30], delivery_0: [40] }) });

    const summary = await handler(SCHEDULED);

    expect(cw.commandCalls(GetMetricDataCommand)[1]?.args[0].input.NextToken).toBe('page-2');
    expect(summary.account.counts.Send).toBe(40);
    expect(summary.account.rates.SendSuccessRate).toBe(100);
  });

  it('uses the clock when the event carries no scheduled time', async () => {
    vi.stubEnv('DOMAINS_JSON', '[]');
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const before = Date.now();

    const summary = await handler({});

    expect(Date.parse(summary.window.end)).toBeLessThanOrEqual(before - 10 * 60_000);
    expect(Date.parse(summary.window.end)).toBeGreaterThan(before - 16 * 60_000);
  });

  it('fails with the variable named when the configuration is wrong', async () => {
    vi.stubEnv('DOMAINS_JSON', '{"example.co.jp":true}');
    await expect(handler(SCHEDULED)).rejects.toThrow(/DOMAINS_JSON/);
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });

  it('lets a CloudWatch failure fail the run (the function error alarm and the heartbeat alarm see it)', async () => {
    cw.on(GetMetricDataCommand).rejects(new Error('Throttling'));
    await expect(handler(SCHEDULED)).rejects.toThrow('Throttling');
    expect(capture.documents()).toHaveLength(0);
  });
});
