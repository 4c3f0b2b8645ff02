/** Reads the SES counters, lets the core decide, publishes the documents: the `metrics` handler's effects. */
import { type CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { MetricsConfig } from '../../contracts/functions/metrics.js';
import {
  chunkQueries,
  computeRates,
  type MetricsWindow,
  metricsWindow,
  type PlannedQuery,
  planDocuments,
  planQueries,
  type QueryResult,
  type Rates,
  type SesCounts,
  sumCounts,
} from './core.js';
import type { EmitDocuments } from './emf.js';

export interface MetricsDeps {
  readonly cloudwatch: CloudWatchClient;
  readonly emit: EmitDocuments;
  readonly warn: (message: string, extra: Record<string, unknown>) => void;
}

export interface ScopeSummary {
  readonly counts: SesCounts;
  readonly rates: Rates;
}

/** What the run read and published (also the Lambda's return value). */
export interface MetricsSummary {
  readonly window: { readonly start: string; readonly end: string };
  readonly account: ScopeSummary;
  readonly domains: Readonly<Record<string, ScopeSummary>>;
  readonly documents: number;
  readonly metricsPublished: number;
}

async function fetchResults(
  deps: MetricsDeps,
  planned: readonly PlannedQuery[],
  window: MetricsWindow,
): Promise<QueryResult[]> {
  const results: QueryResult[] = [];
  for (const chunk of chunkQueries(planned)) {
    let nextToken: string | undefined;
    do {
      const page = await deps.cloudwatch.send(
        new GetMetricDataCommand({
          MetricDataQueries: chunk.map((p) => p.query),
          StartTime: window.start,
          EndTime: window.end,
          ScanBy: 'TimestampAscending',
          NextToken: nextToken,
        }),
      );
      for (const result of page.MetricDataResults ?? []) {
        if (result.StatusCode !== undefined && result.StatusCode !== 'Complete') {
          deps.warn('GetMetricData result incomplete; counts may be low', {
            id: result.Id,
            status: result.StatusCode,
          });
        }
        results.push(result);
      }
      nextToken = page.NextToken;
    } while (nextToken);
  }
  return results;
}

/** One run: read the window ending `lag` before `now`, publish the documents stamped `now`. */
export async function collectAndPublish(
  config: MetricsConfig,
  deps: MetricsDeps,
  now: Date,
): Promise<MetricsSummary> {
  const window = metricsWindow(now, config);
  const planned = planQueries(config.domains);
  const counts = sumCounts(config.domains, planned, await fetchResults(deps, planned, window));
  const documents = planDocuments(window, counts);
  // Stamped with the run time, not the window: the alarms (Period 300) then see one value per 5-minute
  // period at the head of the series instead of a value ten minutes in the past.
  deps.emit(config.namespace, documents, now);
  return {
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    account: { counts: counts.account, rates: computeRates(counts.account) },
    domains: Object.fromEntries(
      counts.domains.map(({ domain, counts: c }) => [domain, { counts: c, rates: computeRates(c) }]),
    ),
    documents: documents.length,
    metricsPublished: documents.reduce((n, d) => n + d.metrics.length, 0),
  };
}
