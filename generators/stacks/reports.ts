/**
 * reports (seed 4.3.1, 3.3.2, 5.5.2): the daily, weekly and monthly report functions with their Asia/Tokyo
 * schedules (09:00; Mondays; the 1st) and the report mail's own SES configuration set. The set has no event
 * destinations, so report mail is absent from /aws/ses/events, the archive and the per-domain metrics.
 */

import { configObjectPrefix } from '../../contracts/artifacts.js';
import { reportConfig, reportConfigObject } from '../../lib/reports/config.js';
import { CADENCES } from '../../lib/reports/types.js';
import type { CfnResource, PolicyStatement } from '../lib/cfn.js';
import { lambdaFunction, lambdaIds, schedule } from '../lib/lambda.js';
import { logicalId } from '../lib/logical-id.js';
import { res, sub } from '../lib/resources.js';
import { pascal, type StackContext, type StackDefinition } from '../lib/template.js';

const SCHEDULE = {
  daily: { expression: 'cron(0 9 * * ? *)', text: '毎日 09:00 JST: 前日の日次レポート' },
  weekly: { expression: 'cron(0 9 ? * MON *)', text: '毎週月曜 09:00 JST: 前週の週次レポート' },
  monthly: { expression: 'cron(0 9 1 * ? *)', text: '毎月1日 09:00 JST: 前月の月次レポート' },
} as const;

const CONFIGURATION_SET = logicalId('ReportConfigurationSet');

/** The configured domain whose identity SES authorizes a send from `sender` on (the address's own domain). */
function senderDomain(domains: readonly { name: string }[], sender: string): string {
  return domains.find((d) => sender.toLowerCase().endsWith(`@${d.name}`))!.name;
}

