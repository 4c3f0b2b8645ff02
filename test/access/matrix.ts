/**
 * Who can do what, as data: principal × action × resource [× context] → Allow/Deny, with the reason.
 *
 * Resources are written `<stack>/<LogicalId>` (its ARN in the fixture environment; a log group's ARN without
 * the trailing `:*`), optionally followed by a path (`enhanced-kinesis/ArchiveBucket/raw/x.gz` is an object);
 * `${<stack>/<LogicalId>}` inside a context value is the same ARN, `${account}` the test account. Principals are
 * `role:<name without the environment prefix>`, `user:<synthetic>` (test/access/support/model.ts) or
 * `service:<service principal>`.
 */

import { renderStack } from '../../generators/lib/template.js';
import { byodkimStack } from '../../generators/stacks/byodkim.js';
import { reportsStack } from '../../generators/stacks/reports.js';
import { fakeBundles } from '../support/templates.js';
import { loadFixture } from './support/resolve.js';

export type Effect = 'Allow' | 'Deny';

export interface Expectation {
  readonly who: string;
  readonly action: string;
  readonly on: string;
  readonly context?: Record<string, string | string[]>;
  readonly expect: Effect;
  readonly why: string;
}

const S3_VIA = { 'kms:ViaService': 's3.ap-northeast-1.amazonaws.com' };
const ACCOUNT_CTX = { 'aws:SourceAccount': '${account}' };
const OTHER_ACCOUNT = { 'aws:SourceAccount': '444455556666' };
const TRAIL = 'arn:aws:cloudtrail:ap-northeast-1:${account}:trail/ses-migration-production-archive-access';
const TRAIL_CTX = { 'aws:SourceArn': TRAIL, 'aws:SourceAccount': '${account}' };
const FOREIGN_TRAIL_CTX = {
  'aws:SourceArn': 'arn:aws:cloudtrail:ap-northeast-1:444455556666:trail/other',
  'aws:SourceAccount': '444455556666',
};
const RAW = 'enhanced-kinesis/ArchiveBucket/raw/2026/12/01/00/ses-events-1.gz';
const ERRORS = 'enhanced-kinesis/ArchiveBucket/errors/processing-failed/2026/12/01/x.gz';
const MASKED = 'enhanced-kinesis/ArchiveBucket/masked/2026/12/01/00/ses-events-1.gz';
const AUDIT_OBJECT =
  'security/AuditTrailBucket/AWSLogs/${account}/CloudTrail/ap-northeast-1/2026/12/01/x.json.gz';
const PII_GROUPS = ['ses/SesEventsLogGroup', 'monitoring/ApplicationLogGroup'];
const BYODKIM = { 'kms:EncryptionContext:purpose': 'ses-byodkim' };
const IDENTITY_OWN = 'ses:identity/goo.ne.jp';
const SEND = { 'ses:FromAddress': 'noreply@goo.ne.jp', 'aws:SourceIp': '203.0.113.10' };

function rows(base: Omit<Expectation, 'who'>, who: string[]): Expectation[] {
  return who.map((w) => ({ ...base, who: w }));
}

