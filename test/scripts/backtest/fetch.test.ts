import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  fetchHistory,
  MAX_QUERIES_PER_REQUEST,
  planFetch,
  storedPeriod,
} from '../../../scripts/backtest/fetch.js';

const cw = mockClient(CloudWatchClient);
const start = new Date('2026-11-30T00:00:00Z');
const end = new Date('2026-12-01T00:00:00Z');
const metric = (i: number) => ({ namespace: 'ns', name: `M${i}`, dimensions: { Domain: 'goo.ne.jp' } });

describe('storedPeriod (CloudWatch keeps 60 s points 15 days, 5 min 63 days, 1 h 455 days)', () => {
  it.each([
    [60, 1, 60],
    [60, 15, 60],
    [60, 16, 300],
    [300, 63, 300],
    [60, 64, 3600],
    [900, 30, 900],
    [900, 100, 3600],
    [3600, 400, 3600],
  ])('period %i over %i days → %i', (period, days, want) => {
    expect(storedPeriod(period, days)).toBe(want);
  });
});

describe('fetchHistory with a mocked CloudWatch client', () => {
  beforeEach(() => cw.reset());

  it('sends at most 500 queries per request and follows every NextToken page', async () => {
    const planned = planFetch(
      Array.from({ length: 1_203 }, (_, i) => ({ metric: metric(i), stat: 'Sum', period: 300 })),
      1,
    );
    cw.on(GetMetricDataCommand).callsFake((input) => {
      const ids = input.MetricDataQueries.map((q: { Id: string }) => q.Id);
      const page = input.NextToken === undefined ? 0 : Number(input.NextToken);
      return {
        MetricDataResults: ids.map((Id: string) => ({
          Id,
          Timestamps: [new Date(start.getTime() + page * 300_000)],
          Values: [page + 1],
        })),
        NextToken: page < 2 ? String(page + 1) : undefined,
      };
    });
    const progress: string[] = [];
    const out = await fetchHistory(planned, start, end, {
      client: new CloudWatchClient({ region: 'ap-northeast-1' }),
      progress: (l) => progress.push(l),
      sleep: async () => {},
    });
    const calls = cw.commandCalls(GetMetricDataCommand);
    expect(calls).toHaveLength(3 * 3);
    for (const c of calls)
      expect(c.args[0].input.MetricDataQueries!.length).toBeLessThanOrEqual(MAX_QUERIES_PER_REQUEST);
    expect(calls.map((c) => c.args[0].input.MetricDataQueries!.length)).toEqual([
      500, 500, 500, 500, 500, 500, 203, 203, 203,
    ]);
    expect(calls[0]!.args[0].input.MetricDataQueries![0]).toMatchObject({
      Id: 'q0',
      MetricStat: {
        Metric: { Namespace: 'ns', MetricName: 'M0', Dimensions: [{ Name: 'Domain', Value: 'goo.ne.jp' }] },
        Period: 300,
        Stat: 'Sum',
      },
    });
    expect(out).toHaveLength(1_203);
    expect(out[1_202]!.points.map((p) => p.value)).toEqual([1, 2, 3]);
    expect(progress[0]).toBe(
      'backtest: GetMetricData request 1/3 (500 queries), page 1: 500 datapoints, more pages',
    );
  });

  it('retries a throttled request with backoff, then gives up after maxAttempts', async () => {
    const throttle = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    cw.on(GetMetricDataCommand)
      .rejectsOnce(throttle)
      .rejectsOnce(throttle)
      .resolves({ MetricDataResults: [{ Id: 'q0', Timestamps: [start], Values: [7] }] });
    const waits: number[] = [];
    const planned = planFetch([{ metric: metric(0), stat: 'Maximum', period: 60 }], 1);
    const deps = {
      client: new CloudWatchClient({ region: 'ap-northeast-1' }),
      progress: () => {},
      sleep: async (ms: number) => {
        waits.push(ms);
      },
    };
    const out = await fetchHistory(planned, start, end, deps);
    expect(out[0]!.points).toEqual([{ t: start.getTime(), value: 7 }]);
    expect(waits).toEqual([500, 1_000]);

    cw.reset();
    cw.on(GetMetricDataCommand).rejects(throttle);
    await expect(fetchHistory(planned, start, end, { ...deps, maxAttempts: 3 })).rejects.toThrow(
      'Rate exceeded',
    );
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(3);
  });

  it('does not retry other errors, and rejects results for ids it did not ask for', async () => {
    cw.on(GetMetricDataCommand).rejectsOnce(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const planned = planFetch([{ metric: metric(0), stat: 'Sum', period: 300 }], 1);
    const deps = {
      client: new CloudWatchClient({ region: 'ap-northeast-1' }),
      progress: () => {},
      sleep: async () => {},
    };
    await expect(fetchHistory(planned, start, end, deps)).rejects.toThrow('denied');
    expect(cw.commandCalls(GetMetricDataCommand)).toHaveLength(1);
    cw.reset();
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'zz', Timestamps: [], Values: [] }] });
    await expect(fetchHistory(planned, start, end, deps)).rejects.toThrow(/id zz, which was not asked for/);
  });
});
