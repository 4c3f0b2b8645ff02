/**
 * Fetches the history of every metric the alarms read with GetMetricData: at most 500 queries per request,
 * every page (NextToken), throttling retried with backoff, progress on stderr. Pure apart from the client.
 */
import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import type { AggregatedSeries, MetricRef } from '../../lib/alarm-eval/index.js';

/** GetMetricData accepts at most 500 MetricDataQueries per request (aws-facts). */
export const MAX_QUERIES_PER_REQUEST = 500;

/** What CloudWatch keeps (metric retention): finer points expire, coarser ones remain. */
export const RETENTION = [
  { period: 60, days: 15 },
  { period: 300, days: 63 },
  { period: 3600, days: 455 },
] as const;

export interface HistoryQuery {
  readonly metric: MetricRef;
  readonly stat: string;
  /** The alarm's period. */
  readonly period: number;
}

export interface PlannedFetch extends HistoryQuery {
  readonly id: string;
  /** The period actually requested: the alarm's, or the finest CloudWatch still holds for the window. */
  readonly fetchPeriod: number;
}

/**
 * The period to request for data up to `ageDays` old: the alarm's period when CloudWatch still stores points that
 * fine, else the smallest multiple of it that is a multiple of the stored resolution.
 */
export function storedPeriod(period: number, ageDays: number): number {
  const finest = RETENTION.find((r) => ageDays <= r.days)?.period ?? 86_400;
  let p = Math.max(period, finest);
  while (p % finest !== 0 || p % period !== 0) p += Math.min(period, finest);
  return p;
}

/** One query per metric/statistic/period, each with the period it can be fetched at for a window of `days`. */
export function planFetch(queries: readonly HistoryQuery[], days: number): PlannedFetch[] {
  return queries.map((q, i) => ({ ...q, id: `q${i}`, fetchPeriod: storedPeriod(q.period, days) }));
}

export interface FetchDeps {
  readonly client: Pick<CloudWatchClient, 'send'>;
  readonly progress: (line: string) => void;
  readonly sleep: (ms: number) => Promise<void>;
  /** Attempts per request when throttled. @default 5 */
  readonly maxAttempts?: number;
}

const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'LimitExceededException',
  'TooManyRequestsException',
]);

function isThrottle(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return THROTTLED.has(e?.name ?? '') || e?.$metadata?.httpStatusCode === 429;
}

/** Fetches every planned query over [start, end); returns one aggregated series per query. */
export async function fetchHistory(
  planned: readonly PlannedFetch[],
  start: Date,
  end: Date,
  deps: FetchDeps,
): Promise<AggregatedSeries[]> {
  const points = new Map<string, Map<number, number>>(planned.map((p) => [p.id, new Map()]));
  const batches: PlannedFetch[][] = [];
  for (let i = 0; i < planned.length; i += MAX_QUERIES_PER_REQUEST) {
    batches.push(planned.slice(i, i + MAX_QUERIES_PER_REQUEST));
  }
  const maxAttempts = deps.maxAttempts ?? 5;
  for (const [b, batch] of batches.entries()) {
    const queries: MetricDataQuery[] = batch.map((p) => ({
      Id: p.id,
      ReturnData: true,
      MetricStat: {
        Metric: {
          Namespace: p.metric.namespace,
          MetricName: p.metric.name,
          Dimensions: Object.entries(p.metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
        },
        Period: p.fetchPeriod,
        Stat: p.stat,
      },
    }));
    let token: string | undefined;
    let page = 0;
    do {
      page++;
      let attempt = 0;
      for (;;) {
        attempt++;
        try {
          const out = await deps.client.send(
            new GetMetricDataCommand({
              MetricDataQueries: queries,
              StartTime: start,
              EndTime: end,
              ScanBy: 'TimestampAscending',
              NextToken: token,
            }),
          );
          for (const r of out.MetricDataResults ?? []) {
            const target = r.Id === undefined ? undefined : points.get(r.Id);
            if (!target)
              throw new Error(`GetMetricData returned a result for id ${r.Id}, which was not asked for`);
            (r.Timestamps ?? []).forEach((ts, i) => {
              const v = r.Values?.[i];
              if (v !== undefined && Number.isFinite(v)) target.set(new Date(ts).getTime(), v);
            });
          }
          token = out.NextToken;
          const got = (out.MetricDataResults ?? []).reduce((n, r) => n + (r.Values?.length ?? 0), 0);
          deps.progress(
            `backtest: GetMetricData request ${b + 1}/${batches.length} (${batch.length} queries), page ${page}: ${got} datapoints${token ? ', more pages' : ''}`,
          );
          break;
        } catch (error) {
          if (!isThrottle(error) || attempt >= maxAttempts) throw error;
          const wait = Math.min(20_000, 500 * 2 ** (attempt - 1));
          deps.progress(
            `backtest: throttled (${(error as Error).name}), retry ${attempt}/${maxAttempts - 1} in ${wait} ms`,
          );
          await deps.sleep(wait);
        }
      }
    } while (token);
  }
  return planned.map((p) => ({
    metric: p.metric,
    stat: p.stat,
    period: p.fetchPeriod,
    points: [...points.get(p.id)!].sort(([a], [b]) => a - b).map(([t, value]) => ({ t, value })),
  }));
}