/** Every delivery path an AWS service needs. */
const deliveryPaths: Expectation[] = [
  // CloudWatch alarms → encrypted alarm topics.
  ...(['P1', 'P2', 'P3'] as const).flatMap((s) => [
    {
      who: 'service:cloudwatch.amazonaws.com',
      action: 'sns:Publish',
      on: `base/AlarmTopic${s}`,
      context: ACCOUNT_CTX,
      expect: 'Allow' as const,
      why: `alarms of severity ${s} publish to their alarm topic`,
    },
  ]),
  {
    who: 'service:cloudwatch.amazonaws.com',
    action: 'sns:Publish',
    on: 'base/AlarmTopicP1',
    context: OTHER_ACCOUNT,
    expect: 'Deny' as const,
    why: 'confused deputy: an alarm of another account may not publish',
  },
  {
    who: 'service:cloudwatch.amazonaws.com',
    action: 'sns:Publish',
    on: 'base/DeliveryTopicP1',
    context: ACCOUNT_CTX,
    expect: 'Deny' as const,
    why: 'alarms reach people only through the notifier',
  },
  ...['kms:GenerateDataKey', 'kms:Decrypt'].map((action) => ({
    who: 'service:cloudwatch.amazonaws.com',
    action,
    on: 'base/NotificationsKey',
    context: ACCOUNT_CTX,
    expect: 'Allow' as const,
    why: 'CloudWatch encrypts the message for the KMS-encrypted topic',
  })),
  {
    who: 'service:cloudwatch.amazonaws.com',
    action: 'kms:GenerateDataKey',
    on: 'base/NotificationsKey',
    context: OTHER_ACCOUNT,
    expect: 'Deny' as const,
    why: 'aws:SourceAccount guards the notifications key',
  },
  ...['service:events.amazonaws.com', 'service:scheduler.amazonaws.com'].map((who) => ({
    who,
    action: 'kms:GenerateDataKey',
    on: 'base/NotificationsKey',
    context: ACCOUNT_CTX,
    expect: 'Deny' as const,
    why: 'no rule or schedule publishes to a topic: the key serves CloudWatch alarms and the functions only',
  })),
  // Alarm topics → notifier.
  ...(['P1', 'P2', 'P3'] as const).map((s) => ({
    who: 'service:sns.amazonaws.com',
    action: 'lambda:InvokeFunction',
    on: 'monitoring/NotifierFunction',
    context: { 'aws:SourceArn': `\${base/AlarmTopic${s}}`, ...ACCOUNT_CTX },
    expect: 'Allow' as const,
    why: `the ${s} alarm topic invokes the notifier`,
  })),
  {
    who: 'service:sns.amazonaws.com',
    action: 'lambda:InvokeFunction',
    on: 'monitoring/NotifierFunction',
    context: { 'aws:SourceArn': '${base/DeliveryTopicP1}', ...ACCOUNT_CTX },
    expect: 'Deny' as const,
    why: 'only the alarm topics invoke the notifier (aws:SourceArn)',
  },
  // CloudWatch Logs → logs key, with the log-group encryption context.
  ...['kms:GenerateDataKey', 'kms:Decrypt'].map((action) => ({
    who: 'service:logs.ap-northeast-1.amazonaws.com',
    action,
    on: 'base/LogsKey',
    context: {
      'kms:EncryptionContext:aws:logs:arn':
        'arn:aws:logs:ap-northeast-1:${account}:log-group:/aws/application/ses-migration/production',
    },
    expect: 'Allow' as const,
    why: 'CloudWatch Logs encrypts and decrypts the project log groups',
  })),
  {
    who: 'service:logs.ap-northeast-1.amazonaws.com',
    action: 'kms:Decrypt',
    on: 'base/LogsKey',
    context: {
      'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:ap-northeast-1:444455556666:log-group:x',
    },
    expect: 'Deny' as const,
    why: "the logs key serves only this account's log groups",
  },
  {
    who: 'service:logs.ap-northeast-1.amazonaws.com',
    action: 'kms:Decrypt',
    on: 'base/LogsKey',
    expect: 'Deny' as const,
    why: 'no log-group encryption context, no use of the logs key',
  },
  // EventBridge → the SES events log group (CloudWatch Logs resource policy).
  ...['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) => ({
    who: 'service:events.amazonaws.com',
    action,
    on: 'ses/SesEventsLogGroup:log-stream:x',
    context: ACCOUNT_CTX,
    expect: 'Allow' as const,
    why: 'the SES event rule writes to /aws/ses/events',
  })),
  {
    who: 'service:events.amazonaws.com',
    action: 'logs:PutLogEvents',
    on: 'ses/SesEventsLogGroup:log-stream:x',
    context: OTHER_ACCOUNT,
    expect: 'Deny' as const,
    why: 'confused deputy: another account may not write SES events',
  },
  {
    who: 'service:events.amazonaws.com',
    action: 'logs:PutLogEvents',
    on: 'monitoring/ApplicationLogGroup:log-stream:x',
    context: ACCOUNT_CTX,
    expect: 'Deny' as const,
    why: 'EventBridge writes only the SES events group',
  },
  // EventBridge → the alarm-history log group (dashboards' 24-hour history).
  ...['logs:CreateLogStream', 'logs:PutLogEvents'].map((action) => ({
    who: 'service:events.amazonaws.com',
    action,
    on: 'monitoring/AlarmHistoryLogGroup:log-stream:x',
    context: ACCOUNT_CTX,
    expect: 'Allow' as const,
    why: 'the alarm-history rule writes alarm state changes',
  })),
  {
    who: 'service:events.amazonaws.com',
    action: 'logs:PutLogEvents',
    on: 'monitoring/AlarmHistoryLogGroup:log-stream:x',
    context: OTHER_ACCOUNT,
    expect: 'Deny' as const,
    why: 'confused deputy: another account may not write the alarm history',
  },
  // SES → Firehose through its role.
  {
    who: 'service:ses.amazonaws.com',
    action: 'sts:AssumeRole',
    on: 'ses/FirehoseDestinationRole',
    context: { 'aws:SourceArn': '${ses/ConfigurationSet}', ...ACCOUNT_CTX },
    expect: 'Allow' as const,
    why: 'the configuration set delivers events to Firehose',
  },
  {
    who: 'service:ses.amazonaws.com',
    action: 'sts:AssumeRole',
    on: 'ses/FirehoseDestinationRole',
    context: {
      'aws:SourceArn': 'arn:aws:ses:ap-northeast-1:${account}:configuration-set/other',
      ...ACCOUNT_CTX,
    },
    expect: 'Deny' as const,
    why: 'only the project configuration set may use the role',
  },
  ...['firehose:PutRecord', 'firehose:PutRecordBatch'].map((action) => ({
    who: 'role:ses-firehose',
    action,
    on: 'enhanced-kinesis/DeliveryStream',
    expect: 'Allow' as const,
    why: 'SES puts events into the delivery stream',
  })),
  // Firehose → archive bucket, key, masking function.
  {
    who: 'service:firehose.amazonaws.com',
    action: 'sts:AssumeRole',
    on: 'enhanced-kinesis/DeliveryRole',
    context: { 'sts:ExternalId': '${account}' },
    expect: 'Allow' as const,
    why: 'Firehose assumes its delivery role with the account id as external id',
  },
  {
    who: 'service:firehose.amazonaws.com',
    action: 'sts:AssumeRole',
    on: 'enhanced-kinesis/DeliveryRole',
    context: { 'sts:ExternalId': '444455556666' },
    expect: 'Deny' as const,
    why: 'a stream of another account may not assume it',
  },
  ...[MASKED, RAW, ERRORS].map((on) => ({
    who: 'role:firehose-delivery',
    action: 's3:PutObject',
    on,
    expect: 'Allow' as const,
    why: 'Firehose writes the masked objects, the raw backup and failed records',
  })),
  ...['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'].map((action) => ({
    who: 'role:firehose-delivery',
    action,
    on: 'enhanced-kinesis/ArchiveBucket',
    expect: 'Allow' as const,
    why: 'Firehose S3 destination requirements',
  })),
  {
    who: 'role:firehose-delivery',
    action: 's3:AbortMultipartUpload',
    on: MASKED,
    expect: 'Allow' as const,
    why: 'Firehose S3 destination requirements',
  },
  {
    who: 'role:firehose-delivery',
    action: 's3:GetObject',
    on: RAW,
    expect: 'Deny' as const,
    why: 'Firehose writes, it never reads the archive',
  },
  ...['kms:GenerateDataKey', 'kms:Decrypt'].map((action) => ({
    who: 'role:firehose-delivery',
    action,
    on: 'enhanced-kinesis/ArchiveKey',
    context: S3_VIA,
    expect: 'Allow' as const,
    why: 'SSE-KMS through S3',
  })),
  {
    who: 'role:firehose-delivery',
    action: 'kms:Decrypt',
    on: 'enhanced-kinesis/ArchiveKey',
    expect: 'Deny' as const,
    why: 'KMS negative: the archive key only through S3 (kms:ViaService)',
  },
  ...['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'].map((action) => ({
    who: 'role:firehose-delivery',
    action,
    on: 'enhanced-kinesis/DataMaskingFunction',
    expect: 'Allow' as const,
    why: 'Firehose runs the masking transform',
  })),
  {
    who: 'role:firehose-delivery',
    action: 'lambda:InvokeFunction',
    on: 'monitoring/NotifierFunction',
    expect: 'Deny' as const,
    why: 'only the masking function',
  },
  {
    who: 'role:firehose-delivery',
    action: 'logs:PutLogEvents',
    on: 'enhanced-kinesis/FirehoseLogGroup:log-stream:DestinationDelivery',
    expect: 'Allow' as const,
    why: 'Firehose error logging',
  },
  // CloudTrail → audit key and bucket (CloudTrail guide: GenerateDataKey*, DescribeKey, Decrypt).
  {
    who: 'service:cloudtrail.amazonaws.com',
    action: 'kms:GenerateDataKey',
    on: 'security/AuditKey',
    context: { ...TRAIL_CTX, 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL },
    expect: 'Allow' as const,
    why: 'CloudTrail encrypts log files',
  },
  {
    who: 'service:cloudtrail.amazonaws.com',
    action: 'kms:DescribeKey',
    on: 'security/AuditKey',
    context: TRAIL_CTX,
    expect: 'Allow' as const,
    why: 'CloudTrail describes the key when the trail is created or updated (no encryption context)',
  },
  {
    who: 'service:cloudtrail.amazonaws.com',
    action: 'kms:Decrypt',
    on: 'security/AuditKey',
    context: { ...TRAIL_CTX, 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL },
    expect: 'Allow' as const,
    why: 'CloudTrail decrypts the S3 Bucket Key data key it reuses',
  },
  {
    who: 'service:cloudtrail.amazonaws.com',
    action: 'kms:GenerateDataKey',
    on: 'security/AuditKey',
    context: {
      ...FOREIGN_TRAIL_CTX,
      'kms:EncryptionContext:aws:cloudtrail:arn': FOREIGN_TRAIL_CTX['aws:SourceArn'],
    },
    expect: 'Deny' as const,
    why: "confused deputy: another account's trail may not use the audit key",
  },
  {
    who: 'service:cloudtrail.amazonaws.com',
    action: 's3:GetBucketAcl',
    on: 'security/AuditTrailBucket',
    context: TRAIL_CTX,
    expect: 'Allow' as const,
    why: 'CloudTrail checks the bucket ACL',
  },
  {
    who: 'service:cloudtrail.amazonaws.com',
    action: 's3:PutObject',
    on: AUDIT_OBJECT,
    context: TRAIL_CTX,
    expect: 'Allow' as const,
    why: 'CloudTrail delivers log files',
  },
  {
    who: 'service:cloudtrail.amazonaws.com',
    action: 's3:PutObject',
    on: AUDIT_OBJECT,
    context: FOREIGN_TRAIL_CTX,
    expect: 'Deny' as const,
    why: "confused deputy: another account's trail may not write here",
  },
  {
    who: 'service:logging.s3.amazonaws.com',
    action: 's3:PutObject',
    on: 'base/AccessLogsBucket/ses-migration-production-ses-archive/2026-12-01-x',
    context: ACCOUNT_CTX,
    expect: 'Allow' as const,
    why: 'S3 server access logs of the project buckets',
  },
  {
    who: 'service:logging.s3.amazonaws.com',
    action: 's3:PutObject',
    on: 'base/AccessLogsBucket/x',
    context: OTHER_ACCOUNT,
    expect: 'Deny' as const,
    why: 'confused deputy on the access-log bucket',
  },
];

const REPORT_CADENCES = ['daily', 'weekly', 'monthly'] as const;
const REPORT_SENDER = { 'ses:FromAddress': 'ses-reports@goo.ne.jp' };

