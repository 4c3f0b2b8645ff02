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
import { type Cfn, pascal, type StackContext, type StackDefinition, sub } from '../lib/template.js';
import { tierAlarms } from './alarm-catalog.js';
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
      [
        'fields @timestamp, @message, @logStream',
        '| filter @message like /ERROR|WARNING|INFO|DEBUG/',
        '| stats count() as events by @logStream',
        '| sort events desc',
      ],
    ),
  ];
}

function metricWidget(
  cfg: EnvConfig,
  title: string,
  metrics: unknown[][],
  pos: { x: number; y: number; w?: number; h?: number },
  extra: Record<string, unknown> = {},
) {
  return {
    type: 'metric',
    x: pos.x,
    y: pos.y,
    width: pos.w ?? 12,
    height: pos.h ?? 6,
    properties: {
      title,
      region: cfg.region,
      view: 'timeSeries',
      stacked: false,
      period: PERIOD,
      metrics,
      ...extra,
    },
  };
}

/** Dashboards of seed 4.1.1 and 4.1.2 (as Fn::Sub bodies: alarm ARNs need the account id). */
export function dashboards(cfg: EnvConfig, alarmNames: readonly string[]) {
  const n = names(cfg);
  const ns = n.namespace.monitoring;
  const envJa = environmentLabelJa(cfg.environment);
  const alarmArns = alarmNames.map(
    (a) => `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${a}`,
  );
  const rates = metricWidget(
    cfg,
    'SESパフォーマンス: 送信成功率・バウンス率・苦情率 (%) — 東京リージョン',
    [
      [ns, 'SendSuccessRate', { label: '送信成功率', stat: 'Average' }],
      [ns, 'BounceRate', { label: 'バウンス率', stat: 'Average', yAxis: 'right' }],
      [ns, 'ComplaintRate', { label: '苦情率', stat: 'Average', yAxis: 'right' }],
    ],
    { x: 0, y: 0 },
  );
  const appErrors = metricWidget(
    cfg,
    'アプリケーションエラー — 東京リージョン',
    [[ns, 'ApplicationErrors', { label: 'ApplicationErrors', stat: 'Sum' }]],
    { x: 12, y: 0 },
  );
  const main = {
    start: '-PT24H',
    periodOverride: 'inherit',
    widgets: [
      rates,
      appErrors,
      {
        type: 'log',
        x: 0,
        y: 6,
        width: 24,
        height: 6,
        properties: {
          title: '最新SESイベント (20件)',
          region: cfg.region,
          view: 'table',
          query: `SOURCE '${n.logGroup.sesEvents}' | fields @timestamp, detail.eventType as eventType, detail.mail.source as source, detail.bounce.bounceType as bounceType | sort @timestamp desc | limit 20`,
        },
      },
      {
        type: 'alarm',
        x: 0,
        y: 12,
        width: 24,
        height: 4,
        properties: { title: 'アラート状況', alarms: alarmArns, sortBy: 'stateUpdatedTimestamp' },
      },
      metricWidget(
        cfg,
        'SES 送信数 (AWS/SES)',
        ['Send', 'Delivery', 'Bounce', 'Complaint', 'Reject'].map((m) => ['AWS/SES', m, { stat: 'Sum' }]),
        { x: 0, y: 16 },
      ),
      metricWidget(
        cfg,
        'SES レピュテーション (AWS/SES, 比率)',
        [
          ['AWS/SES', 'Reputation.BounceRate', { stat: 'Maximum' }],
          ['AWS/SES', 'Reputation.ComplaintRate', { stat: 'Maximum', yAxis: 'right' }],
        ],
        { x: 12, y: 16 },
      ),
      metricWidget(
        cfg,
        '配信レイテンシ p90 (ms, delivery.processingTimeMillis)',
        [[ns, 'DeliveryProcessingTime', { stat: 'p90' }]],
        { x: 0, y: 22 },
      ),
      metricWidget(
        cfg,
        'Firehose 配信 (鮮度 秒 / 成功率)',
        [
          [
            'AWS/Firehose',
            'DeliveryToS3.DataFreshness',
            'DeliveryStreamName',
            n.deliveryStream,
            { stat: 'Maximum' },
          ],
          [
            'AWS/Firehose',
            'DeliveryToS3.Success',
            'DeliveryStreamName',
            n.deliveryStream,
            { stat: 'Average', yAxis: 'right' },
          ],
        ],
        { x: 12, y: 22 },
      ),
      metricWidget(
        cfg,
        'S3 アーカイブ使用量 (bytes, 日次)',
        [
          [
            'AWS/S3',
            'BucketSizeBytes',
            'BucketName',
            `${n.archiveBucket}-\${AWS::AccountId}`,
            'StorageType',
            'StandardStorage',
            { stat: 'Average', period: 86400 },
          ],
        ],
        { x: 0, y: 28 },
      ),
      metricWidget(cfg, '監視ハートビート', [[ns, 'MetricsHeartbeat', { stat: 'Sum' }]], { x: 12, y: 28 }),
    ],
  };
  const tokyo = {
    start: '-PT24H',
    widgets: [
      {
        type: 'text',
        x: 0,
        y: 0,
        width: 24,
        height: 3,
        properties: {
          markdown: [
            `## 東京リージョン監視 — ${cfg.projectCode}`,
            `リージョン: **${cfg.region} (東京)** ／ 環境: **${envJa}** ／ 日本語監視: 有効 ／ 日本コンプライアンス: 有効`,
            `時刻は日本時間 (JST) で表示。コンプライアンスログ: \`${n.logGroup.compliance}\``,
          ].join('\n\n'),
        },
      },
      {
        type: 'metric',
        x: 0,
        y: 3,
        width: 12,
        height: 6,
        properties: {
          title: '東京リージョンステータス (現在値)',
          region: cfg.region,
          view: 'singleValue',
          period: PERIOD,
          metrics: rates.properties.metrics,
        },
      },
      {
        ...appErrors,
        x: 12,
        y: 3,
        properties: { ...appErrors.properties, title: '東京リージョンアプリケーションエラー' },
      },
      {
        type: 'alarm',
        x: 0,
        y: 9,
        width: 24,
        height: 4,
        properties: { title: 'アラート状況（東京）', alarms: alarmArns, sortBy: 'stateUpdatedTimestamp' },
      },
    ],
  };
  return { main, tokyo };
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

  const sesAlarms = tierAlarms(cfg)
    .filter((a) => a.stack === 'ses')
    .map((a) => a.name);
  const allAlarms = [...sesAlarms, n.alarm('ses-critical'), ...alarmNames].sort();
  const boards = dashboards(cfg, allAlarms);
  resources.MainDashboard = res<DashboardProperties>('AWS::CloudWatch::Dashboard', {
    DashboardName: n.dashboard.main,
    DashboardBody: sub(JSON.stringify(boards.main)),
  });
  resources.TokyoRegionDashboard = res<DashboardProperties>('AWS::CloudWatch::Dashboard', {
    DashboardName: n.dashboard.tokyo,
    DashboardBody: sub(JSON.stringify(boards.tokyo)),
  });

  for (const q of savedQueries(n)) {
    resources[`${q.id}Query`] = res<QueryDefinitionProperties & { QueryLanguage: string }>(
      'AWS::Logs::QueryDefinition',
      { Name: q.name, QueryString: q.query, LogGroupNames: q.groups, QueryLanguage: 'CWLI' },
    );
  }

  Object.assign(resources, monitoringFunctions(ctx), oncallResources(ctx));

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
};
