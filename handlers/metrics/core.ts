/**
 * Pure core of the `metrics` handler: which window to read, which `AWS/SES` series to ask for, how the
 * counts become rates, and which metric documents to publish. No AWS calls, no clock, no environment.
 *
 * Formulas, over one window of `windowMinutes` (default 15) ending `lagMinutes` (default 10) before the run,
 * aligned to 5-minute buckets, for the account (no dimensions; per-domain rates: domains.ts):
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
import { QUERY_LIMITS } from '../../contracts/limits.js';
import { METRICS } from '../../contracts/metrics.js';
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

/** GetMetricData accepts at most 500 queries per request. */
export const MAX_QUERIES_PER_REQUEST = QUERY_LIMITS.getMetricDataMaxQueries;

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

/** One GetMetricData query and the counter it reads. */
export interface PlannedQuery {
  readonly id: string;
  readonly metric: SesCountMetric;
  readonly query: MetricDataQuery;
}

/** The queries for the account-wide counters (no dimensions): five metrics, one request. */
export function planQueries(): PlannedQuery[] {
  return SES_COUNT_METRICS.map((metric) => {
    const id = metric.toLowerCase();
    return {
      id,
      metric,
      query: {
        Id: id,
        MetricStat: {
          Metric: { Namespace: 'AWS/SES', MetricName: metric, Dimensions: [] },
          Period: BUCKET_SECONDS,
          Stat: 'Sum',
        },
        ReturnData: true,
      },
    };
  });
}

/** Splits queries into GetMetricData-sized requests (at most 500 metrics per request). */
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
export function sumCounts(planned: readonly PlannedQuery[], results: readonly QueryResult[]): SesCounts {
  const byId = new Map(planned.map((p) => [p.id, p]));
  const sums = zeroCounts();
  for (const result of results) {
    const plan = result.Id === undefined ? undefined : byId.get(result.Id);
    if (plan === undefined) {
      throw new MetricsQueryError(
        `GetMetricData returned a result for query id ${JSON.stringify(result.Id)}, which was not asked for; ` +
          `expected one of ${planned.length} ids such as ${JSON.stringify(planned[0]?.id)}`,
      );
    }
    for (const value of result.Values ?? []) {
      if (Number.isFinite(value) && value > 0) sums[plan.metric] += value;
    }
  }
  return sums;
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
 * The account-wide document (no dimensions): heartbeat, volume, rates. The raw counts ride along as metadata
 * (searchable in the log, not billed as metrics).
 */
export function planDocuments(window: MetricsWindow, counts: SesCounts): MetricDocument[] {
  return [
    {
      dimensions: {},
      metrics: [
        { name: METRICS.metricsHeartbeat.name, unit: METRICS.metricsHeartbeat.unit, value: 1 },
        { name: METRICS.sendVolume.name, unit: METRICS.sendVolume.unit, value: counts.Send },
        ...rateMetrics(computeRates(counts)),
      ],
      metadata: countsMetadata(window, counts),
    },
  ];
}