/** Lambda and Scheduler assume the function and schedule roles; schedules invoke only their function. */
const FUNCTION_ROLES = [
  'custom-metrics-fn',
  'notifier-fn',
  'drift-detection-fn',
  'data-masking-fn',
  'dkim-rotation-orchestrator-fn',
  'dkim-key-generator-fn',
  'ses-config-updater-fn',
  'notification-manager-fn',
  'validation-monitor-fn',
  ...REPORT_CADENCES.map((c) => `${c}-report-fn`),
];
const SCHEDULES: [string, string, string][] = [
  ['custom-metrics-schedule', 'monitoring/MetricsFunction', 'monitoring/NotifierFunction'],
  ['escalation-check-schedule', 'monitoring/NotifierFunction', 'monitoring/MetricsFunction'],
  ['drift-detection-schedule', 'monitoring/DriftDetectionFunction', 'monitoring/NotifierFunction'],
  ['byodkim-rotation-tick-schedule', 'byodkim/OrchestratorFunction', 'byodkim/KeyGeneratorFunction'],
  ['byodkim-validation-check-schedule', 'byodkim/ValidationMonitorFunction', 'byodkim/OrchestratorFunction'],
  ['daily-report-schedule', 'reports/DailyReportFunction', 'reports/WeeklyReportFunction'],
  ['weekly-report-schedule', 'reports/WeeklyReportFunction', 'reports/MonthlyReportFunction'],
  ['monthly-report-schedule', 'reports/MonthlyReportFunction', 'reports/DailyReportFunction'],
];
const roleOf: Record<string, string> = {
  'custom-metrics-fn': 'monitoring/MetricsRole',
  'notifier-fn': 'monitoring/NotifierRole',
  'drift-detection-fn': 'monitoring/DriftDetectionRole',
  'data-masking-fn': 'enhanced-kinesis/DataMaskingRole',
  'dkim-rotation-orchestrator-fn': 'byodkim/OrchestratorRole',
  'dkim-key-generator-fn': 'byodkim/KeyGeneratorRole',
  'ses-config-updater-fn': 'byodkim/SesConfigUpdaterRole',
  'notification-manager-fn': 'byodkim/NotificationManagerRole',
  'validation-monitor-fn': 'byodkim/ValidationMonitorRole',
  'custom-metrics-schedule': 'monitoring/MetricsScheduleRole',
  'escalation-check-schedule': 'monitoring/EscalationScheduleRole',
  'drift-detection-schedule': 'monitoring/DriftDetectionScheduleRole',
  'byodkim-rotation-tick-schedule': 'byodkim/RotationTickScheduleRole',
  'byodkim-validation-check-schedule': 'byodkim/ValidationCheckScheduleRole',
  ...Object.fromEntries(
    REPORT_CADENCES.flatMap((c) => {
      const id = `${c[0]!.toUpperCase()}${c.slice(1)}Report`;
      return [
        [`${c}-report-fn`, `reports/${id}Role`],
        [`${c}-report-schedule`, `reports/${id}ScheduleRole`],
      ];
    }),
  ),
};
const assumptions: Expectation[] = [
  ...FUNCTION_ROLES.flatMap((r) => [
    {
      who: 'service:lambda.amazonaws.com',
      action: 'sts:AssumeRole',
      on: roleOf[r]!,
      context: ACCOUNT_CTX,
      expect: 'Allow' as const,
      why: `Lambda runs ${r} with its role`,
    },
    {
      who: 'service:lambda.amazonaws.com',
      action: 'sts:AssumeRole',
      on: roleOf[r]!,
      context: OTHER_ACCOUNT,
      expect: 'Deny' as const,
      why: 'confused deputy: a function of another account may not use the role',
    },
  ]),
  ...SCHEDULES.flatMap(([r, fn, other]) => [
    {
      who: 'service:scheduler.amazonaws.com',
      action: 'sts:AssumeRole',
      on: roleOf[r]!,
      context: ACCOUNT_CTX,
      expect: 'Allow' as const,
      why: `Scheduler assumes ${r}`,
    },
    {
      who: 'service:scheduler.amazonaws.com',
      action: 'sts:AssumeRole',
      on: roleOf[r]!,
      context: OTHER_ACCOUNT,
      expect: 'Deny' as const,
      why: 'confused deputy: a schedule of another account may not use the role',
    },
    {
      who: `role:${r}`,
      action: 'lambda:InvokeFunction',
      on: fn,
      expect: 'Allow' as const,
      why: 'the schedule invokes its function',
    },
    {
      who: `role:${r}`,
      action: 'lambda:InvokeFunction',
      on: other,
      expect: 'Deny' as const,
      why: 'a schedule role invokes only its own function',
    },
  ]),
  // People assume the admin and read-only roles, with MFA only.
  ...['security/AdminRole', 'security/MonitoringRole'].flatMap((role) => [
    {
      who: 'user:operator',
      action: 'sts:AssumeRole',
      on: role,
      context: { 'aws:MultiFactorAuthPresent': 'true' },
      expect: 'Allow' as const,
      why: 'an operator of the account with MFA',
    },
    {
      who: 'user:operator',
      action: 'sts:AssumeRole',
      on: role,
      expect: 'Deny' as const,
      why: 'no MFA, no role',
    },
    {
      who: 'user:nobody',
      action: 'sts:AssumeRole',
      on: role,
      context: { 'aws:MultiFactorAuthPresent': 'true' },
      expect: 'Deny' as const,
      why: 'the trust delegates to IAM: a user without sts:AssumeRole cannot',
    },
  ]),
  {
    who: 'user:operator',
    action: 'sts:AssumeRole',
    on: 'security/GitHubDriftRole',
    context: { 'aws:MultiFactorAuthPresent': 'true' },
    expect: 'Deny' as const,
    why: 'the GitHub drift role is for the workflow only (web identity)',
  },
];

/** The PII rules (seed 5.2.2): who reads unmasked addresses. */
const NO_PII_READERS = [
  'role:monitoring-readonly',
  'role:drift-detection-fn',
  'role:github-drift',
  'user:nobody',
];
const pii: Expectation[] = [
  ...[RAW, ERRORS].flatMap((on) => [
    ...rows(
      { action: 's3:GetObject', on, expect: 'Deny', why: 'raw and failed records hold unmasked addresses' },
      [...NO_PII_READERS, 'user:account-admin'],
    ),
    ...rows({ action: 's3:GetObjectVersion', on, expect: 'Deny', why: 'also old versions of raw objects' }, [
      'role:monitoring-readonly',
      'user:account-admin',
    ]),
    {
      who: 'role:admin',
      action: 's3:GetObject',
      on,
      expect: 'Allow' as const,
      why: 'the admin role reads raw records',
    },
  ]),
  {
    who: 'role:admin',
    action: 's3:GetObjectVersion',
    on: RAW,
    expect: 'Allow' as const,
    why: 'the admin role reads raw records',
  },
  ...rows({ action: 's3:GetObject', on: MASKED, expect: 'Allow', why: 'masked archive is for monitoring' }, [
    'role:monitoring-readonly',
    'role:admin',
  ]),
  ...rows(
    {
      action: 's3:ListBucket',
      on: 'enhanced-kinesis/ArchiveBucket',
      context: { 's3:prefix': 'masked/2026/' },
      expect: 'Allow' as const,
      why: 'list the masked archive',
    },
    ['role:monitoring-readonly', 'role:admin'],
  ),
  {
    who: 'role:monitoring-readonly',
    action: 's3:ListBucket',
    on: 'enhanced-kinesis/ArchiveBucket',
    context: { 's3:prefix': 'raw/' },
    expect: 'Deny' as const,
    why: 'object keys of raw records are not listed to monitoring',
  },
  ...rows(
    {
      action: 'kms:Decrypt',
      on: 'enhanced-kinesis/ArchiveKey',
      expect: 'Deny' as const,
      why: 'KMS negative: no direct decrypt under the archive key',
    },
    NO_PII_READERS,
  ),
  {
    who: 'role:monitoring-readonly',
    action: 'kms:Decrypt',
    on: 'enhanced-kinesis/ArchiveKey',
    context: S3_VIA,
    expect: 'Allow' as const,
    why: 'reading masked objects through S3 decrypts them',
  },
  {
    who: 'role:admin',
    action: 'kms:Decrypt',
    on: 'enhanced-kinesis/ArchiveKey',
    expect: 'Allow' as const,
    why: 'the admin role decrypts the archive',
  },
  ...['enhanced-kinesis/ArchiveKey', 'base/LogsKey', 'security/AuditKey', 'base/NotificationsKey'].map(
    (on) => ({
      who: 'user:other-account-admin',
      action: 'kms:Decrypt',
      on,
      expect: 'Deny' as const,
      why: 'KMS negative: its identity policy allows, the key policy is silent about its account',
    }),
  ),
  {
    who: 'user:other-account-admin',
    action: 's3:GetObject',
    on: MASKED,
    expect: 'Deny' as const,
    why: 'the bucket policy grants no other account',
  },
  ...rows(
    {
      action: 'kms:Decrypt',
      on: 'base/LogsKey',
      expect: 'Deny' as const,
      why: 'KMS negative: no decrypt under the logs key',
    },
    ['role:monitoring-readonly', 'role:github-drift', 'user:nobody'],
  ),
  {
    who: 'role:admin',
    action: 'kms:Decrypt',
    on: 'base/LogsKey',
    expect: 'Allow' as const,
    why: 'admin decrypts logs',
  },
  ...PII_GROUPS.flatMap((g) => [
    ...rows({ action: 'logs:Unmask', on: g, expect: 'Deny', why: 'masked views only' }, NO_PII_READERS),
    {
      who: 'role:admin',
      action: 'logs:Unmask',
      on: g,
      expect: 'Allow' as const,
      why: 'admins unmask (audited)',
    },
    {
      who: 'user:account-admin',
      action: 'logs:Unmask',
      on: g,
      expect: 'Allow' as const,
      why: 'no resource policy can refuse an account administrator: unmasking is audited instead',
    },
    ...rows(
      { action: 'logs:GetLogEvents', on: `${g}:log-stream:x`, expect: 'Allow', why: 'masked log views' },
      ['role:monitoring-readonly', 'role:admin'],
    ),
    ...rows({ action: 'logs:StartQuery', on: g, expect: 'Allow', why: 'Logs Insights over masked events' }, [
      'role:monitoring-readonly',
      'role:admin',
    ]),
  ]),
  // The audit trail: readable by the read-only role, changeable by nobody through the project roles.
  ...rows({ action: 's3:GetObject', on: AUDIT_OBJECT, expect: 'Allow', why: 'auditors read the trail' }, [
    'role:monitoring-readonly',
    'role:admin',
  ]),
  ...rows(
    {
      action: 'kms:Decrypt',
      on: 'security/AuditKey',
      context: S3_VIA,
      expect: 'Allow' as const,
      why: 'reading trail files through S3',
    },
    ['role:monitoring-readonly', 'role:admin'],
  ),
  ...['s3:PutObject', 's3:DeleteObject', 's3:DeleteObjectVersion', 's3:PutObjectRetention'].flatMap(
    (action) =>
      rows(
        {
          action,
          on: AUDIT_OBJECT,
          expect: 'Deny' as const,
          why: 'the audit trail is not changeable by project roles',
        },
        ['role:monitoring-readonly', 'role:admin', 'role:github-drift', 'role:drift-detection-fn'],
      ),
  ),
  {
    who: 'user:account-admin',
    action: 's3:BypassGovernanceRetention',
    on: AUDIT_OBJECT,
    expect: 'Deny' as const,
    why: 'governance-mode retention cannot be bypassed while the bucket policy stands',
  },
];

