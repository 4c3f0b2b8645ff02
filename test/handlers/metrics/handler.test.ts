import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadMetricsConfig } from '../../../contracts/functions/metrics.js';
import { createHandler } from '../../../handlers/metrics/index.js';
import { collectAndPublish } from '../../../handlers/metrics/service.js';
import { captureEmf } from './emf-capture.js';

const handler = createHandler({ pollMs: 1, maxPollMs: 1, sleep: async () => {}, now: Date.now });
const cw = mockClient(CloudWatchClient);
const logs = mockClient(CloudWatchLogsClient);
const NAMESPACE = 'ses-migration/production/Monitoring';
const SCHEDULED = { scheduledTime: '2026-11-29T05:12:00Z' };
const row = (domain: string, eventType: string, events: number) => [
  { field: 'domain', value: domain },
  { field: 'eventType', value: eventType },
  { field: 'events', value: String(events) },
];

let capture: ReturnType<typeof captureEmf>;

beforeEach(() => {
  cw.reset();
  logs.reset();
  logs.on(StartQueryCommand).resolves({ queryId: 'q-1' });
  logs.on(GetQueryResultsCommand).resolves({ status: 'Complete', results: [] });
  vi.stubEnv('METRICS_NAMESPACE', NAMESPACE);
  vi.stubEnv('SES_EVENTS_LOG_GROUP', '/aws/ses/events');
  vi.stubEnv('MINIMUM_SEND_VOLUME', '100');
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
  it('reads the lagged window, publishes account-wide rates and the worst domain rates as EMF, no Domain dimension', async () => {
    cw.on(GetMetricDataCommand).resolves({
      MetricDataResults: values({ send: [100, 100], delivery: [180, 10], bounce: [6], complaint: [1] }),
    });
    logs.on(GetQueryResultsCommand).resolves({
      status: 'Complete',
      results: [
        row('example.co.jp', 'Send', 150),
        row('example.co.jp', 'Bounce', 9),
        row('mail.example.jp', 'Send', 400),
        row('mail.example.jp', 'Complaint', 2),
        row('tiny.example.jp', 'Send', 3),
        row('tiny.example.jp', 'Bounce', 3),
      ],
    });
    const summary = await handler(SCHEDULED);

    const request = cw.commandCalls(GetMetricDataCommand)[0]?.args[0].input;
    expect(request?.StartTime).toEqual(new Date('2026-11-29T04:45:00Z'));
    expect(request?.EndTime).toEqual(new Date('2026-11-29T05:00:00Z'));
    expect(request?.MetricDataQueries).toHaveLength(5);
    const query = logs.commandCalls(StartQueryCommand)[0]?.args[0].input;
    expect(query).toMatchObject({
      logGroupName: '/aws/ses/events',
      startTime: Date.parse('2026-11-29T05:05:00Z') / 1000,
      endTime: Date.parse('2026-11-29T05:10:00Z') / 1000 - 1,
    });
    expect(summary.account.rates).toEqual({ SendSuccessRate: 95, BounceRate: 3, ComplaintRate: 0.5 });
    expect(summary.domains).toMatchObject({
      ok: true,
      seen: 3,
      rated: 2,
      worstBounce: { domain: 'example.co.jp', rate: 6 },
      worstComplaint: { domain: 'mail.example.jp', rate: 0.5 },
    });

    const docs = capture.documents();
    expect(docs).toHaveLength(2);
    for (const doc of docs) {
      expect(doc._aws.CloudWatchMetrics[0]?.Namespace).toBe(NAMESPACE);
      expect(doc._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([[]]);
      expect(doc).not.toHaveProperty('service');
      expect(doc).not.toHaveProperty('Domain');
    }
    const [domain, account] = docs;
    // The worst-domain values carry the window's start: the same 5-minute period as the account-wide tier.
    expect(domain?._aws.Timestamp).toBe(Date.parse('2026-11-29T05:05:00Z'));
    expect(domain).toMatchObject({
      WorstDomainBounceRate: 6,
      WorstDomainComplaintRate: 0.5,
      RatedDomains: 2,
      DomainQueryFailed: 0,
    });
    expect(account?._aws.Timestamp).toBe(Date.parse('2026-11-29T05:12:00Z'));
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
    // The worst domains by name, as the notifier reads them back.
    const logged = capture.logs().find((l) => l.message === 'worst domains');
    expect(logged).toMatchObject({
      message: 'worst domains',
      bounce: [
        { domain: 'example.co.jp', rate: 6, sends: 150, events: 9 },
        { domain: 'mail.example.jp', rate: 0, sends: 400, events: 0 },
      ],
    });
  });

  it('a failed per-domain query: heartbeat and account rates still go out, DomainQueryFailed = 1, no worst value, an error log', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: values({ send: [10] }) });
    logs.on(GetQueryResultsCommand).resolves({ status: 'Failed' });
    const summary = await handler(SCHEDULED);

    expect(summary.domains).toEqual({ ok: false, error: expect.stringMatching(/q-1 .* ended Failed/) });
    const [domain, account] = capture.documents();
    expect(domain).toMatchObject({ DomainQueryFailed: 1 });
    expect(domain).not.toHaveProperty('WorstDomainBounceRate');
    expect(account).toMatchObject({ MetricsHeartbeat: 1, SendVolume: 10 });
  });

  it('a failed per-domain query is logged as an error with the window and the reason (never silent)', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    logs.on(GetQueryResultsCommand).resolves({ status: 'Timeout' });
    const errors: [string, Record<string, unknown>][] = [];
    await collectAndPublish(
      loadMetricsConfig(process.env),
      {
        cloudwatch: new CloudWatchClient({}),
        logs: new CloudWatchLogsClient({}),
        emit: () => {},
        warn: () => {},
        record: () => {},
        error: (message, extra) => errors.push([message, extra]),
        timing: { pollMs: 1, maxPollMs: 1, sleep: async () => {}, now: Date.now },
      },
      new Date(SCHEDULED.scheduledTime),
    );
    expect(errors).toEqual([
      [
        'per-domain query failed: no worst-domain rate this run',
        {
          windowStart: '2026-11-29T05:05:00.000Z',
          windowEnd: '2026-11-29T05:10:00.000Z',
          error: expect.stringContaining('ended Timeout'),
        },
      ],
    ]);
  });

  it('publishes only the heartbeat and a zero volume when nothing was sent', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });

    const summary = await handler(SCHEDULED);

    expect(summary.account.rates).toEqual({});
    const docs = capture.documents().slice(1);
    expect(docs).toHaveLength(1);
    expect(docs[0]?._aws.CloudWatchMetrics[0]?.Metrics.map((m) => m.Name)).toEqual([
      'MetricsHeartbeat',
      'SendVolume',
    ]);
    expect(docs[0]).toMatchObject({ MetricsHeartbeat: 1, SendVolume: 0 });
  });

  it('follows NextToken and sums values from every page', async () => {
    cw.on(GetMetricDataCommand)
      .resolvesOnce({ MetricDataResults: values({ send: [10] }), NextToken: 'page-2' })
      .resolvesOnce({ MetricDataResults: values({ send: [30], delivery: [40] }) });

    const summary = await handler(SCHEDULED);

    expect(cw.commandCalls(GetMetricDataCommand)[1]?.args[0].input.NextToken).toBe('page-2');
    expect(summary.account.counts.Send).toBe(40);
    expect(summary.account.rates.SendSuccessRate).toBe(100);
  });

  it('uses the clock when the event carries no scheduled time', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const before = Date.now();

    const summary = await handler({});

    expect(Date.parse(summary.window.end)).toBeLessThanOrEqual(before - 10 * 60_000);
    expect(Date.parse(summary.window.end)).toBeGreaterThan(before - 16 * 60_000);
  });

  it('fails with the variable named when the configuration is wrong', async () => {
    vi.stubEnv('SES_EVENTS_LOG_GROUP', '');
    await expect(handler(SCHEDULED)).rejects.toThrow(/SES_EVENTS_LOG_GROUP/);
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });

  it('lets a CloudWatch failure fail the run (the function error alarm and the heartbeat alarm see it)', async () => {
    cw.on(GetMetricDataCommand).rejects(new Error('Throttling'));
    await expect(handler(SCHEDULED)).rejects.toThrow('Throttling');
    // No heartbeat; the per-domain part (its own query) was still published.
    expect(capture.documents().some((d) => 'MetricsHeartbeat' in d)).toBe(false);
    expect(capture.documents()).toHaveLength(1);
  });
});
