/**
 * Pure core of the `metrics` handler: which window to read, which `AWS/SES` series to ask for, how the
 * counts become rates, and which metric documents to publish. No AWS calls, no clock, no environment.
 *
 * Formulas, over one window of `windowMinutes` (default 15) ending `lagMinutes` (default 10) before the run,
 * aligned to 5-minute buckets, for the account (no dimensions) and for each domain (`ses:from-domain`):
 *
 *   SendSuccessRate = 100 × Delivery  / Send
 *   BounceRate      = 100 × Bounce    / Send
 *   ComplaintRate   = 100 × Complaint / Send
 *
 * A complaint is not a failed send (the message *was* delivered; the recipient then marked it as spam), so
 * it is not subtracted from the success rate as seed 2.1.3 did. Rejected messages (virus) are never
 * delivered, so they already lower Delivery / Send and are not subtracted twice either. When Send is 0 no
 * rate is published (a rate of nothing is undefined, and publishing 0 or 100 would trip or mask alarms);
 * `MetricsHeartbeat` (always 1) and `SendVolume` (= Send) are always published so a dead pipeline and a
 * quiet night can be told apart. Rates are clamped to [0, 100]: Delivery and Bounce are counted when they
 * happen, which can be after the window the Send was counted in, so the raw ratio may exceed 100.
 */
import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { DIMENSIONS, METRICS } from '../../contracts/metrics.js';
import { MetricsQueryError } from './errors.js';

/** The `AWS/SES` counters read, in query order. */
export const SES_COUNT_METRICS = [
  METRICS.sesSend.name,
  METRICS.sesDelivery.name,
  METRICS.sesBounce.name,
  METRICS.sesComplaint.name,
  METRICS.sesReject.name,
] as const;
export type SesCountMetric = (typeof SES_COUNT_METRICS)[number];
export type SesCounts = Readonly<Record<SesCountMetric, number>>;

/** SES metrics are read in 5-minute buckets (seed Period 300) and summed over the window. */
export const BUCKET_SECONDS = 300;
const BUCKET_MS = BUCKET_SECONDS * 1000;

/** Dimension that a configuration set's CloudWatch event destination puts on per-domain `AWS/SES` metrics. */
export const SES_DOMAIN_DIMENSION = DIMENSIONS.sesFromDomain;
/** Dimension of the per-domain metrics this handler publishes (the alarms match exactly this set). */
export const DOMAIN_DIMENSION = DIMENSIONS.domain;

/** GetMetricData accepts at most 500 queries per request. */
export const MAX_QUERIES_PER_REQUEST = 500;

export interface WindowSettings {
  /** How far behind the run the window ends, so late SES data has arrived. Multiple of 5. */
  readonly lagMinutes: number;
  /** Length of the window (delivery lags send; a longer window evens out the edges). Multiple of 5. */
  readonly windowMinutes: number;
}

export interface MetricsWindow {
  readonly start: Date;
  readonly end: Date;
}

/** The window read at `now`: ends at `now − lag` rounded down to a 5-minute boundary. */
export function metricsWindow(now: Date, settings: WindowSettings): MetricsWindow {
  const end = Math.floor((now.getTime() - settings.lagMinutes * 60_000) / BUCKET_MS) * BUCKET_MS;
  return { start: new Date(end - settings.windowMinutes * 60_000), end: new Date(end) };
}

/** One GetMetricData query and what it stands for: scope 0 is the account, scope i+1 is `domains[i]`. */
export interface PlannedQuery {
  readonly id: string;
  readonly scope: number;
  readonly metric: SesCountMetric;
  readonly query: MetricDataQuery;
}

/** The queries for the account-wide counters (no dimensions) and each domain's (`ses:from-domain`). */
export function planQueries(domains: readonly string[]): PlannedQuery[] {
  const planned: PlannedQuery[] = [];
  for (let scope = 0; scope <= domains.length; scope++) {
    const domain = scope === 0 ? undefined : domains[scope - 1];
    for (const metric of SES_COUNT_METRICS) {
      const id = `${metric.toLowerCase()}_${scope}`;
      planned.push({
        id,
        scope,
        metric,
        query: {
          Id: id,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/SES',
              MetricName: metric,
              Dimensions: domain === undefined ? [] : [{ Name: SES_DOMAIN_DIMENSION, Value: domain }],
            },
            Period: BUCKET_SECONDS,
            Stat: 'Sum',
          },
          ReturnData: true,
        },
      });
    }
  }
  return planned;
}

/** Splits queries into GetMetricData-sized requests. */
export function chunkQueries(
  planned: readonly PlannedQuery[],
  size = MAX_QUERIES_PER_REQUEST,
): PlannedQuery[][] {
  const chunks: PlannedQuery[][] = [];
  for (let i = 0; i < planned.length; i += size) chunks.push(planned.slice(i, i + size));
  return chunks;
}