/** Monitoring state reads of the human roles, and the drift roles. */
const reads: Expectation[] = [
  ...[
    'cloudwatch:DescribeAlarms',
    'cloudwatch:GetMetricData',
    'ses:GetAccount',
    'cloudtrail:LookupEvents',
  ].flatMap((action) =>
    rows({ action, on: '*', expect: 'Allow', why: 'monitoring state for people' }, [
      'role:admin',
      'role:monitoring-readonly',
    ]),
  ),
  ...[
    'cloudformation:DetectStackDrift',
    'cloudformation:GetTemplate',
    'cloudformation:DescribeStackResourceDrifts',
  ].map((action) => ({
    who: 'role:github-drift',
    action,
    on: 'arn:aws:cloudformation:ap-northeast-1:${account}:stack/ses-migration-access-prod-base/0b1c',
    expect: 'Allow' as const,
    why: 'the weekly drift workflow',
  })),
  ...rows(
    {
      action: 'cloudformation:DetectStackDrift',
      on: 'arn:aws:cloudformation:ap-northeast-1:${account}:stack/other-team-stack/0b1c',
      expect: 'Deny' as const,
      why: 'drift roles read the project stacks only',
    },
    ['role:github-drift', 'role:drift-detection-fn'],
  ),
  {
    who: 'role:github-drift',
    action: 'kms:Decrypt',
    on: 'base/LogsKey',
    context: { 'kms:ViaService': 'lambda.ap-northeast-1.amazonaws.com' },
    expect: 'Allow' as const,
    why: "Lambda's GetFunction returns the decrypted environment (AWS::Lambda::Function read handler)",
  },
  ...rows(
    {
      action: 'kms:Decrypt',
      on: 'enhanced-kinesis/ArchiveKey',
      context: S3_VIA,
      expect: 'Deny' as const,
      why: 'drift roles never decrypt archive objects, not even through S3',
    },
    ['role:github-drift', 'role:drift-detection-fn'],
  ),
  ...rows(
    {
      action: 'iam:PassRole',
      on: 'monitoring/MetricsRole',
      expect: 'Deny' as const,
      why: 'excluded from the drift reads: not a read',
    },
    ['role:github-drift', 'role:drift-detection-fn'],
  ),
  {
    who: 'federated:token.actions.githubusercontent.com',
    action: 'sts:AssumeRoleWithWebIdentity',
    on: 'security/GitHubDriftRole',
    context: {
      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
      'token.actions.githubusercontent.com:sub': 'repo:example-org/ses-migration-ops:ref:refs/heads/main',
    },
    expect: 'Allow' as const,
    why: 'the drift workflow on the main branch',
  },
  {
    who: 'federated:token.actions.githubusercontent.com',
    action: 'sts:AssumeRoleWithWebIdentity',
    on: 'security/GitHubDriftRole',
    context: {
      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
      'token.actions.githubusercontent.com:sub': 'repo:example-org/ses-migration-ops:pull_request',
    },
    expect: 'Deny' as const,
    why: 'pull requests (forks) may not assume the drift role',
  },
];

/** Responders (monitoring stack's oncall policy): acknowledge and escalate alarm episodes, nothing else. */
const oncall: Expectation[] = [
  ...['dynamodb:UpdateItem', 'dynamodb:BatchGetItem'].map((action) => ({
    who: 'policy:oncall',
    action,
    on: 'monitoring/AlarmEpisodesTable',
    expect: 'Allow' as const,
    why: 'npm run ack / npm run escalate record on the episode',
  })),
  {
    who: 'policy:oncall',
    action: 'cloudwatch:DescribeAlarms',
    on: '*',
    expect: 'Allow',
    why: 'responders see alarm states',
  },
  ...['dynamodb:DeleteItem', 'dynamodb:Scan'].map((action) => ({
    who: 'policy:oncall',
    action,
    on: 'monitoring/AlarmEpisodesTable',
    expect: 'Deny' as const,
    why: 'episodes are recorded, never deleted or dumped by responders',
  })),
  {
    who: 'policy:oncall',
    action: 'dynamodb:UpdateItem',
    on: 'byodkim/StateTable',
    expect: 'Deny',
    why: 'responders do not touch the BYODKIM state',
  },
  {
    who: 'role:monitoring-readonly',
    action: 'dynamodb:UpdateItem',
    on: 'monitoring/AlarmEpisodesTable',
    expect: 'Deny',
    why: 'read-only monitoring does not acknowledge',
  },
];

/** The sending policy: configured identities, through the configuration set, from the allowed ranges. */
const sending: Expectation[] = [
  ...['ses/ConfigurationSet', 'ses:identity/goo.ne.jp'].map((on) => ({
    who: 'role:sending-app',
    action: 'ses:SendEmail',
    on,
    context: SEND,
    expect: 'Allow' as const,
    why: 'send as goo.ne.jp through the configuration set from the allowed range',
  })),
  {
    who: 'role:sending-app',
    action: 'ses:SendEmail',
    on: 'ses:identity/goo.ne.jp',
    context: { ...SEND, 'aws:SourceIp': '198.51.100.7' },
    expect: 'Deny' as const,
    why: 'outside the allowed sending ranges',
  },
  {
    who: 'role:sending-app',
    action: 'ses:SendRawEmail',
    on: 'ses:identity/goo.ne.jp',
    context: { 'ses:FromAddress': 'noreply@goo.ne.jp', 'aws:SourceVpce': 'vpce-0123456789abcdef0' },
    expect: 'Allow' as const,
    why: 'through the allowed VPC endpoint (no aws:SourceIp)',
  },
  {
    who: 'role:sending-app',
    action: 'ses:SendRawEmail',
    on: 'ses:identity/goo.ne.jp',
    context: { 'ses:FromAddress': 'noreply@goo.ne.jp', 'aws:SourceVpce': 'vpce-0fffffffffffffff0' },
    expect: 'Deny' as const,
    why: 'through another VPC endpoint',
  },
  {
    who: 'role:sending-app',
    action: 'ses:SendEmail',
    on: 'ses:identity/goo.ne.jp',
    context: { ...SEND, 'ses:FromAddress': 'spoof@example.com' },
    expect: 'Deny' as const,
    why: 'From address outside the configured domains',
  },
  {
    who: 'role:sending-app',
    action: 'ses:SendEmail',
    on: 'ses:configuration-set/other',
    context: SEND,
    expect: 'Deny' as const,
    why: 'only the project configuration set',
  },
  {
    who: 'role:sending-app',
    action: 'ses:SendEmail',
    on: 'ses:identity/example.com',
    context: { ...SEND, 'ses:FromAddress': 'a@example.com' },
    expect: 'Deny' as const,
    why: 'only the configured identities',
  },
];

