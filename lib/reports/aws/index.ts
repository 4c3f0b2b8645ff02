/** Wires the per-service adapters into the report's sources and sinks, given SDK clients and locations. */
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { ReportSinks, ReportSources } from '../ports.js';
import type { ReportConfig } from '../types.js';
import * as cloudtrail from './cloudtrail.js';
import * as cloudwatch from './cloudwatch.js';
import * as costExplorer from './cost-explorer.js';
import * as dynamodb from './dynamodb.js';
import * as logs from './logs.js';
import * as s3 from './s3.js';
import * as sesv2 from './sesv2.js';
import * as sns from './sns.js';

export interface SourceClients {
  readonly cloudwatch: CloudWatchClient;
  readonly logs: CloudWatchLogsClient;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly cloudtrail: CloudTrailClient;
  /** us-east-1: IAM and console sign-in events. */
  readonly cloudtrailGlobal: CloudTrailClient;
  /** us-east-1: Cost Explorer's only endpoint. */
  readonly costExplorer: CostExplorerClient;
}

export function awsSources(
  cfg: ReportConfig,
  c: SourceClients,
  where: { readonly artifactsBucket?: string },
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): ReportSources {
  return {
    metricData: (q, start, end, period) => cloudwatch.metricData(c.cloudwatch, q, start, end, period),
    dashboard: (name) => cloudwatch.dashboard(c.cloudwatch, name),
    widgetImage: (w) => cloudwatch.widgetImage(c.cloudwatch, w),
    alarms: (prefix) => cloudwatch.alarms(c.cloudwatch, prefix),
    alarmHistory: (prefix, start, end) => cloudwatch.alarmHistory(c.cloudwatch, prefix, start, end),
    insights: (groups, query, start, end) => logs.insights(c.logs, groups, query, start, end, { sleep }),
    logGroups: (names) => logs.logGroups(c.logs, names),
    latestDrift: async () => {
      if (!where.artifactsBucket) throw new Error('artifacts bucket (drift reports) not known');
      return s3.latestDrift(c.s3, where.artifactsBucket, cfg.environment);
    },
    keyAges: (domains) => dynamodb.keyAges(c.dynamodb, cfg.byodkimTable, domains),
    trailStatus: (name) => cloudtrail.trailStatus(c.cloudtrail, name),
    cost: (start, end) => costExplorer.monthlyCost(c.costExplorer, start, end),
    auditEvents: (start, end) => cloudtrail.auditEvents(c.cloudtrail, c.cloudtrailGlobal, start, end),
    piiAccess: (start, end) => cloudtrail.piiUnmaskReads(c.cloudtrail, start, end),
  };
}

export function awsSinks(
  cfg: ReportConfig,
  c: { readonly s3: S3Client; readonly sesv2: SESv2Client; readonly sns: SNSClient },
  where: { readonly archiveBucket: string; readonly archiveKeyArn?: string; readonly topicArn: string },
): ReportSinks {
  return {
    getObject: (key) => s3.getText(c.s3, where.archiveBucket, key),
    putObject: (key, body, type, onlyIfAbsent) =>
      s3.put(c.s3, where.archiveBucket, where.archiveKeyArn, key, body, type, onlyIfAbsent),
    objectLink: (key) => s3.consoleLink(cfg.region, where.archiveBucket, key),
    sendRawEmail: (raw, from, to, set) => sesv2.sendRaw(c.sesv2, raw, from, to, set),
    publish: (subject, message) => sns.publish(c.sns, where.topicArn, subject, message),
  };
}
