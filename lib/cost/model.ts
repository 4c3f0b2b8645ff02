/**
 * The monthly cost of one environment, line by line, from its generated templates and a sending volume (issue
 * #14, item 3). Pure: templates and volume in, lines out. Counts come from the templates (alarms, metrics of the
 * event destination, dashboards, keys, trail selectors, Firehose settings) and from the metric catalogue; the
 * traffic figures below are assumptions, stated in ASSUMPTIONS and printed with every estimate.
 */
import { DIMENSIONS, METRICS } from '../../contracts/metrics.js';
import { PRICES, type PriceKey } from './prices.js';

export const ASSUMPTIONS = {
  daysPerMonth: 30,
  /** SES events per message: send + delivery + ~5 % bounce, complaint, delay or reject. */
  eventsPerSend: 2.05,
  /** One SES event as EventBridge delivers it to CloudWatch Logs (JSON envelope). */
  eventBytes: 1500,
  /** Firehose bills each record rounded up to the next 5 KB. */
  firehoseBilledRecordBytes: 5 * 1024,
  /** GZIP ratio of SES event JSON in the archive. */
  archiveCompression: 0.15,
  /** CloudWatch Logs bills storage on the compressed size. */
  logsStorageCompression: 0.15,
  /** Months of logs and archive kept in the steady-state storage estimate (first year). */
  storageMonths: 12,
  /** Logs Insights: queries a day (status, dashboards' log widgets) and the hours each scans. */
  insightsQueriesPerDay: 50,
  insightsHoursScanned: 1,
  /** Views a day of the main dashboard: its "worst domains" Logs Insights widget scans the dashboard's 24 hours. */
  worstDomainsWidgetViewsPerDay: 10,
  /**
   * BYODKIM EMF records naming a domain (the domain is a property, not a dimension), about 600 bytes each: the
   * orchestrator's hourly tick logs one per domain; the validation monitor one per domain it checks (below).
   */
  byodkimTickRecordsPerDomainPerDay: 24,
  byodkimRecordBytes: 600,
  /** Metrics function: runs a month (every 5 minutes). */
  metricsRuns: 30 * 24 * 12,
  /** AWS/SES counters each run reads with GetMetricData (account-wide: Send, Delivery, Bounce, Complaint, Reject). */
  metricsCountersPerRun: 5,
  metricsFunctionSeconds: 2,
  /** Masking: Lambda calls a month (Firehose buffers at most 60 s) and seconds per call. */
  maskingInvocations: 30 * 24 * 60,
  maskingSeconds: 0.5,
  /** Other scheduled functions (notifier check every 5 minutes, drift): runs a month, seconds each. */
  otherFunctionRuns: 30 * 24 * 12 + 4,
  otherFunctionSeconds: 1,
  /**
   * BYODKIM rotation tick (hourly). An idle domain costs one consistent DynamoDB read; `npm run bench --
   * byodkim-tick` measures 8.0 s for 1,000 idle domains at 8 ms mocked per read, so 8 ms a domain on top of a
   * second of start-up (rotations in progress add seconds: not in this steady-state figure). Memory and timeout
   * come from the template.
   */
  byodkimTickRuns: 30 * 24,
  byodkimTickBaseSeconds: 1,
  byodkimTickSecondsPerDomain: 0.008,
  /**
   * BYODKIM validation monitor (every 15 minutes): one SES GetEmailIdentity and one DynamoDB read per domain it
   * checks, paced at SES's one request a second, so about a second a domain; at most byodkimMonitorDomainsPerRun
   * domains a run and never past its timeout (the template's).
   */
  byodkimMonitorRuns: 30 * 24 * 4,
  byodkimMonitorSecondsPerDomain: 1,
  /** Domains the monitor checks a run, in consecutive slices (handlers/byodkim/core/monitor.ts MONITOR_DOMAINS_PER_RUN). */
  byodkimMonitorDomainsPerRun: 100,
  /** DynamoDB read request units per state read (ConsistentRead, items under 4 KB). */
  dynamodbRrusPerRead: 1,
  /** KMS requests per archived object and per log batch are small beside S3 Bucket Keys: a flat estimate. */
  kmsRequestsPerMonth: 200_000,
} as const;

