/**
 * The `metrics` handler's effects: reads the account-wide SES counters (GetMetricData) and the per-domain
 * counts (one Logs Insights query) in parallel, lets the cores decide, publishes the documents (EMF) and logs
 * the worst domains by name. A failed per-domain query publishes no worst-domain value but `DomainQueryFailed`
 * = 1 and the error; a failed GetMetricData fails the run (no heartbeat: the heartbeat alarm sees it).
 */
import { type CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
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
import {
  domainQuery,
  domainWindow,
  failedDomainDocument,
  parseDomainRows,
  planDomainOutput,
  type WorstDomainsRecord,
} from './domains.js';
import type { EmitDocuments } from './emf.js';
import { type InsightsTiming, runInsightsQuery } from './insights.js';

export interface MetricsDeps {
  readonly cloudwatch: CloudWatchClient;
  readonly logs: CloudWatchLogsClient;
  readonly emit: EmitDocuments;
  readonly warn: (message: string, extra: Record<string, unknown>) => void;
  /** Logs the run's worst domains (a structured record the notifier reads back). */
  readonly record: (record: WorstDomainsRecord) => void;
  /** Logs a failed per-domain query (never silent). */
  readonly error: (message: string, extra: Record<string, unknown>) => void;
  /** Insights polling; the timeout comes from the configuration. */
  readonly timing: Omit<InsightsTiming, 'timeoutMs'>;
}

/** What the run read and published (also the Lambda's return value). */
export interface MetricsSummary {
  readonly window: { readonly start: string; readonly end: string };
  readonly account: { readonly counts: SesCounts; readonly rates: Rates };
  readonly domains:
    | {
        readonly ok: true;
        readonly window: { readonly start: string; readonly end: string };
        readonly seen: number;
        readonly rated: number;
        readonly worstBounce?: { readonly domain: string; readonly rate: number };
        readonly worstComplaint?: { readonly domain: string; readonly rate: number };
        readonly polls: number;
      }
    | { readonly ok: false; readonly error: string };
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

async function accountCounts(deps: MetricsDeps, window: MetricsWindow): Promise<SesCounts> {
  const planned = planQueries();
  return sumCounts(planned, await fetchResults(deps, planned, window));
}

async function domainOutput(config: MetricsConfig, deps: MetricsDeps, window: MetricsWindow) {
  const answer = await runInsightsQuery(
    deps.logs,
    {
      logGroupName: config.sesEventsLogGroup,
      queryString: domainQuery(),
      start: window.start,
      end: window.end,
    },
    { ...deps.timing, timeoutMs: config.domainQueryTimeoutSeconds * 1000 },
  );
  return { ...planDomainOutput(window, parseDomainRows(answer.rows), config.minimumSendVolume), answer };
}

/** One run: account-wide rates (stamped `now`) and the worst domains of the last 5-minute period. */
export async function collectAndPublish(
  config: MetricsConfig,
  deps: MetricsDeps,
  now: Date,
): Promise<MetricsSummary> {
  const window = metricsWindow(now, config);
  const dWindow = domainWindow(now, config.domainLagMinutes);
  const [account, domain] = await Promise.allSettled([
    accountCounts(deps, window),
    domainOutput(config, deps, dWindow),
  ]);

  // The per-domain part first: it is published even when GetMetricData failed.
  let domains: MetricsSummary['domains'];
  let domainMetrics: number;
  if (domain.status === 'fulfilled') {
    const { document, record, answer } = domain.value;
    // Stamped with the window's start: the alarm compares the same 5-minute period as the account-wide tier.
    deps.emit(config.namespace, [document], dWindow.start);
    deps.record(record);
    domainMetrics = document.metrics.length;
    domains = {
      ok: true,
      window: { start: record.windowStart, end: record.windowEnd },
      seen: record.domainsSeen,
      rated: record.ratedDomains,
      ...(record.bounce[0] && {
        worstBounce: { domain: record.bounce[0].domain, rate: record.bounce[0].rate },
      }),
      ...(record.complaint[0] && {
        worstComplaint: { domain: record.complaint[0].domain, rate: record.complaint[0].rate },
      }),
      polls: answer.polls,
    };
  } else {
    const reason = domain.reason instanceof Error ? domain.reason.message : String(domain.reason);
    const document = failedDomainDocument(dWindow, reason);
    deps.emit(config.namespace, [document], dWindow.start);
    deps.error('per-domain query failed: no worst-domain rate this run', {
      windowStart: dWindow.start.toISOString(),
      windowEnd: dWindow.end.toISOString(),
      error: reason,
    });
    domainMetrics = document.metrics.length;
    domains = { ok: false, error: reason };
  }

  if (account.status === 'rejected') throw account.reason;
  const documents = planDocuments(window, account.value);
  // Stamped with the run time, not the window: the alarms (Period 300) then see one value per 5-minute
  // period at the head of the series instead of a value ten minutes in the past.
  deps.emit(config.namespace, documents, now);
  return {
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    account: { counts: account.value, rates: computeRates(account.value) },
    domains,
    documents: documents.length + 1,
    metricsPublished: documents.reduce((n, d) => n + d.metrics.length, 0) + domainMetrics,
  };
}