/**
 * Issue #14: policies that no longer list each domain. The SES identities are scoped by CloudFormation's reserved
 * stack-name tag (the simulator gives the templates' identities theirs), the DKIM records by a name pattern in
 * the configured zones, the sending policy by the From domains on `identity/*` of the account.
 */
const OTHER_ENV_IDENTITY = 'ses:identity/dev.goo.ne.jp';
const OTHER_ENV_TAG = { 'aws:ResourceTag/aws:cloudformation:stack-name': 'ses-migration-access-dev-ses' };
const LOOKALIKE_TAG = {
  'aws:ResourceTag/aws:cloudformation:stack-name': 'ses-migration-access-prod-ses-copy',
};
const DKIM_ZONE = 'arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ';
const FOREIGN_ZONE = 'arn:aws:route53:::hostedzone/Z9999999999FOREIGNZN';
const DKIM_CHANGE = {
  'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'],
  'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['ses20261201-1._domainkey.goo.ne.jp'],
};
const identityWriters = ['role:dkim-rotation-orchestrator-fn', 'role:ses-config-updater-fn'];
const identityReaders = [...identityWriters, 'role:validation-monitor-fn', 'role:dkim-key-generator-fn'];
const scaleScoping: Expectation[] = [
  ...rows(
    {
      action: 'ses:PutEmailIdentityDkimSigningAttributes',
      on: IDENTITY_OWN,
      expect: 'Allow' as const,
      why: "the rotation switches this environment's identities (tagged by their identity stack)",
    },
    identityWriters,
  ),
  ...rows(
    {
      action: 'ses:PutEmailIdentityDkimSigningAttributes',
      on: 'ses:identity/example.com',
      expect: 'Deny' as const,
      why: 'an identity no stack of this environment created (no stack-name tag)',
    },
    identityWriters,
  ),
  ...rows(
    {
      action: 'ses:PutEmailIdentityDkimSigningAttributes',
      on: OTHER_ENV_IDENTITY,
      context: OTHER_ENV_TAG,
      expect: 'Deny' as const,
      why: "another environment's identity (its ses stack's tag)",
    },
    identityWriters,
  ),
  ...rows(
    {
      action: 'ses:GetEmailIdentity',
      on: OTHER_ENV_IDENTITY,
      context: LOOKALIKE_TAG,
      expect: 'Deny' as const,
      why: 'a stack whose name only starts like an identity stack',
    },
    [...identityReaders, 'role:github-drift', 'role:drift-detection-fn'],
  ),
  ...rows(
    {
      action: 'ses:GetEmailIdentity',
      on: 'ses:identity/example.com',
      expect: 'Deny' as const,
      why: 'an identity no stack of this environment created (no stack-name tag)',
    },
    [...identityReaders, 'role:github-drift', 'role:drift-detection-fn'],
  ),
  ...rows(
    {
      action: 'ses:GetEmailIdentity',
      on: 'arn:aws:ses:ap-northeast-1:444455556666:identity/goo.ne.jp',
      context: { 'aws:ResourceTag/aws:cloudformation:stack-name': 'ses-migration-access-prod-ses' },
      expect: 'Deny' as const,
      why: "the same stack name in another account: identity/* is this account's only",
    },
    [...identityReaders, 'role:github-drift'],
  ),
  ...rows(
    {
      action: 'route53:ChangeResourceRecordSets',
      on: DKIM_ZONE,
      context: DKIM_CHANGE,
      expect: 'Allow' as const,
      why: 'a DKIM TXT record in a configured zone',
    },
    identityWriters,
  ),
  ...rows(
    {
      action: 'route53:ChangeResourceRecordSets',
      on: DKIM_ZONE,
      context: {
        'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'],
        'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['goo.ne.jp'],
      },
      expect: 'Deny' as const,
      why: 'a TXT record that is not a DKIM selector (SPF, verification tokens)',
    },
    identityWriters,
  ),
  ...rows(
    {
      action: 'route53:ChangeResourceRecordSets',
      on: DKIM_ZONE,
      context: {
        'route53:ChangeResourceRecordSetsRecordTypes': ['TXT', 'TXT'],
        'route53:ChangeResourceRecordSetsNormalizedRecordNames': [
          'ses20261201-1._domainkey.goo.ne.jp',
          '_dmarc.goo.ne.jp',
        ],
      },
      expect: 'Deny' as const,
      why: 'one change batch with a DKIM record and another record (every name must match)',
    },
    identityWriters,
  ),
  ...rows(
    {
      action: 'route53:ChangeResourceRecordSets',
      on: FOREIGN_ZONE,
      context: DKIM_CHANGE,
      expect: 'Deny' as const,
      why: 'a zone that is not configured for a domain of this environment',
    },
    identityWriters,
  ),
  {
    who: 'role:sending-app',
    action: 'ses:SendEmail',
    on: 'arn:aws:ses:ap-northeast-1:444455556666:identity/goo.ne.jp',
    context: SEND,
    expect: 'Deny' as const,
    why: "another account's identity (sending authorization): identity/* is this account's only",
  },
  {
    who: 'role:sending-app',
    action: 'ses:SendEmail',
    on: 'ses:identity/mail.goo.ne.jp',
    context: { ...SEND, 'ses:FromAddress': 'a@mail.goo.ne.jp' },
    expect: 'Deny' as const,
    why: 'a subdomain of a configured domain is not a configured domain',
  },
];

/**
 * The BYODKIM domain list object the fixture's byodkim stack names (`config/<env>/byodkim-domains/<sha256>.json`:
 * the key changes with the list, so it is read from the rendered stack).
 */
const DOMAINS_KEY: string = [
  ...renderStack(byodkimStack, loadFixture('access-prod'), fakeBundles()).configObjects.keys(),
][0]!;
const DOMAINS_OBJECT = `base/ArtifactsBucket/${DOMAINS_KEY}`;
const DOMAIN_READERS = [
  'role:dkim-rotation-orchestrator-fn',
  'role:dkim-key-generator-fn',
  'role:ses-config-updater-fn',
  'role:validation-monitor-fn',
];

