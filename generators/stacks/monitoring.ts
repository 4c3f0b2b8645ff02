/**
 * monitoring (seed 1.2, 2.1.2, 2.2, 3.1.3, 3.1.4, 3.2.1-3.2.4, 4): the application and compliance log groups,
 * the tier alarms not owned by the SES stack, the metrics heartbeat, dashboards and saved Logs Insights queries.
 */
import type { DashboardProperties } from 'cloudform-types/types/cloudWatch/dashboard';
import type { MetricFilterProperties } from 'cloudform-types/types/logs/metricFilter';
import type { QueryDefinitionProperties } from 'cloudform-types/types/logs/queryDefinition';
import type Resource from 'cloudform-types/types/resource';
import { writeDriftEnv } from '../../contracts/functions/drift-detection.js';
import { writeMetricsEnv } from '../../contracts/functions/metrics.js';
import { writeNotifierEnv } from '../../contracts/functions/notifier.js';
import { environmentLabelJa, type Names, names, stackNames } from '../../contracts/names.js';
import {
  ESCALATION_LEVELS,
  type EscalationLevel,
  ROUTING,
  SEVERITIES,
  type Severity,
} from '../../contracts/severity.js';
import type { EnvConfig } from '../config/schema.js';
import { driftReadStatements } from '../lib/drift-read.js';
import { lambdaFunction, schedule } from '../lib/lambda.js';
import { alarm, getAtt, guardedRate, logGroup, ref, res } from '../lib/resources.js';
import {
  type AlarmRef,
  type Cfn,
  pascal,
  type StackContext,
  type StackDefinition,
  sub,
} from '../lib/template.js';
import { tierAlarms } from './alarm-catalog.js';
import { alarmHistoryResources } from './alarm-history.js';
import { dashboards } from './dashboards.js';
import { EPISODE_TABLE_ID, notifierEpisodeStatement, oncallResources } from './oncall.js';

const PERIOD = 300;

/** Description (Japanese) of each tier family: what it means and the first thing to do. */
const MEANING = {
  bounceRate: (t: number, e: number) =>
    `SES バウンス率が ${t}% を超えました（5分間×${e}回）。送信リストと直近の送信元アプリケーションを確認してください。`,
  complaintRate: (t: number, e: number) =>
    `SES 苦情率が ${t}% を超えました（5分間×${e}回）。配信停止処理と送信内容を確認してください。`,
  sendSuccessRate: (t: number, e: number) =>
    `SES 送信成功率（配信数/送信数）が ${t}% を下回りました（5分間×${e}回）。バウンス・拒否イベントを確認してください。`,
  applicationErrors: (t: number, e: number) =>
    `アプリケーションエラーが5分間に ${t} 件を超えました（${e}回）。/aws/application のログを確認してください。`,
};