export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly price: PriceKey;
  readonly monthlyUsd: number;
  /** True when the quantity grows with the number of sending domains. */
  readonly perDomain: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: templates are arbitrary JSON
type Template = any;

function resources(templates: Record<string, Template>, type: string): Template[] {
  return Object.values(templates).flatMap((t) =>
    Object.values(t.Resources as Record<string, Template>).filter((r) => r.Type === type),
  );
}

/** Alarm metrics: a metric-math alarm is billed per metric it reads, a single-metric alarm as one. */
export function alarmMetricCount(templates: Record<string, Template>): number {
  return resources(templates, 'AWS::CloudWatch::Alarm').reduce((n, r) => {
    const metrics = r.Properties.Metrics as Template[] | undefined;
    return n + (metrics ? metrics.filter((m) => m.MetricStat !== undefined).length : 1);
  }, 0);
}

/** Event destinations with a per-domain dimension (`ses:from-domain`): their metrics grow with domains. */
function perDomainDestinations(templates: Record<string, Template>): Template[] {
  return resources(templates, 'AWS::SES::ConfigurationSetEventDestination')
    .map((r) => r.Properties.EventDestination)
    .filter((d) =>
      (d.CloudWatchDestination?.DimensionConfigurations ?? []).some(
        (c: Template) => c.DimensionName === DIMENSIONS.sesFromDomain,
      ),
    );
}

/** The product's own metrics published with a per-domain dimension (none since issue #14). */
const OWN_PER_DOMAIN = Object.values(METRICS).filter(
  (m) =>
    (m.namespace === 'monitoring' || m.namespace === 'byodkim') &&
    m.dimensions.some((dims) => dims.includes(DIMENSIONS.domain)),
).length;

/**
 * Custom metrics: each event destination's (event types × dimension values: per domain with `ses:from-domain`,
 * one value per configuration set otherwise) plus the product's own, from the catalogue.
 */
export function customMetricCount(templates: Record<string, Template>, domains: number): number {
  const perDomain = new Set(perDomainDestinations(templates));
  const destinations = resources(templates, 'AWS::SES::ConfigurationSetEventDestination')
    .map((r) => r.Properties.EventDestination)
    .filter((d) => d.CloudWatchDestination?.DimensionConfigurations?.length);
  const ses = destinations.reduce(
    (n, d) => n + d.MatchingEventTypes.length * (perDomain.has(d) ? domains : 1),
    0,
  );
  const own = Object.values(METRICS)
    .filter((m) => m.namespace === 'monitoring' || m.namespace === 'byodkim')
    .reduce(
      (n, m) => n + m.dimensions.reduce((k, dims) => k + (dims.includes(DIMENSIONS.domain) ? domains : 1), 0),
      0,
    );
  return ses + own;
}

const line = (
  item: string,
  quantity: number,
  unit: string,
  price: PriceKey,
  perDomain: boolean,
  divisor = 1,
): CostLine => ({
  item,
  quantity,
  unit,
  price,
  monthlyUsd: (quantity / divisor) * PRICES[price].usd,
  perDomain,
});

const GB = 1024 ** 3;

