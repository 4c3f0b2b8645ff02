/** The Logs Insights polling of the metrics function against aws-sdk-client-mock. */
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { MetricsQueryError } from '../../../handlers/metrics/errors.js';
import { type InsightsTiming, runInsightsQuery } from '../../../handlers/metrics/insights.js';

const logs = mockClient(CloudWatchLogsClient);
const client = new CloudWatchLogsClient({ region: 'ap-northeast-1' });
const REQUEST = {
  logGroupName: '/aws/ses/events',
  queryString: 'stats count(*) by x',
  start: new Date('2026-11-29T05:05:00Z'),
  end: new Date('2026-11-29T05:10:00Z'),
};

/** A fake clock: sleeping advances it, nothing waits for real. */
function timing(timeoutMs = 40_000): InsightsTiming & { slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    timeoutMs,
    pollMs: 500,
    maxPollMs: 4000,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
    slept,
  };
}
const ROWS = [
  [
    { field: 'domain', value: 'a.example' },
    { field: 'eventType', value: 'Send' },
    { field: 'events', value: '3' },
  ],
];

beforeEach(() => logs.reset());

describe('runInsightsQuery', () => {
  it('starts one query over the window (end exclusive, 10,000-row limit) and returns the rows once Complete', async () => {
    logs.on(StartQueryCommand).resolves({ queryId: 'q-1' });
    logs
      .on(GetQueryResultsCommand)
      .resolvesOnce({ status: 'Scheduled' })
      .resolvesOnce({ status: 'Running', results: [[{ field: 'partial', value: '1' }]] })
      .resolvesOnce({ status: 'Complete', results: ROWS, statistics: { bytesScanned: 1234 } });
    const t = timing();

    const answer = await runInsightsQuery(client, REQUEST, t);

    expect(logs.commandCalls(StartQueryCommand)[0]?.args[0].input).toEqual({
      logGroupName: '/aws/ses/events',
      queryString: 'stats count(*) by x',
      startTime: Date.parse('2026-11-29T05:05:00Z') / 1000,
      endTime: Date.parse('2026-11-29T05:10:00Z') / 1000 - 1,
      limit: 10_000,
    });
    expect(answer).toEqual({ queryId: 'q-1', rows: ROWS, polls: 3, bytesScanned: 1234 });
    expect(t.slept).toEqual([500, 1000, 2000]);
  });

  it.each(['Failed', 'Cancelled', 'Timeout', 'Unknown'])(
    'a query that ends %s is an error naming it',
    async (status) => {
      logs.on(StartQueryCommand).resolves({ queryId: 'q-2' });
      logs.on(GetQueryResultsCommand).resolves({ status: status as 'Failed', results: ROWS });
      const run = runInsightsQuery(client, REQUEST, timing());
      await expect(run).rejects.toThrow(MetricsQueryError);
      await expect(runInsightsQuery(client, REQUEST, timing())).rejects.toThrow(
        new RegExp(`q-2 on /aws/ses/events ended ${status}`),
      );
    },
  );

  it('still Running at the deadline: stops the query and fails (partial results are never returned)', async () => {
    logs.on(StartQueryCommand).resolves({ queryId: 'q-3' });
    logs.on(GetQueryResultsCommand).resolves({ status: 'Running', results: ROWS });
    logs.on(StopQueryCommand).resolves({ success: true });
    const t = timing(10_000);

    await expect(runInsightsQuery(client, REQUEST, t)).rejects.toThrow(
      /q-3.*still Running after \d+ s \(limit 10 s\)/,
    );
    expect(logs.commandCalls(StopQueryCommand)[0]?.args[0].input).toEqual({ queryId: 'q-3' });
    expect(t.now()).toBeLessThanOrEqual(10_000);
  });

  it('a failing StopQuery does not hide the timeout', async () => {
    logs.on(StartQueryCommand).resolves({ queryId: 'q-4' });
    logs.on(GetQueryResultsCommand).resolves({ status: 'Running' });
    logs.on(StopQueryCommand).rejects(new Error('AccessDenied'));
    await expect(runInsightsQuery(client, REQUEST, timing(5000))).rejects.toThrow(/still Running/);
  });

  it('StartQuery without a queryId, or failing (e.g. LimitExceeded: 30 concurrent queries), fails the run', async () => {
    logs.on(StartQueryCommand).resolvesOnce({}).rejectsOnce(new Error('LimitExceededException'));
    await expect(runInsightsQuery(client, REQUEST, timing())).rejects.toThrow(/without a queryId/);
    await expect(runInsightsQuery(client, REQUEST, timing())).rejects.toThrow(/LimitExceeded/);
  });
});