/** Saved Logs Insights queries (seed 2.2.2-2.2.5, 4.2.1, 4.2.2, 4.3.2) on the real SES event field paths. */
export function savedQueries(n: Names): { id: string; name: string; groups: string[]; query: string }[] {
  const ses = [n.logGroup.sesEvents];
  const only = (types: string[]) => `| filter ${types.map((t) => `detail.eventType = "${t}"`).join(' or ')}`;
  const typeFields =
    'detail.eventType as eventType, detail.bounce.bounceType as bounceType,\n' +
    '  detail.complaint.complaintFeedbackType as complaintFeedbackType';
  // Admins see originals only through unmask(): the log group's data-protection policy masks query results too.
  const adminFields = `fields @timestamp, ${typeFields},\n  unmask(@message) as original`;
  const maskedRecipient =
    'concat(substr(`detail.mail.destination.0`, 0, 1), "***@***.***") as maskedDestination';
  const recent = [only(['Bounce', 'Complaint', 'Delivery']), '| sort @timestamp desc', '| limit 100'];
  const q = (id: string, name: string, groups: string[], lines: string[]) => ({
    id,
    name: n.query(name),
    groups,
    query: lines.join('\n'),
  });
  return [
    q('AdminSesAnalysis', 'admin/ses-analysis', ses, [adminFields, ...recent]),
    q('MaskedSesAnalysis', 'ses-analysis-masked', ses, [
      `fields @timestamp, ${typeFields},\n  ${maskedRecipient}`,
      only(['Bounce', 'Complaint', 'Delivery']),
      '| stats count() as events by eventType, maskedDestination, bounceType, complaintFeedbackType',
      '| sort events desc',
      '| limit 100',
    ]),
    q('DeliveryPerformance', 'delivery-performance', ses, [
      'filter detail.eventType = "Delivery"',
      '| stats avg(detail.delivery.processingTimeMillis) as avgProcessingTime,',
      '    max(detail.delivery.processingTimeMillis) as maxProcessingTime,',
      '    min(detail.delivery.processingTimeMillis) as minProcessingTime,',
      '    pct(detail.delivery.processingTimeMillis, 90) as p90ProcessingTime,',
      '    count() as totalDeliveries by bin(1h) as hour',
      '| sort hour desc',
    ]),
    q('ErrorAnalysis', 'error-analysis', ses, [
      `fields @timestamp, ${typeFields}`,
      only(['Bounce', 'Complaint', 'Reject']),
      '| stats count() as events by eventType, bounceType, complaintFeedbackType',
      '| sort events desc',
    ]),
    q('AdminRecentEvents', 'admin/recent-events', ses, [adminFields, ...recent]),
    q('MaskedRecentEvents', 'recent-events-masked', ses, [
      `fields @timestamp, ${typeFields},\n  ${maskedRecipient}`,
      ...recent,
    ]),
    q(
      'ComplianceJapanese',
      'compliance-japanese',
      [n.logGroup.compliance],
      // The group receives the data-protection audit findings of the PII log groups (one report per log event,
      // at most two identifiers: EmailAddress, IpAddress): which group held how much personal data, of which kind.
      [
        'fields resourceArn, dataIdentifiers.0.name as identifier1, dataIdentifiers.0.count as count1,',
        '  dataIdentifiers.1.name as identifier2, dataIdentifiers.1.count as count2',
        '| stats count(*) as events, sum(count1) as findings1, sum(count2) as findings2',
        '    by resourceArn, identifier1, identifier2',
        '| sort events desc',
      ],
    ),
    // The seed's intent for 4.3.2 (log levels by stream) on the log group that has application log levels.
    q(
      'ApplicationLogLevels',
      'application-log-levels',
      [n.logGroup.application],
      [
        'fields @timestamp, @message, @logStream',
        '| parse @message /(?<lvl>ERROR|WARNING|WARN|INFO|DEBUG)/',
        '| filter ispresent(lvl)',
        '| stats count(*) as events by lvl, @logStream',
        '| sort events desc',
      ],
    ),
  ];
}