/** The estimate: one line per billed item. */
export function estimate(
  templates: Record<string, Template>,
  volume: { sendsPerDay: number; domains: number },
): CostLine[] {
  const A = ASSUMPTIONS;
  const eventsPerMonth = volume.sendsPerDay * A.eventsPerSend * A.daysPerMonth;
  const eventGb = (eventsPerMonth * A.eventBytes) / GB;
  const composite = resources(templates, 'AWS::CloudWatch::CompositeAlarm').length;
  const dashboards = resources(templates, 'AWS::CloudWatch::Dashboard').length;
  const keys = resources(templates, 'AWS::KMS::Key').length;
  const trails = resources(templates, 'AWS::CloudTrail::Trail').length;
  const firehose = resources(templates, 'AWS::KinesisFirehose::DeliveryStream');
  const backup = firehose.some(
    (f) => f.Properties.ExtendedS3DestinationConfiguration?.S3BackupMode === 'Enabled',
  );
  const archiveGbMonth = eventGb * A.archiveCompression * (backup ? 2 : 1);
  const gmdMetrics = A.metricsRuns * A.metricsCountersPerRun;
  const metricsGrowWithDomains = perDomainDestinations(templates).length > 0 || OWN_PER_DOMAIN > 0;
  const perHourGb = eventGb / (A.daysPerMonth * 24);
  const byodkim = resources(templates, 'AWS::Lambda::Function').some((f) =>
    JSON.stringify(f.Properties.FunctionName ?? '').includes('validation-monitor'),
  );
  const lambdaGbSeconds =
    A.metricsRuns * A.metricsFunctionSeconds * 0.25 +
    A.maskingInvocations * A.maskingSeconds * 0.25 +
    A.otherFunctionRuns * A.otherFunctionSeconds * 0.25;
  const tick = byodkimLoad(templates, volume.domains);
  const archivePuts = (backup ? 2 : 1) * (A.daysPerMonth * 24 * 12); // one object per 5-minute buffer
  return [
    line(
      'alarm metrics (standard alarms; metric math per metric read)',
      alarmMetricCount(templates),
      'alarm metrics',
      'alarmMetric',
      false,
    ),
    line('composite alarms', composite, 'alarms', 'compositeAlarm', false),
    line(
      'custom metrics (event destination, own metrics; per domain only with a per-domain dimension)',
      customMetricCount(templates, volume.domains),
      'metrics',
      'customMetric',
      metricsGrowWithDomains,
    ),
    line(
      'GetMetricData (metrics function: 5 account-wide SES counts every 5 min)',
      gmdMetrics,
      'metrics requested',
      'getMetricData',
      false,
      1000,
    ),
    line(
      'Logs Insights: per-domain query of the metrics function (each SES event scanned once)',
      eventGb,
      'GB scanned',
      'logsInsights',
      false,
    ),
    line(
      "Logs Insights: dashboard's worst-domains widget (views × 24 hours of events)",
      perHourGb * 24 * A.worstDomainsWidgetViewsPerDay * A.daysPerMonth,
      'GB scanned',
      'logsInsights',
      false,
    ),
    line('dashboards', dashboards, 'dashboards', 'dashboard', false),
    line('Logs ingestion: SES events (EventBridge envelopes)', eventGb, 'GB', 'logsIngestion', false),
    line(
      'Logs ingestion: BYODKIM per-domain EMF records (hourly tick; validation, 100 a run)',
      byodkim
        ? ((volume.domains * A.byodkimTickRecordsPerDomainPerDay * A.daysPerMonth +
            A.byodkimMonitorRuns * Math.min(volume.domains, A.byodkimMonitorDomainsPerRun)) *
            A.byodkimRecordBytes) /
            GB
        : 0,
      'GB',
      'logsIngestion',
      byodkim,
    ),
    line('Logs data protection scan of the SES events', eventGb, 'GB', 'logsDataProtection', false),
    line(
      `Logs storage (first ${A.storageMonths} months, compressed)`,
      eventGb * A.logsStorageCompression * A.storageMonths,
      'GB-month',
      'logsStorage',
      false,
    ),
    line(
      'Logs Insights scans (status, dashboards)',
      perHourGb * A.insightsHoursScanned * A.insightsQueriesPerDay * A.daysPerMonth,
      'GB scanned',
      'logsInsights',
      false,
    ),
    line(
      'Firehose ingestion (records rounded to 5 KB)',
      (eventsPerMonth * A.firehoseBilledRecordBytes) / GB,
      'GB',
      'firehoseIngestion',
      false,
    ),
    line(
      `S3 archive, Standard (masked${backup ? ' + raw backup' : ''}, ${A.storageMonths} months at most 90 days Standard)`,
      archiveGbMonth * Math.min(3, A.storageMonths),
      'GB-month',
      's3Standard',
      false,
    ),
    line(
      'S3 archive, Glacier Instant Retrieval (after 90 days)',
      archiveGbMonth * Math.max(0, A.storageMonths - 3),
      'GB-month',
      's3GlacierIr',
      false,
    ),
    line('S3 PUT requests (archive objects)', archivePuts, 'requests', 's3Put', false, 1000),
    line(
      'Lambda requests (metrics, masking, scheduled checks, BYODKIM tick and validation monitor)',
      A.metricsRuns + A.maskingInvocations + A.otherFunctionRuns + tick.runs,
      'requests',
      'lambdaRequests',
      false,
      1_000_000,
    ),
    line(
      'Lambda duration (256 MB: metrics, masking, scheduled checks)',
      lambdaGbSeconds,
      'GB-seconds',
      'lambdaDuration',
      false,
    ),
    line(
      'Lambda duration: BYODKIM rotation tick (hourly; 1 s + 8 ms a domain, bench byodkim-tick)',
      tick.tickGbSeconds,
      'GB-seconds',
      'lambdaDuration',
      tick.enabled,
    ),
    line(
      'Lambda duration: BYODKIM validation monitor (every 15 min; 1 s a domain, 100 at most)',
      tick.monitorGbSeconds,
      'GB-seconds',
      'lambdaDuration',
      tick.enabled,
    ),
    line(
      'DynamoDB reads: BYODKIM state (one read per domain a tick, per domain the monitor reaches)',
      tick.reads,
      'read request units',
      'dynamodbReads',
      tick.enabled,
      1_000_000,
    ),
    line('KMS customer managed keys', keys, 'keys', 'kmsKey', false),
    line('KMS requests', A.kmsRequestsPerMonth, 'requests', 'kmsRequests', false, 10_000),
    line(
      'CloudTrail data events on the archive (Firehose writes)',
      trails ? archivePuts : 0,
      'events',
      'cloudTrailDataEvents',
      false,
      100_000,
    ),
  ];
}

