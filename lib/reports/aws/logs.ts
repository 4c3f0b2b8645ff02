/** CloudWatch Logs adapter: Logs Insights queries (polled with a deadline) and log group settings. */
import {
  type CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { QUERY_LIMITS } from '../../../contracts/limits.js';
import type { LogGroupInfo } from '../ports.js';

export async function insights(
  logs: CloudWatchLogsClient,
  logGroups: readonly string[],
  query: string,
  start: Date,
  end: Date,
  opts: { sleep: (ms: number) => Promise<void>; timeoutMs?: number } = {
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  },
): Promise<Record<string, string>[]> {
  const { queryId } = await logs.send(
    new StartQueryCommand({
      logGroupNames: [...logGroups],
      queryString: query,
      startTime: Math.floor(start.getTime() / 1000),
      endTime: Math.floor(end.getTime() / 1000) - 1,
      limit: QUERY_LIMITS.insightsMaxRows,
    }),
  );
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    const res = await logs.send(new GetQueryResultsCommand({ queryId }));
    if (res.status === 'Complete') {
      return (res.results ?? []).map((row) =>
        Object.fromEntries(
          row.filter((f) => f.field && f.field !== '@ptr').map((f) => [f.field!, f.value ?? '']),
        ),
      );
    }
    if (res.status === 'Failed' || res.status === 'Cancelled' || res.status === 'Timeout') {
      throw new Error(`Logs Insights query ${res.status}`);
    }
    if (Date.now() > deadline) throw new Error('Logs Insights query did not finish in time');
    await opts.sleep(1000);
  }
}

export async function logGroups(
  logs: CloudWatchLogsClient,
  names: readonly string[],
): Promise<LogGroupInfo[]> {
  const out: LogGroupInfo[] = [];
  for (const name of names) {
    const res = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, limit: 5 }));
    const g = res.logGroups?.find((x) => x.logGroupName === name);
    if (g) {
      out.push({
        name,
        retentionInDays: g.retentionInDays,
        dataProtection: g.dataProtectionStatus === 'ACTIVATED',
      });
    }
  }
  return out;
}