/** The BYODKIM key: only the rotation functions generate or decrypt. */
const byodkim: Expectation[] = [
  ...rows(
    {
      action: 's3:GetObject',
      on: `base/ArtifactsBucket/${DOMAINS_KEY.replace('/byodkim-domains/', '/report-config/')}`,
      expect: 'Deny' as const,
      why: 'the functions read their domain list object (its versions), no other configuration object',
    },
    DOMAIN_READERS,
  ),
  ...rows(
    {
      action: 's3:GetObject',
      on: `base/ArtifactsBucket/${DOMAINS_KEY.replace(/^config\/[^/]+\//, 'config/dev/')}`,
      expect: 'Deny' as const,
      why: "another environment's domain list (the artifacts bucket is per account; the prefix names the environment)",
    },
    DOMAIN_READERS,
  ),
  ...rows(
    {
      action: 's3:GetObject',
      on: DOMAINS_OBJECT,
      expect: 'Deny' as const,
      why: 'the domain list is read only by the four BYODKIM functions that handle domains',
    },
    ['role:daily-report-fn', 'role:custom-metrics-fn', 'role:notifier-fn', 'role:drift-detection-fn'],
  ),
  ...rows(
    {
      action: 's3:GetObject',
      on: 'base/ArtifactsBucket/handlers/notifier/0000.zip',
      expect: 'Deny' as const,
      why: 'no function reads the bundles or anything else in the artifacts bucket',
    },
    DOMAIN_READERS,
  ),
  ...rows(
    {
      action: 'kms:Decrypt',
      on: 'base/ArtifactsKey',
      expect: 'Deny' as const,
      why: 'the artifacts key only through S3 (kms:ViaService), for the domain list object',
    },
    DOMAIN_READERS,
  ),
  ...['role:dkim-key-generator-fn', 'role:dkim-rotation-orchestrator-fn'].map((who) => ({
    who,
    action: 'kms:GenerateDataKeyPairWithoutPlaintext',
    on: 'byodkim/ByodkimKey',
    context: BYODKIM,
    expect: 'Allow' as const,
    why: 'rotation generates the DKIM key pair',
  })),
  {
    who: 'role:dkim-key-generator-fn',
    action: 'kms:GenerateDataKeyPairWithoutPlaintext',
    on: 'byodkim/ByodkimKey',
    expect: 'Deny' as const,
    why: 'only with the BYODKIM encryption context',
  },
  ...['role:ses-config-updater-fn', 'role:dkim-rotation-orchestrator-fn'].map((who) => ({
    who,
    action: 'kms:Decrypt',
    on: 'byodkim/ByodkimKey',
    context: BYODKIM,
    expect: 'Allow' as const,
    why: 'the private key is decrypted only to hand it to SES',
  })),
  ...rows(
    {
      action: 'kms:Decrypt',
      on: 'byodkim/ByodkimKey',
      context: BYODKIM,
      expect: 'Deny' as const,
      why: 'KMS negative: nobody else decrypts DKIM private keys (key policy Deny beats IAM Allow)',
    },
    [
      'user:account-admin',
      'role:admin',
      'role:monitoring-readonly',
      'role:github-drift',
      'role:drift-detection-fn',
      'role:notification-manager-fn',
      'role:validation-monitor-fn',
      'role:dkim-key-generator-fn',
    ],
  ),
  {
    who: 'role:ses-config-updater-fn',
    action: 'route53:ChangeResourceRecordSets',
    on: 'arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ',
    context: {
      'route53:ChangeResourceRecordSetsRecordTypes': ['A'],
      'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['www.goo.ne.jp'],
    },
    expect: 'Deny' as const,
    why: 'DNS changes only for DKIM TXT records',
  },
  ...rows(
    {
      action: 'kms:GenerateDataKeyPairWithoutPlaintext',
      on: 'byodkim/ByodkimKey',
      context: BYODKIM,
      expect: 'Deny' as const,
      why: 'nobody else generates DKIM keys',
    },
    ['user:account-admin', 'role:admin', 'role:ses-config-updater-fn', 'role:validation-monitor-fn'],
  ),
  // The DNS team's mail (issue #14 item 5): only from the configured sender, only to the teams' mail domains.
  {
    who: 'role:dkim-rotation-orchestrator-fn',
    action: 'ses:SendEmail',
    on: 'ses:identity/goo.ne.jp',
    context: { 'ses:FromAddress': 'noreply@goo.ne.jp', 'ses:Recipients': ['dns-team@dns.example.co.jp'] },
    expect: 'Deny',
    why: 'DNS mail only from byodkim.dnsRequestSender',
  },
  {
    who: 'role:dkim-rotation-orchestrator-fn',
    action: 'ses:SendEmail',
    on: 'ses:identity/goo.ne.jp',
    context: {
      'ses:FromAddress': 'byodkim@goo.ne.jp',
      'ses:Recipients': ['dns-team@dns.example.co.jp', 'someone@elsewhere.example'],
    },
    expect: 'Deny',
    why: "DNS mail only to the configured teams' mail domains",
  },
  {
    who: 'role:ses-config-updater-fn',
    action: 'ses:SendEmail',
    on: 'ses:identity/goo.ne.jp',
    context: { 'ses:FromAddress': 'noreply@goo.ne.jp', 'ses:Recipients': ['dns-team@dns.example.co.jp'] },
    expect: 'Deny',
    why: 'DNS mail only from byodkim.dnsRequestSender',
  },
  {
    who: 'role:ses-config-updater-fn',
    action: 'ses:SendEmail',
    on: 'ses:identity/goo.ne.jp',
    context: { 'ses:FromAddress': 'byodkim@goo.ne.jp', 'ses:Recipients': ['someone@elsewhere.example'] },
    expect: 'Deny',
    why: "DNS mail only to the configured teams' mail domains",
  },
  {
    who: 'role:notification-manager-fn',
    action: 'ses:SendEmail',
    on: 'ses:identity/goo.ne.jp',
    context: { 'ses:FromAddress': 'byodkim@goo.ne.jp', 'ses:Recipients': ['dns-team@dns.example.co.jp'] },
    expect: 'Deny',
    why: 'the notification manager never mails the DNS team',
  },
];

/** The report functions (seed 4.3.1): what they may not do, and the one call not derived from their code. */
const reportLimits: Expectation[] = REPORT_CADENCES.flatMap((c) => {
  const who = `role:${c}-report-fn`;
  return [
    {
      who,
      action: 's3:ListBucket',
      on: 'enhanced-kinesis/ArchiveBucket',
      context: { 's3:prefix': `reports/${c}/2026-11-30/delivery.json` },
      expect: 'Allow' as const,
      why: 'a missing delivery marker must read as 404, not 403',
    },
    {
      who,
      action: 's3:ListBucket',
      on: 'enhanced-kinesis/ArchiveBucket',
      context: { 's3:prefix': 'raw/' },
      expect: 'Deny' as const,
      why: 'reports list only their own prefix',
    },
    {
      who,
      action: 's3:GetObject',
      on: RAW,
      expect: 'Deny' as const,
      why: 'reports never read unmasked records',
    },
    {
      who,
      action: 's3:GetObject',
      on: MASKED,
      expect: 'Deny' as const,
      why: 'reports read metrics, not events',
    },
    {
      who,
      action: 'logs:Unmask',
      on: 'ses/SesEventsLogGroup',
      expect: 'Deny' as const,
      why: 'masked queries only',
    },
    {
      who,
      action: 'logs:StartQuery',
      on: 'monitoring/ApplicationLogGroup',
      expect: 'Deny' as const,
      why: 'queries only the SES event and compliance groups',
    },
    {
      who,
      action: 'ses:SendEmail',
      on: 'ses:configuration-set/ses-migration-production-config-set',
      context: REPORT_SENDER,
      expect: 'Deny' as const,
      why: 'report mail never goes through the monitored configuration set',
    },
    {
      who,
      action: 'ses:SendEmail',
      on: 'ses:identity/goo.ne.jp',
      context: { 'ses:FromAddress': 'noreply@goo.ne.jp' },
      expect: 'Deny' as const,
      why: 'report mail only from reports.sender',
    },
    {
      who,
      action: 'sns:Publish',
      on: 'base/DeliveryTopicP1',
      expect: 'Deny' as const,
      why: 'summaries go to P3 only',
    },
  ];
});

/** The per-domain query and the worst-domain records (issue #14): scoped to one log group each. */
const perDomain: Expectation[] = [
  ...['monitoring/ApplicationLogGroup', 'monitoring/ComplianceLogGroup', 'monitoring/NotifierLogGroup'].map(
    (on) => ({
      who: 'role:custom-metrics-fn',
      action: 'logs:StartQuery',
      on,
      expect: 'Deny' as const,
      why: 'the metrics function queries the SES events only',
    }),
  ),
  {
    who: 'role:notifier-fn',
    action: 'logs:FilterLogEvents',
    on: 'ses/SesEventsLogGroup',
    expect: 'Deny' as const,
    why: "the notifier reads the metrics function's worst-domain records, not the (masked) SES events",
  },
  {
    who: 'role:notifier-fn',
    action: 'logs:StartQuery',
    on: 'monitoring/MetricsLogGroup',
    expect: 'Deny' as const,
    why: 'FilterLogEvents only: no Logs Insights query from the notifier',
  },
];

export const EXPECTATIONS: Expectation[] = [
  ...deliveryPaths,
  ...perDomain,
  ...assumptions,
  ...pii,
  ...reads,
  ...oncall,
  ...sending,
  ...byodkim,
  ...reportLimits,
  ...scaleScoping,
];

/**
 * The calls each function's code makes, per role. The access test derives the SDK calls of each handler
 * bundle from its source (every `new XCommand` reachable from handlers/<bundle>/index.ts) and requires that
 * each appears here, either under `calls` (the role must be allowed on these resources) or under `notCalled`
 * (the bundle contains the code but this function never runs it; the role must be denied). A new SDK call
 * without a permission fails the test. `runtime` lists what the Lambda runtime does with the role.
 */
export interface FunctionCalls {
  readonly bundle: string;
  readonly calls: Record<string, { on: string[]; context?: Record<string, string | string[]> }>;
  readonly notCalled?: Record<string, { on: string; why: string }>;
}

const DELIVERY_TOPICS = ['base/DeliveryTopicP1', 'base/DeliveryTopicP2', 'base/DeliveryTopicP3'];
const IDENTITY = 'ses:identity/goo.ne.jp';
/** What the Lambda runtime does with the role: write its own log group, decrypt its environment variables. */
const ownLogs = (group: string) => ({
  'logs:CreateLogStream': { on: [`${group}:log-stream:x`] },
  'logs:PutLogEvents': { on: [`${group}:log-stream:x`] },
  'kms:Decrypt': { on: ['base/LogsKey'] },
});
/** Publishing to a KMS-encrypted topic needs the notifications key. */
const PUBLISH_ENCRYPTED = { 'kms:GenerateDataKey': { on: ['base/NotificationsKey'] } };
const DKIM_DNS = {
  on: ['arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ'],
  context: {
    'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'],
    'route53:ChangeResourceRecordSetsNormalizedRecordNames': ['sel2026._domainkey.goo.ne.jp'],
  },
};
const STATE = 'byodkim/StateTable';
/** The DNS team's mail (issue #14 item 5): from byodkim.dnsRequestSender to the fixture's dnsTeam. */
const DNS_TEAM_MAIL = {
  on: [IDENTITY, 'ses:configuration-set/ses-migration-production-config-set'],
  context: { 'ses:FromAddress': 'byodkim@goo.ne.jp', 'ses:Recipients': ['dns-team@dns.example.co.jp'] },
};
const STACK = 'arn:aws:cloudformation:ap-northeast-1:${account}:stack/ses-migration-access-prod-ses/0b1c';