export interface QueryResult {
  readonly Id?: string | undefined;
  readonly Values?: readonly number[] | undefined;
}

export interface ScopeCounts {
  readonly account: SesCounts;
  /** Same order as the configured domains. */
  readonly domains: readonly { readonly domain: string; readonly counts: SesCounts }[];
}

const zeroCounts = (): Record<SesCountMetric, number> => ({
  Send: 0,
  Delivery: 0,
  Bounce: 0,
  Complaint: 0,
  Reject: 0,
});

/**
 * Sums the 5-minute buckets of every series over the window. A series without datapoints counts 0 (SES
 * publishes nothing for a bucket in which nothing happened). Results may arrive split over several pages.
 */
export function sumCounts(
  domains: readonly string[],
  planned: readonly PlannedQuery[],
  results: readonly QueryResult[],
): ScopeCounts {
  const byId = new Map(planned.map((p) => [p.id, p]));
  const sums = Array.from({ length: domains.length + 1 }, zeroCounts);
  for (const result of results) {
    const plan = result.Id === undefined ? undefined : byId.get(result.Id);
    if (plan === undefined) {
      throw new MetricsQueryError(
        `GetMetricData returned a result for query id ${JSON.stringify(result.Id)}, which was not asked for; ` +
          `expected one of ${planned.length} ids such as ${JSON.stringify(planned[0]?.id)}`,
      );
    }
    const target = sums[plan.scope]!;
    for (const value of result.Values ?? []) {
      if (Number.isFinite(value) && value > 0) target[plan.metric] += value;
    }
  }
  return {
    account: sums[0]!,
    domains: domains.map((domain, i) => ({ domain, counts: sums[i + 1]! })),
  };
}

export interface Rates {
  readonly SendSuccessRate?: number;
  readonly BounceRate?: number;
  readonly ComplaintRate?: number;
}

const clampPercent = (value: number): number => Math.min(100, Math.max(0, value));

/** The three rates in percent, or none when nothing was sent. */
export function computeRates(counts: SesCounts): Rates {
  const send = counts.Send;
  if (!(send > 0)) return {};
  return {
    SendSuccessRate: clampPercent((100 * counts.Delivery) / send),
    BounceRate: clampPercent((100 * counts.Bounce) / send),
    ComplaintRate: clampPercent((100 * counts.Complaint) / send),
  };
}

export type MetricUnitName = 'Count' | 'Percent';

export interface MetricValue {
  readonly name: string;
  readonly unit: MetricUnitName;
  readonly value: number;
}

/** One EMF document: one dimension set (possibly empty), its metrics and non-metric context. */
export interface MetricDocument {
  readonly dimensions: Readonly<Record<string, string>>;
  readonly metrics: readonly MetricValue[];
  readonly metadata: Readonly<Record<string, string>>;
}

function rateMetrics(rates: Rates): MetricValue[] {
  const out: MetricValue[] = [];
  for (const { name, unit } of [METRICS.sendSuccessRate, METRICS.bounceRate, METRICS.complaintRate]) {
    const value = rates[name];
    if (value !== undefined) out.push({ name, unit, value });
  }
  return out;
}

function countsMetadata(window: MetricsWindow, counts: SesCounts): Record<string, string> {
  return {
    windowStart: window.start.toISOString(),
    windowEnd: window.end.toISOString(),
    sesCounts: JSON.stringify(counts),
  };
}

/**
 * The documents to publish: one account-wide document with no dimensions (heartbeat, volume, rates) and
 * one per domain with the single dimension `Domain` (volume, rates). The raw counts ride along as
 * metadata (searchable in the log, not billed as metrics).
 */
export function planDocuments(window: MetricsWindow, counts: ScopeCounts): MetricDocument[] {
  const account: MetricDocument = {
    dimensions: {},
    metrics: [
      { name: METRICS.metricsHeartbeat.name, unit: METRICS.metricsHeartbeat.unit, value: 1 },
      { name: METRICS.sendVolume.name, unit: METRICS.sendVolume.unit, value: counts.account.Send },
      ...rateMetrics(computeRates(counts.account)),
    ],
    metadata: countsMetadata(window, counts.account),
  };
  const perDomain = counts.domains.map(
    ({ domain, counts: c }): MetricDocument => ({
      dimensions: { [DOMAIN_DIMENSION]: domain },
      metrics: [
        { name: METRICS.sendVolume.name, unit: METRICS.sendVolume.unit, value: c.Send },
        ...rateMetrics(computeRates(c)),
      ],
      metadata: countsMetadata(window, c),
    }),
  );
  return [account, ...perDomain];
}
