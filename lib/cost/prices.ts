/**
 * List prices in ap-northeast-1 (Tokyo), USD, without free tiers or volume discounts, as of PRICES_DATE.
 * Each price names its AWS pricing page and the Price List usage type. `checked: true` prices were read from
 * the AWS Price List API for Asia Pacific (Tokyo) with that effective date (via a public export of it: this
 * workplace cannot reach AWS); `checked: false` prices are the pricing page's values as known to us and must be
 * re-read before a budget decision. Re-check all of them when the date is more than a year old.
 */

export const PRICES_DATE = '2026-07-01';

export interface Price {
  readonly usd: number;
  readonly per: string;
  readonly page: string;
  readonly usageType: string;
  readonly checked: boolean;
}

const CW = 'https://aws.amazon.com/cloudwatch/pricing/';
const p = (usd: number, per: string, page: string, usageType: string, checked: boolean): Price => ({
  usd,
  per,
  page,
  usageType,
  checked,
});

export const PRICES = {
  customMetric: p(0.3, 'metric-month (first 10,000)', CW, 'APN1-CW:MetricMonitorUsage', true),
  alarmMetric: p(0.1, 'standard-resolution alarm metric-month', CW, 'APN1-CW:AlarmMonitorUsage', true),
  compositeAlarm: p(0.5, 'composite alarm-month', CW, 'APN1-CW:AlarmMonitorUsage (composite)', false),
  dashboard: p(3, 'dashboard-month', CW, 'APN1-DashboardsUsageHour', false),
  getMetricData: p(0.01, '1,000 metrics requested', CW, 'APN1-CW:GMD-Metrics', false),
  logsIngestion: p(0.76, 'GB ingested (standard class)', CW, 'APN1-DataProcessing-Bytes', true),
  logsStorage: p(0.033, 'GB-month stored (compressed)', CW, 'APN1-TimedStorage-ByteHrs', true),
  logsInsights: p(0.0076, 'GB scanned by Logs Insights', CW, 'APN1-DataScanned-Bytes', false),
  logsDataProtection: p(0.12, 'GB scanned by data protection', CW, 'APN1-DataProtection-Bytes', false),
  firehoseIngestion: p(
    0.036,
    'GB ingested (records rounded up to 5 KB)',
    'https://aws.amazon.com/firehose/pricing/',
    'APN1-BilledBytes',
    false,
  ),
  s3Standard: p(
    0.025,
    'GB-month (first 50 TB)',
    'https://aws.amazon.com/s3/pricing/',
    'APN1-TimedStorage-ByteHrs',
    true,
  ),
  s3GlacierIr: p(
    0.005,
    'GB-month',
    'https://aws.amazon.com/s3/pricing/',
    'APN1-TimedStorage-GIR-ByteHrs',
    false,
  ),
  s3Put: p(0.0047, '1,000 PUT requests', 'https://aws.amazon.com/s3/pricing/', 'APN1-Requests-Tier1', false),
  lambdaRequests: p(
    0.2,
    '1 million requests',
    'https://aws.amazon.com/lambda/pricing/',
    'APN1-Request',
    true,
  ),
  lambdaDuration: p(
    0.0000166667,
    'GB-second (x86)',
    'https://aws.amazon.com/lambda/pricing/',
    'APN1-Lambda-GB-Second',
    true,
  ),
  kmsKey: p(
    1,
    'customer managed key-month',
    'https://aws.amazon.com/kms/pricing/',
    'ap-northeast-1-KMS-Keys',
    true,
  ),
  kmsRequests: p(
    0.03,
    '10,000 requests',
    'https://aws.amazon.com/kms/pricing/',
    'ap-northeast-1-KMS-Requests',
    true,
  ),
  dynamodbReads: p(
    0.1425,
    '1 million read request units (on-demand)',
    'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    'APN1-ReadRequestUnits',
    false,
  ),
  cloudTrailDataEvents: p(
    0.1,
    '100,000 data events',
    'https://aws.amazon.com/cloudtrail/pricing/',
    'APN1-DataEventsRecorded',
    false,
  ),
} as const satisfies Record<string, Price>;

export type PriceKey = keyof typeof PRICES;