function build(ctx: StackContext) {
  const { cfg, n } = ctx;
  const resources: Record<string, Resource> = {};
  const ns = n.namespace.monitoring;

  resources.ComplianceLogGroup = logGroup(ctx, n.logGroup.compliance);
  resources.ApplicationLogGroup = {
    ...logGroup(ctx, n.logGroup.application, { mask: true }),
    DependsOn: ['ComplianceLogGroup'],
  };
  resources.ApplicationErrorsMetricFilter = res<MetricFilterProperties & { FilterName?: string }>(
    'AWS::Logs::MetricFilter',
    {
      FilterName: `${n.prefix}-application-errors`,
      LogGroupName: ref('ApplicationLogGroup'),
      FilterPattern: cfg.logs.applicationErrorFilterPattern,
      MetricTransformations: [
        { MetricNamespace: ns, MetricName: 'ApplicationErrors', MetricValue: '1', Unit: 'Count' } as never,
      ],
    },
  );

  const alarmNames: string[] = [];
  for (const t of tierAlarms(cfg).filter((a) => a.stack === 'monitoring')) {
    const id = `${pascal(t.family)}${t.severity}Alarm`;
    const description = MEANING[t.family](t.threshold, t.evaluationPeriods);
    alarmNames.push(t.name);
    if (t.family === 'bounceRate' || t.family === 'complaintRate') {
      resources[id] = alarm(ctx, {
        name: t.name,
        severity: t.severity,
        description: `${description}（送信数が5分間に ${cfg.alarms.minimumSendVolume} 件未満の間は評価しません）`,
        threshold: t.threshold,
        comparison: 'GreaterThanThreshold',
        evaluationPeriods: t.evaluationPeriods,
        treatMissingData: 'notBreaching',
        metrics: guardedRate({
          namespace: 'AWS/SES',
          numerator: t.family === 'bounceRate' ? 'Bounce' : 'Complaint',
          denominator: 'Send',
          period: PERIOD,
          minimum: cfg.alarms.minimumSendVolume,
          label: t.family === 'bounceRate' ? 'BounceRatePercent' : 'ComplaintRatePercent',
        }),
      });
    } else {
      const success = t.family === 'sendSuccessRate';
      resources[id] = alarm(ctx, {
        name: t.name,
        severity: t.severity,
        description,
        threshold: t.threshold,
        comparison: success ? 'LessThanThreshold' : 'GreaterThanThreshold',
        evaluationPeriods: t.evaluationPeriods,
        // No mail sent (nights, dev) means no rate: that is not a failure. A dead pipeline is the heartbeat's job.
        treatMissingData: 'notBreaching',
        metric: {
          namespace: ns,
          name: success ? 'SendSuccessRate' : 'ApplicationErrors',
          statistic: success ? 'Average' : 'Sum',
          period: PERIOD,
        },
      });
    }
  }
  resources.MetricsHeartbeatAlarm = alarm(ctx, {
    name: n.alarm('metrics-heartbeat'),
    severity: 'P2',
    description:
      'カスタムメトリクス関数のハートビートが15分間届いていません。送信成功率などのアラームが機能していない可能性があります。Lambda 関数のエラーとスケジュールを確認してください。',
    threshold: 1,
    comparison: 'LessThanThreshold',
    evaluationPeriods: 3,
    treatMissingData: 'breaching',
    metric: { namespace: ns, name: 'MetricsHeartbeat', statistic: 'Sum', period: PERIOD },
  });
  alarmNames.push(n.alarm('metrics-heartbeat'));

  // Every alarm of the environment (second rendering pass); the first pass knows only its own.
  const environmentAlarms: readonly AlarmRef[] =
    ctx.environmentAlarms ?? alarmNames.map((name) => ({ name, severity: undefined, stack: 'monitoring' }));
  const boards = dashboards(cfg, environmentAlarms);
  // Fn::Sub only where the body names the account (alarm ARNs, the archive bucket): cfn-lint W1020 otherwise.
  const dashboard = (name: string, b: unknown) => {
    const text = JSON.stringify(b);
    return res<DashboardProperties>('AWS::CloudWatch::Dashboard', {
      DashboardName: name,
      DashboardBody: text.includes('${') ? sub(text) : text,
    });
  };
  resources.MainDashboard = dashboard(n.dashboard.main, boards.main);
  resources.TokyoRegionDashboard = dashboard(n.dashboard.tokyo, boards.tokyo);
  resources.PrivacyAdminDashboard = dashboard(n.dashboard.privacyAdmin, boards.privacyAdmin);
  resources.PrivacyMaskedDashboard = dashboard(n.dashboard.privacyMasked, boards.privacyMasked);

  for (const q of savedQueries(n)) {
    resources[`${q.id}Query`] = res<QueryDefinitionProperties & { QueryLanguage: string }>(
      'AWS::Logs::QueryDefinition',
      { Name: q.name, QueryString: q.query, LogGroupNames: q.groups, QueryLanguage: 'CWLI' },
    );
  }

  Object.assign(resources, monitoringFunctions(ctx), oncallResources(ctx), alarmHistoryResources(ctx));

  return {
    description:
      'log groups, tier alarms, heartbeat, dashboards, saved queries, metrics and notifier functions',
    resources,
    outputs: {
      ApplicationLogGroupName: {
        value: ref('ApplicationLogGroup'),
        description: 'Application log group',
      },
      ComplianceLogGroupName: {
        value: ref('ComplianceLogGroup'),
        description: 'Data-protection findings',
      },
    },
  };
}