function build(ctx: StackContext) {
  const { cfg } = ctx;
  const report = reportConfig(cfg);
  const sender = cfg.reports.sender;
  if (sender && !cfg.ses.domains.some((d) => sender.toLowerCase().endsWith(`@${d.name}`))) {
    throw new Error(
      `${cfg.source}: reports.sender "${sender}" is not at a domain of ses.domains (${cfg.ses.domains.map((d) => d.name).join(', ')}): SES sends only from verified identities`,
    );
  }
  const arn = (service: string, resource: string, region = true) =>
    sub(`arn:\${AWS::Partition}:${service}:${region ? '${AWS::Region}' : ''}:\${AWS::AccountId}:${resource}`);
  const archiveBucket = ctx.fromStack('enhanced-kinesis', 'ArchiveBucketName');
  const archiveKey = ctx.fromStack('enhanced-kinesis', 'ArchiveKeyArn');
  const artifactsBucket = ctx.fromStack('base', 'ArtifactsBucketName');
  const configObject = ctx.configObject(reportConfigObject(cfg.sceptreEnv, cfg));
  const p3 = ctx.fromStack('base', 'DeliveryTopicP3Arn');
  const bucketArn = (b: { Ref: string }, path: string) =>
    sub(`arn:\${AWS::Partition}:s3:::\${${b.Ref}}${path}`);
  const statements: PolicyStatement[] = [
    // GetMetricData, GetMetricWidgetImage, DescribeAlarms and a name-less DescribeAlarmHistory take no narrower resource.
    {
      Sid: 'ReadMetricsAndAlarms',
      Effect: 'Allow',
      Action: [
        'cloudwatch:GetMetricData',
        'cloudwatch:GetMetricWidgetImage',
        'cloudwatch:DescribeAlarms',
        'cloudwatch:DescribeAlarmHistory',
      ],
      Resource: '*',
    },
    {
      Sid: 'ReadDashboard',
      Effect: 'Allow',
      Action: 'cloudwatch:GetDashboard',
      Resource: arn('cloudwatch', `dashboard/${report.dashboard}`, false),
    },
    {
      Sid: 'QueryEventAndComplianceLogs',
      Effect: 'Allow',
      Action: 'logs:StartQuery',
      // Both ARN forms: IAM evaluates StartQuery against the log group ARN with and without the trailing :*.
      Resource: [report.logGroups.sesEvents, report.logGroups.compliance].flatMap((g) => [
        arn('logs', `log-group:${g}`),
        arn('logs', `log-group:${g}:*`),
      ]),
    },
    {
      Sid: 'QueryResultsAndRetention',
      Effect: 'Allow',
      Action: ['logs:GetQueryResults', 'logs:DescribeLogGroups'],
      Resource: '*',
    },
    {
      Sid: 'ArchiveReports',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: bucketArn(archiveBucket, '/reports/*'),
    },
    {
      // Without ListBucket a missing delivery marker reads as 403 instead of 404.
      Sid: 'SeeWhichReportsExist',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucketArn(archiveBucket, ''),
      Condition: { StringLike: { 's3:prefix': 'reports/*' } },
    },
    {
      Sid: 'EncryptArchive',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: archiveKey,
    },
    {
      Sid: 'ReadDriftReports',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: bucketArn(artifactsBucket, `/drift-reports/${cfg.environment}/*`),
    },
    {
      Sid: 'ReadReportConfig',
      Effect: 'Allow',
      Action: 's3:GetObject',
      // Its versions (the role is updated before the functions: contracts/artifacts.ts configObjectPrefix).
      Resource: bucketArn(artifactsBucket, `/${configObjectPrefix(configObject.key)}*`),
    },
    {
      Sid: 'ListDriftReports',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucketArn(artifactsBucket, ''),
      Condition: { StringLike: { 's3:prefix': `drift-reports/${cfg.environment}/*` } },
    },
    {
      Sid: 'DecryptDriftReports',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: ctx.fromStack('base', 'ArtifactsKeyArn'),
    },
    {
      Sid: 'ReadByodkimState',
      Effect: 'Allow',
      Action: 'dynamodb:GetItem',
      Resource: arn('dynamodb', `table/${report.byodkimTable}`),
    },
    {
      Sid: 'AuditTrailStatus',
      Effect: 'Allow',
      Action: ['cloudtrail:GetTrail', 'cloudtrail:GetTrailStatus'],
      Resource: arn('cloudtrail', `trail/${report.trailName}`),
    },
    // LookupEvents and Cost Explorer's GetCostAndUsage support no resource-level permissions.
    {
      Sid: 'SecurityAuditAndCost',
      Effect: 'Allow',
      Action: ['cloudtrail:LookupEvents', 'ce:GetCostAndUsage'],
      Resource: '*',
    },
    // The sender's own domain identity only (not every domain's: 1,000 ARNs would not fit the role); without a
    // sender the reports are not mailed, and the role sends nothing.
    ...(sender
      ? [
          {
            Sid: 'MailFromConfiguredSenderThroughReportSet',
            Effect: 'Allow',
            Action: ['ses:SendEmail', 'ses:SendRawEmail'],
            Resource: [
              arn('ses', `identity/${senderDomain(cfg.ses.domains, sender)}`),
              arn('ses', `configuration-set/${report.reportConfigurationSet}`),
            ],
            Condition: { StringEquals: { 'ses:FromAddress': sender } },
          },
        ]
      : []),
    { Sid: 'SummaryToP3', Effect: 'Allow', Action: 'sns:Publish', Resource: p3 },
    {
      Sid: 'EncryptForTopic',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: ctx.fromStack('base', 'NotificationsKeyArn'),
    },
  ];
  const resources: Record<string, CfnResource> = {
    [CONFIGURATION_SET.id]: res('AWS::SES::ConfigurationSet', {
      Name: report.reportConfigurationSet,
      ReputationOptions: { ReputationMetricsEnabled: false },
      SendingOptions: { SendingEnabled: true },
    }),
  };
  for (const cadence of CADENCES) {
    const fn = lambdaIds(`${pascal(cadence)}Report`);
    Object.assign(
      resources,
      lambdaFunction(ctx, {
        id: fn.prefix,
        fn: `${cadence}-report`,
        handler: 'reports',
        description: `Renders, archives and mails the ${cadence} report (seed 4.3.1) in Japanese`,
        statements,
        environment: {
          CADENCE: cadence,
          // Every domain is in it: an object in the artifacts bucket, not the 4 KB environment (issue #14).
          REPORT_CONFIG_KEY: configObject.key,
          ARCHIVE_BUCKET: archiveBucket,
          ARCHIVE_KEY_ARN: archiveKey,
          ARTIFACTS_BUCKET: artifactsBucket,
          TOPIC_P3_ARN: p3,
        },
        timeoutSeconds: cadence === 'daily' ? 300 : 600,
        memoryMb: 512,
      }),
      schedule(ctx, {
        id: fn.prefix,
        name: `${cadence}-report`,
        expression: SCHEDULE[cadence].expression,
        functionId: fn.fn,
        input: { cadence },
        description: SCHEDULE[cadence].text,
      }),
    );
  }
  return {
    description: 'daily, weekly and monthly reports: functions, schedules, the report mail configuration set',
    resources,
    outputs: {
      ReportConfigurationSetName: {
        value: CONFIGURATION_SET.ref,
        description: 'Configuration set of report mail (no event destinations)',
      },
    },
  };
}

export const reportsStack: StackDefinition = {
  id: 'reports',
  purpose: 'Daily, weekly and monthly reports (seed 4.3.1): functions, Asia/Tokyo schedules, report mail set',
  after: ['monitoring', 'ses'],
  handlers: ['reports'],
  build,
};