/** A Lambda function of the templates whose FunctionName contains `name`: timeout (s) and memory (GB). */
function lambdaSize(
  templates: Record<string, Template>,
  name: string,
): { timeout: number; gb: number } | undefined {
  const f = resources(templates, 'AWS::Lambda::Function').find((r) =>
    JSON.stringify(r.Properties.FunctionName ?? '').includes(name),
  );
  return f
    ? { timeout: Number(f.Properties.Timeout), gb: Number(f.Properties.MemorySize) / 1024 }
    : undefined;
}

/**
 * What the BYODKIM functions cost that grows with domains: the hourly tick's and the validation monitor's
 * GB-seconds and their DynamoDB state reads. Nothing when the templates have no BYODKIM functions.
 */
export function byodkimLoad(
  templates: Record<string, Template>,
  domains: number,
): { enabled: boolean; runs: number; tickGbSeconds: number; monitorGbSeconds: number; reads: number } {
  const A = ASSUMPTIONS;
  const tick = lambdaSize(templates, 'dkim-rotation-orchestrator');
  const monitor = lambdaSize(templates, 'validation-monitor');
  if (!tick || !monitor) return { enabled: false, runs: 0, tickGbSeconds: 0, monitorGbSeconds: 0, reads: 0 };
  const tickSeconds = Math.min(
    tick.timeout,
    A.byodkimTickBaseSeconds + A.byodkimTickSecondsPerDomain * domains,
  );
  const monitored = Math.min(
    domains,
    A.byodkimMonitorDomainsPerRun,
    Math.floor(monitor.timeout / A.byodkimMonitorSecondsPerDomain),
  );
  return {
    enabled: true,
    runs: A.byodkimTickRuns + A.byodkimMonitorRuns,
    tickGbSeconds: A.byodkimTickRuns * tickSeconds * tick.gb,
    monitorGbSeconds: A.byodkimMonitorRuns * monitored * A.byodkimMonitorSecondsPerDomain * monitor.gb,
    reads: (A.byodkimTickRuns * domains + A.byodkimMonitorRuns * monitored) * A.dynamodbRrusPerRead,
  };
}

export function total(lines: readonly CostLine[]): number {
  return lines.reduce((n, l) => n + l.monthlyUsd, 0);
}

/** Money as printed and as in `npm run cost -- --json`: rounded to cents. */
export const cents = (usd: number): number => Math.round(usd * 100) / 100;
