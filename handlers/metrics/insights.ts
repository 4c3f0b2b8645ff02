/**
 * One CloudWatch Logs Insights query, start to finish: StartQuery, then GetQueryResults until the query is
 * `Complete`. Anything else is an error naming the status: `Failed`, `Cancelled`, `Timeout`, `Unknown`, or our
 * own deadline (the query is then stopped, best effort, so it does not hold one of the account's concurrent
 * query slots). Results read while the query is `Scheduled` or `Running` are partial and never returned.
 */
import {
  type CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { INSIGHTS_ROW_LIMIT, type ResultField } from './domains.js';
import { MetricsQueryError } from './errors.js';

export interface InsightsRequest {
  readonly logGroupName: string;
  readonly queryString: string;
  /** Inclusive. */
  readonly start: Date;
  /** Exclusive (Insights' end time is inclusive to the second: the query ends one second earlier). */
  readonly end: Date;
}

export interface InsightsTiming {
  /** Give up (and stop the query) after this long. */
  readonly timeoutMs: number;
  /** First wait between polls; doubles up to `maxPollMs`. */
  readonly pollMs: number;
  readonly maxPollMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

export const defaultTiming = (): InsightsTiming => ({
  timeoutMs: 40_000,
  pollMs: 500,
  maxPollMs: 4_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: Date.now,
});

/** What a run reports about the query besides its rows. */
export interface InsightsAnswer {
  readonly queryId: string;
  readonly rows: ResultField[][];
  readonly polls: number;
  readonly bytesScanned: number | undefined;
}

const STILL_RUNNING = new Set(['Scheduled', 'Running']);

export async function runInsightsQuery(
  logs: CloudWatchLogsClient,
  request: InsightsRequest,
  timing: InsightsTiming,
): Promise<InsightsAnswer> {
  const started = timing.now();
  const { queryId } = await logs.send(
    new StartQueryCommand({
      logGroupName: request.logGroupName,
      queryString: request.queryString,
      startTime: Math.floor(request.start.getTime() / 1000),
      endTime: Math.ceil(request.end.getTime() / 1000) - 1,
      limit: INSIGHTS_ROW_LIMIT,
    }),
  );
  if (!queryId) throw new MetricsQueryError('StartQuery answered without a queryId');
  let wait = timing.pollMs;
  for (let polls = 1; ; polls++) {
    await timing.sleep(wait);
    const res = await logs.send(new GetQueryResultsCommand({ queryId }));
    const status = res.status ?? 'Unknown';
    if (status === 'Complete') {
      return {
        queryId,
        rows: (res.results ?? []) as ResultField[][],
        polls,
        bytesScanned: res.statistics?.bytesScanned,
      };
    }
    if (!STILL_RUNNING.has(status)) {
      throw new MetricsQueryError(
        `Logs Insights query ${queryId} on ${request.logGroupName} ended ${status}; no domain is rated this run`,
      );
    }
    if (timing.now() - started + wait >= timing.timeoutMs) {
      await logs.send(new StopQueryCommand({ queryId })).catch(() => undefined);
      throw new MetricsQueryError(
        `Logs Insights query ${queryId} on ${request.logGroupName} was still ${status} after ${Math.round((timing.now() - started) / 1000)} s (limit ${timing.timeoutMs / 1000} s); stopped it, no domain is rated this run`,
      );
    }
    wait = Math.min(wait * 2, timing.maxPollMs);
  }
}