/** The report configuration object the fixture's reports stack names (its key changes with the configuration). */
const REPORT_CONFIG_OBJECT = `base/ArtifactsBucket/${
  [...renderStack(reportsStack, loadFixture('access-prod'), fakeBundles()).configObjects.keys()][0]
}`;

/** The report functions share one bundle and one set of permissions. */
const reportCalls = (c: string, group: string): FunctionCalls => ({
  bundle: 'reports',
  calls: {
    ...ownLogs(group),
    'cloudwatch:GetMetricData': { on: ['*'] },
    'cloudwatch:GetMetricWidgetImage': { on: ['*'] },
    'cloudwatch:DescribeAlarms': { on: ['*'] },
    'cloudwatch:DescribeAlarmHistory': { on: ['*'] },
    'cloudwatch:GetDashboard': {
      on: ['arn:aws:cloudwatch::${account}:dashboard/ses-migration-production-dashboard'],
    },
    'logs:StartQuery': { on: ['ses/SesEventsLogGroup', 'monitoring/ComplianceLogGroup'] },
    'logs:GetQueryResults': { on: ['*'] },
    'logs:DescribeLogGroups': { on: ['*'] },
    's3:GetObject': {
      on: [
        `enhanced-kinesis/ArchiveBucket/reports/${c}/2026-11-30/delivery.json`,
        'base/ArtifactsBucket/drift-reports/production/2026-11-30/x.json',
        REPORT_CONFIG_OBJECT,
      ],
    },
    's3:PutObject': { on: [`enhanced-kinesis/ArchiveBucket/reports/${c}/2026-11-30/report.html`] },
    's3:ListBucket': { on: ['base/ArtifactsBucket'], context: { 's3:prefix': 'drift-reports/production/' } },
    'kms:GenerateDataKey': { on: ['enhanced-kinesis/ArchiveKey', 'base/NotificationsKey'] },
    'kms:Decrypt': {
      on: ['enhanced-kinesis/ArchiveKey', 'base/ArtifactsKey', 'base/LogsKey', 'base/NotificationsKey'],
    },
    'dynamodb:GetItem': { on: [STATE] },
    'cloudtrail:GetTrail': { on: [TRAIL] },
    'cloudtrail:GetTrailStatus': { on: [TRAIL] },
    'cloudtrail:LookupEvents': { on: ['*'] },
    'ce:GetCostAndUsage': { on: ['*'] },
    'ses:SendEmail': {
      on: [IDENTITY, 'ses:configuration-set/ses-migration-production-reports'],
      context: REPORT_SENDER,
    },
    'sns:Publish': { on: ['base/DeliveryTopicP3'] },
  },
});

export const FUNCTION_CALLS: Record<string, FunctionCalls> = {
  'daily-report-fn': reportCalls('daily', 'reports/DailyReportLogGroup'),
  'weekly-report-fn': reportCalls('weekly', 'reports/WeeklyReportLogGroup'),
  'monthly-report-fn': reportCalls('monthly', 'reports/MonthlyReportLogGroup'),
  'custom-metrics-fn': {
    bundle: 'metrics',
    calls: {
      'cloudwatch:GetMetricData': { on: ['*'] },
      // One Logs Insights query per run over the SES events (per-domain rates, issue #14).
      'logs:StartQuery': { on: ['ses/SesEventsLogGroup'] },
      'logs:GetQueryResults': { on: ['*'] },
      'logs:StopQuery': { on: ['*'] },
      ...ownLogs('monitoring/MetricsLogGroup'),
    },
  },
  'notifier-fn': {
    bundle: 'notifier',
    calls: {
      'sns:Publish': {
        on: [
          ...DELIVERY_TOPICS,
          'base/EscalationTopicLevel1',
          'base/EscalationTopicLevel2',
          'base/EscalationTopicLevel3',
        ],
      },
      'cloudwatch:DescribeAlarms': { on: ['*'] },
      'logs:FilterLogEvents': { on: ['monitoring/MetricsLogGroup'] },
      'dynamodb:BatchGetItem': { on: ['monitoring/AlarmEpisodesTable'] },
      'dynamodb:UpdateItem': { on: ['monitoring/AlarmEpisodesTable'] },
      'kms:GenerateDataKey': { on: ['base/NotificationsKey'] },
      ...ownLogs('monitoring/NotifierLogGroup'),
    },
  },
  'drift-detection-fn': {
    bundle: 'drift-detection',
    calls: {
      'cloudformation:DescribeStacks': { on: [STACK] },
      'cloudformation:DetectStackDrift': { on: [STACK] },
      'cloudformation:DescribeStackDriftDetectionStatus': { on: ['*'] },
      'cloudformation:DescribeStackResourceDrifts': { on: [STACK] },
      's3:PutObject': { on: ['base/ArtifactsBucket/drift-reports/2026-12-01.json'] },
      'sns:Publish': { on: ['base/DeliveryTopicP2', 'base/DeliveryTopicP3'] },
      'kms:GenerateDataKey': { on: ['base/ArtifactsKey', 'base/NotificationsKey'] },
      ...ownLogs('monitoring/DriftDetectionLogGroup'),
    },
    notCalled: {
      'cloudformation:GetTemplate': {
        on: STACK,
        why: 'the template comparison runs only in `npm run drift`, not in the weekly function',
      },
    },
  },
  'data-masking-fn': { bundle: 'firehose-masking', calls: ownLogs('enhanced-kinesis/DataMaskingLogGroup') },
  'dkim-rotation-orchestrator-fn': {
    bundle: 'byodkim/dkim-rotation-orchestrator',
    calls: {
      'dynamodb:GetItem': { on: [STATE] },
      'dynamodb:PutItem': { on: [STATE] },
      'dynamodb:DeleteItem': { on: [STATE] },
      'kms:GenerateDataKeyPairWithoutPlaintext': { on: ['byodkim/ByodkimKey'], context: BYODKIM },
      'ses:GetEmailIdentity': { on: [IDENTITY] },
      'ses:PutEmailIdentityDkimSigningAttributes': { on: [IDENTITY] },
      'sns:Publish': { on: DELIVERY_TOPICS },
      'ses:SendEmail': DNS_TEAM_MAIL,
      'route53:ChangeResourceRecordSets': DKIM_DNS,
      'lambda:InvokeFunction': { on: ['byodkim/NotificationManagerFunction'] },
      ...PUBLISH_ENCRYPTED,
      ...ownLogs('byodkim/OrchestratorLogGroup'),
      // The logs key for its environment, the BYODKIM key (with its context) for private keys, the artifacts key
      // through S3 for the domain list object.
      'kms:Decrypt': {
        on: ['byodkim/ByodkimKey', 'base/LogsKey', 'base/ArtifactsKey'],
        context: { ...BYODKIM, ...S3_VIA },
      },
      's3:GetObject': { on: [DOMAINS_OBJECT] },
    },
    notCalled: {
      'kms:DescribeKey': { on: 'byodkim/ByodkimKey', why: 'only the validation monitor describes the key' },
    },
  },
  'dkim-key-generator-fn': {
    bundle: 'byodkim/dkim-key-generator',
    calls: {
      'dynamodb:GetItem': { on: [STATE] },
      'dynamodb:PutItem': { on: [STATE] },
      'dynamodb:DeleteItem': { on: [STATE] },
      'kms:GenerateDataKeyPairWithoutPlaintext': { on: ['byodkim/ByodkimKey'], context: BYODKIM },
      'ses:GetEmailIdentity': { on: [IDENTITY] },
      'sns:Publish': { on: DELIVERY_TOPICS },
      ...PUBLISH_ENCRYPTED,
      ...ownLogs('byodkim/KeyGeneratorLogGroup'),
      's3:GetObject': { on: [DOMAINS_OBJECT] },
      'kms:Decrypt': { on: ['base/LogsKey', 'base/ArtifactsKey'], context: S3_VIA },
    },
    notCalled: {
      'route53:ChangeResourceRecordSets': {
        on: 'arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ',
        why: 'the orchestrator and the updater publish DNS',
      },
      'kms:Decrypt': { on: 'byodkim/ByodkimKey', why: 'the generator never sees a private key' },
      'kms:DescribeKey': { on: 'byodkim/ByodkimKey', why: 'only the validation monitor describes the key' },
      'ses:PutEmailIdentityDkimSigningAttributes': { on: IDENTITY, why: 'only the updater switches SES' },
      'ses:SendEmail': {
        on: IDENTITY,
        why: 'the generator stops before the DNS request; only the orchestrator and the updater mail the DNS team',
      },
    },
  },
  'ses-config-updater-fn': {
    bundle: 'byodkim/ses-config-updater',
    calls: {
      'dynamodb:GetItem': { on: [STATE] },
      'dynamodb:PutItem': { on: [STATE] },
      'dynamodb:DeleteItem': { on: [STATE] },
      'ses:GetEmailIdentity': { on: [IDENTITY] },
      'ses:PutEmailIdentityDkimSigningAttributes': { on: [IDENTITY] },
      'sns:Publish': { on: DELIVERY_TOPICS },
      'ses:SendEmail': DNS_TEAM_MAIL,
      'route53:ChangeResourceRecordSets': DKIM_DNS,
      ...PUBLISH_ENCRYPTED,
      ...ownLogs('byodkim/SesConfigUpdaterLogGroup'),
      'kms:Decrypt': {
        on: ['byodkim/ByodkimKey', 'base/LogsKey', 'base/ArtifactsKey'],
        context: { ...BYODKIM, ...S3_VIA },
      },
      's3:GetObject': { on: [DOMAINS_OBJECT] },
    },
    notCalled: {
      'kms:GenerateDataKeyPairWithoutPlaintext': { on: 'byodkim/ByodkimKey', why: 'only the generator' },
      'kms:DescribeKey': { on: 'byodkim/ByodkimKey', why: 'only the validation monitor describes the key' },
    },
  },
  'notification-manager-fn': {
    bundle: 'byodkim/notification-manager',
    calls: {
      'sns:Publish': { on: DELIVERY_TOPICS },
      ...PUBLISH_ENCRYPTED,
      ...ownLogs('byodkim/NotificationManagerLogGroup'),
    },
    notCalled: {
      'dynamodb:GetItem': { on: STATE, why: 'notices carry their state in the event' },
      'dynamodb:PutItem': { on: STATE, why: 'notices never change the state' },
      'dynamodb:DeleteItem': { on: STATE, why: 'notices never change the state' },
      'kms:GenerateDataKeyPairWithoutPlaintext': { on: 'byodkim/ByodkimKey', why: 'no key material' },
      'kms:Decrypt': { on: 'byodkim/ByodkimKey', why: 'no key material' },
      'kms:DescribeKey': { on: 'byodkim/ByodkimKey', why: 'no key material' },
      'ses:GetEmailIdentity': { on: IDENTITY, why: 'no SES reads' },
      's3:GetObject': { on: DOMAINS_OBJECT, why: 'the notification manager handles no domain' },
      'ses:PutEmailIdentityDkimSigningAttributes': { on: IDENTITY, why: 'no SES changes' },
      'route53:ChangeResourceRecordSets': {
        on: 'arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ',
        why: 'no DNS changes',
      },
    },
  },
  'validation-monitor-fn': {
    bundle: 'byodkim/validation-monitor',
    calls: {
      'dynamodb:GetItem': { on: [STATE] },
      'kms:DescribeKey': { on: ['byodkim/ByodkimKey'] },
      'ses:GetEmailIdentity': { on: [IDENTITY] },
      'lambda:InvokeFunction': { on: ['byodkim/NotificationManagerFunction'] },
      ...ownLogs('byodkim/ValidationMonitorLogGroup'),
      's3:GetObject': { on: [DOMAINS_OBJECT] },
      'kms:Decrypt': { on: ['base/LogsKey', 'base/ArtifactsKey'], context: S3_VIA },
    },
    notCalled: {
      'dynamodb:PutItem': { on: STATE, why: 'the monitor only reads the state' },
      'dynamodb:DeleteItem': { on: STATE, why: 'the monitor only reads the state' },
      'kms:GenerateDataKeyPairWithoutPlaintext': { on: 'byodkim/ByodkimKey', why: 'no key material' },
      'kms:Decrypt': { on: 'byodkim/ByodkimKey', why: 'no key material' },
      'ses:PutEmailIdentityDkimSigningAttributes': { on: IDENTITY, why: 'the monitor never switches SES' },
      'route53:ChangeResourceRecordSets': {
        on: 'arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ',
        why: 'no DNS changes',
      },
      'sns:Publish': { on: 'base/DeliveryTopicP1', why: 'failures go to the notification manager' },
    },
  },
};

