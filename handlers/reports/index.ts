/**
 * `daily-report`, `weekly-report`, `monthly-report` Lambdas (one bundle; CADENCE names the function's cadence),
 * run by EventBridge Scheduler at 09:00 JST. Event `{ "cadence"?: ..., "date"?: "YYYY-MM-DD" }`: without a
 * date the last complete period is reported; with one, that period (a missed run is re-run this way). An
 * already delivered period is skipped (delivery marker in the archive). A failure to archive or to publish is
 * rethrown, so the schedule's retries and the function's error alarm take over. See docs/reports.md.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { awsSinks, awsSources } from '../../lib/reports/aws/index.js';
import { parseReportConfig } from '../../lib/reports/config.js';
import { type RunResult, runReport } from '../../lib/reports/deliver.js';
import { CADENCES, type Cadence, type ReportConfig } from '../../lib/reports/types.js';
import { cloudtrailClient, cloudtrailGlobalClient } from '../shared/clients/cloudtrail.js';
import { cloudwatchClient } from '../shared/clients/cloudwatch.js';
import { costExplorerClient } from '../shared/clients/cost-explorer.js';
import { dynamodbClient } from '../shared/clients/dynamodb.js';
import { logsClient } from '../shared/clients/logs.js';
import { s3Client } from '../shared/clients/s3.js';
import { sesv2Client } from '../shared/clients/sesv2.js';
import { snsClient } from '../shared/clients/sns.js';
import { readConfigObject } from '../shared/config-object.js';

const logger = new Logger({ serviceName: 'ses-migration-reports' });

export interface ReportEvent {
  readonly cadence?: string;
  readonly date?: string;
}

function required(env: NodeJS.ProcessEnv, key: string): string {
  const v = env[key];
  if (!v)
    throw new Error(
      `environment variable ${key} is not set: the function must be deployed by the reports stack`,
    );
  return v;
}

let config: ReportConfig | undefined;

/**
 * The report configuration: the object REPORT_CONFIG_KEY names in ARTIFACTS_BUCKET (read once per cold start,
 * its SHA-256 checked against the key), or REPORT_CONFIG_JSON for local runs. A failure caches nothing.
 */
async function reportConfiguration(env: NodeJS.ProcessEnv): Promise<ReportConfig> {
  const key = env.REPORT_CONFIG_KEY;
  if (!key) return parseReportConfig(env.REPORT_CONFIG_JSON);
  const bucket = required(env, 'ARTIFACTS_BUCKET');
  const body = await readConfigObject({
    bucket,
    key,
    what: 'report configuration object',
    stack: 'reports',
    bucketVariable: 'ARTIFACTS_BUCKET',
    fail: (message, options) => new Error(message, options),
  });
  return parseReportConfig(body, `s3://${bucket}/${key}`);
}

export async function handler(event: ReportEvent | undefined): Promise<RunResult> {
  const env = process.env;
  config ??= await reportConfiguration(env);
  const cfg = config;
  const cadence = (event?.cadence ?? env.CADENCE) as Cadence;
  if (!CADENCES.includes(cadence)) {
    throw new Error(
      `cadence "${String(event?.cadence ?? env.CADENCE)}" is not one of ${CADENCES.join(', ')}`,
    );
  }
  const sources = awsSources(
    cfg,
    {
      cloudwatch: cloudwatchClient(),
      logs: logsClient(),
      s3: s3Client(),
      dynamodb: dynamodbClient(),
      cloudtrail: cloudtrailClient(),
      cloudtrailGlobal: cloudtrailGlobalClient(),
      costExplorer: costExplorerClient(),
    },
    { artifactsBucket: env.ARTIFACTS_BUCKET },
  );
  const sinks = awsSinks(
    cfg,
    { s3: s3Client(), sesv2: sesv2Client(), sns: snsClient() },
    {
      archiveBucket: required(env, 'ARCHIVE_BUCKET'),
      archiveKeyArn: env.ARCHIVE_KEY_ARN,
      topicArn: required(env, 'TOPIC_P3_ARN'),
    },
  );
  try {
    const result = await runReport(
      cfg,
      { cadence, ...(event?.date ? { date: event.date } : {}) },
      { sources, sinks, now: () => new Date(), log: (m, x) => logger.info(m, { ...x }) },
    );
    logger.info('report run finished', { ...result });
    return result;
  } catch (error) {
    logger.error('report run failed', { error: error as Error });
    throw error;
  }
}