/** The custom-metrics function (seed 2.1.3) and the Japanese notifier with escalation (seed 3.3.2, 5.4.2). */
function monitoringFunctions(ctx: StackContext): Record<string, Resource> {
  const { cfg, n } = ctx;
  const sevs = SEVERITIES;
  const delivery = Object.fromEntries(
    sevs.map((s) => [s, ctx.fromStack('base', `DeliveryTopic${s}Arn`)]),
  ) as Record<Severity, Cfn>;
  const escalation = Object.fromEntries(
    ESCALATION_LEVELS.map((l) => [l, ctx.fromStack('base', `EscalationTopicLevel${l}Arn`)]),
  ) as Record<EscalationLevel, Cfn>;
  const notificationsKey = ctx.fromStack('base', 'NotificationsKeyArn');
  const domains = cfg.ses.domains.map((d) => d.name);
  const out: Record<string, Resource> = {
    ...lambdaFunction(ctx, {
      id: 'Metrics',
      fn: 'custom-metrics',
      handler: 'metrics',
      description:
        'Publishes SendSuccessRate, BounceRate, ComplaintRate and a heartbeat every 5 minutes (EMF)',
      statements: [
        // GetMetricData supports no resource-level permission.
        { Sid: 'ReadSesMetrics', Effect: 'Allow', Action: 'cloudwatch:GetMetricData', Resource: '*' },
      ],
      environment: writeMetricsEnv({ namespace: n.namespace.monitoring, domains }),
      timeoutSeconds: 60,
      memoryMb: 256,
      errorSeverity: 'P2',
    }),
    ...schedule(ctx, {
      id: 'Metrics',
      name: 'custom-metrics',
      expression: 'cron(0/5 * * * ? *)',
      functionId: 'MetricsFunction',
      input: { scheduledTime: '<aws.scheduler.scheduled-time>' },
      description: 'Every 5 minutes (seed Period 300): SES rates into the Monitoring namespace',
    }),
    ...lambdaFunction(ctx, {
      id: 'Notifier',
      fn: 'notifier',
      handler: 'notifier',
      description:
        'Japanese alarm notifications (JST) to each severity and its responder level; re-notifies and escalates',
      statements: [
        {
          Sid: 'PublishToDeliveryAndEscalationTopics',
          Effect: 'Allow',
          Action: 'sns:Publish',
          Resource: [...Object.values(delivery), ...Object.values(escalation)],
        },
        {
          Sid: 'EncryptForTopics',
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: notificationsKey,
        },
        // DescribeAlarms returns composite alarms only when allowed on every alarm.
        { Sid: 'ReadAlarmStates', Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: '*' },
        notifierEpisodeStatement(),
      ],
      environment: writeNotifierEnv({
        alarmTopics: { P1: ctx.alarmTopic('P1'), P2: ctx.alarmTopic('P2'), P3: ctx.alarmTopic('P3') },
        deliveryTopics: delivery,
        escalationTopics: escalation,
        alarmNamePrefix: n.alarmPrefix,
        sceptreEnvironment: cfg.sceptreEnv,
        episodeTable: ref(EPISODE_TABLE_ID),
        p1RenotifyMinutes: cfg.notifications.escalation.p1RenotifyMinutes,
        p2AutoEscalateMinutes: cfg.notifications.escalation.p2AutoEscalateMinutes,
        domains,
        sesEventsLogGroup: n.logGroup.sesEvents,
      }),
      timeoutSeconds: 30,
      memoryMb: 256,
      // If the notifier fails, the raw alarm still reaches the P1 delivery topic: a page is never lost.
      onFailure: delivery.P1,
      errorSeverity: 'P1',
    }),
    ...schedule(ctx, {
      id: 'Escalation',
      name: 'escalation-check',
      expression: 'cron(0/5 * * * ? *)',
      functionId: 'NotifierFunction',
      input: { action: 'escalate', scheduledTime: '<aws.scheduler.scheduled-time>' },
      description:
        'Every 5 minutes: re-notifies unacknowledged P1 alarms, sends requested P2 escalations to level 2',
    }),
  };
  Object.assign(out, driftDetection(ctx, delivery, notificationsKey));
  for (const s of sevs) {
    out[`NotifierSubscription${s}`] = res('AWS::SNS::Subscription', {
      TopicArn: ctx.alarmTopic(s),
      Protocol: 'lambda',
      Endpoint: getAtt('NotifierFunction', 'Arn'),
    });
    out[`NotifierInvokeFrom${s}`] = res('AWS::Lambda::Permission', {
      FunctionName: ref('NotifierFunction'),
      Action: 'lambda:InvokeFunction',
      Principal: 'sns.amazonaws.com',
      SourceArn: ctx.alarmTopic(s),
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  }
  return out;
}

/** Weekly CloudFormation drift detection inside AWS (seed 5.5.2): report to S3, summary to P3 (P2 on drift). */
function driftDetection(ctx: StackContext, delivery: Record<Severity, Cfn>, notificationsKey: Cfn) {
  const { cfg } = ctx;
  const bucket = ctx.fromStack('base', 'ArtifactsBucketName');
  return {
    ...lambdaFunction(ctx, {
      id: 'DriftDetection',
      fn: 'drift-detection',
      handler: 'drift-detection',
      description: 'Weekly CloudFormation drift detection of every stack; report to S3, summary to P3 or P2',
      statements: [
        // Drift detection reads resources through the caller's permissions (generators/lib/drift-read.ts). The
        // role decrypts under the logs key already (its own environment), which covers Lambda's GetFunction.
        ...driftReadStatements(cfg),
        {
          Sid: 'StoreReports',
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: sub(`arn:\${AWS::Partition}:s3:::\${${bucket.Ref}}/drift-reports/*`),
        },
        {
          Sid: 'EncryptReports',
          Effect: 'Allow',
          Action: 'kms:GenerateDataKey',
          Resource: ctx.fromStack('base', 'ArtifactsKeyArn'),
        },
        { Sid: 'Summaries', Effect: 'Allow', Action: 'sns:Publish', Resource: [delivery.P2, delivery.P3] },
        {
          Sid: 'EncryptForTopics',
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: notificationsKey,
        },
      ],
      environment: writeDriftEnv({
        stackNames: stackNames(cfg),
        reportBucket: bucket,
        topicP2Arn: delivery[ROUTING.driftFound],
        topicP3Arn: delivery[ROUTING.driftInSync],
        timeoutSeconds: 600,
      }),
      timeoutSeconds: 900,
      memoryMb: 256,
    }),
    ...schedule(ctx, {
      id: 'DriftDetection',
      name: 'drift-detection',
      expression: 'cron(0 9 ? * MON *)',
      functionId: 'DriftDetectionFunction',
      input: { action: 'detect' },
      description: 'Mondays 09:00 JST: CloudFormation drift report of every stack (seed 5.5.2)',
    }),
  };
}

export const monitoringStack: StackDefinition = {
  id: 'monitoring',
  purpose: 'Log groups, tier alarms, heartbeat, dashboards, saved queries, metrics and notifier functions',
  handlers: ['metrics', 'notifier', 'drift-detection'],
  build,
  showsEnvironmentAlarms: true,
};