/**
 * What `npm run status -- <env>` calls, run by a person in the read-only monitoring role (README "Who can read
 * unmasked PII"). The access test reads every `new XCommand` reachable from scripts/status.ts and requires each
 * here: under `calls` (the role must be allowed on these resources) or `notNeeded` (no permission is involved).
 */
export const STATUS_CALLS = {
  entry: 'scripts/status.ts',
  who: 'role:monitoring-readonly',
  calls: {
    'cloudwatch:DescribeAlarms': { on: ['*'] },
    'cloudwatch:ListTagsForResource': {
      on: ['arn:aws:cloudwatch:ap-northeast-1:${account}:alarm:ses-migration-production-bounce-rate-alarm'],
    },
    'cloudwatch:GetMetricData': { on: ['*'] },
    'dynamodb:BatchGetItem': { on: ['monitoring/AlarmEpisodesTable'] },
    'dynamodb:GetItem': { on: [STATE] },
    'ses:GetAccount': { on: ['*'] },
    'ses:GetEmailIdentity': { on: [IDENTITY] },
    'cloudformation:DescribeStacks': {
      on: ['arn:aws:cloudformation:ap-northeast-1:${account}:stack/ses-migration-access-prod-byodkim/0b1c'],
    },
    'kms:DescribeKey': { on: ['byodkim/ByodkimKey'] },
    'logs:StartQuery': { on: ['ses/SesEventsLogGroup'] },
    'logs:GetQueryResults': { on: ['*'] },
    'scheduler:ListSchedules': { on: ['*'] },
    'scheduler:GetSchedule': {
      on: [
        'arn:aws:scheduler:ap-northeast-1:${account}:schedule/default/ses-migration-production-byodkim-rotation-tick',
      ],
    },
    // --pii-access-days: CloudTrail Event history and the project trail's files.
    'cloudtrail:LookupEvents': { on: ['*'] },
    's3:GetObject': { on: [AUDIT_OBJECT] },
    's3:ListBucket': { on: ['security/AuditTrailBucket'] },
  } as Record<string, { on: string[] }>,
  notNeeded: {
    'sts:GetCallerIdentity': 'needs no permission (AWS answers it for every caller)',
  } as Record<string, string>,
  /** In the code status loads (the episode store it shares with ack) but never run by status: denied. */
  notCalled: {
    'dynamodb:UpdateItem': { on: ['monitoring/AlarmEpisodesTable', STATE], why: 'status only reads' },
  } as Record<string, { on: string[]; why: string }>,
  /** Reads the role must not make beyond what status needs. */
  denied: {
    'dynamodb:BatchGetItem': ['byodkim/StateTable'],
    'dynamodb:GetItem': ['monitoring/AlarmEpisodesTable'],
    'kms:Decrypt': ['byodkim/ByodkimKey'],
  } as Record<string, string[]>,
};

/** STATUS_CALLS as expectations: every call allowed where status makes it, the rest denied. */
export function statusExpectations(): Expectation[] {
  const { who } = STATUS_CALLS;
  const deny = (action: string, on: string, why: string) => ({
    who,
    action,
    on,
    expect: 'Deny' as const,
    why,
  });
  return [
    ...Object.entries(STATUS_CALLS.calls).flatMap(([action, c]) =>
      c.on.map((on) => ({
        who,
        action,
        on,
        expect: 'Allow' as const,
        why: `npm run status calls ${action}`,
      })),
    ),
    ...Object.entries(STATUS_CALLS.notCalled).flatMap(([action, n]) =>
      n.on.map((on) => deny(action, on, n.why)),
    ),
    ...Object.entries(STATUS_CALLS.denied).flatMap(([action, on]) =>
      on.map((o) => deny(action, o, 'least privilege: status does not need it')),
    ),
  ];
}
