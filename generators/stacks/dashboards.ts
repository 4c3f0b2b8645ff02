/**
 * The dashboards of seed 4.1 and 4.2, as dashboard bodies (Fn::Sub: alarm ARNs and the archive bucket need the
 * account id). Positions come from the layout helper; every alarm of the environment is on an alarm status
 * widget of the main and Tokyo dashboards (grouped by severity, at most 100 per widget).
 *
 * Time zone: metric widgets take `timezone` ("+0900": JST) in the dashboard body; log and alarm status widgets
 * have no such property (they follow the console's time-zone setting), which the header of each dashboard says.
 */
import { ALARM_WIDGET_MAX_ALARMS, DASHBOARD_MAX_WIDGETS } from '../../contracts/limits.js';
import { METRICS, SES_EVENT_FIELDS } from '../../contracts/metrics.js';
import { environmentLabelJa, type Names, names } from '../../contracts/names.js';
import { SEVERITIES, SEVERITY_LABEL } from '../../contracts/severity.js';
import type { EnvConfig } from '../config/schema.js';
import { chunks, layout, type PlacedWidget, section, type WidgetSpec } from '../lib/layout.js';
import type { AlarmRef } from '../lib/template.js';
import { alarmHistoryQuery, alarmResolutionQuery } from './alarm-history.js';

const PERIOD = 300;
/** Japan Standard Time for metric widgets (dashboard body: "+" or "-" and four digits, default +0000). */
export const DASHBOARD_TIMEZONE = '+0900';
const TIME_NOTE =
  'グラフの時刻は日本時間 (JST, +0900)。ログ表とアラーム一覧の時刻は CloudWatch コンソールのタイムゾーン設定に従います（右上の設定で「ローカル」を選ぶと JST）。';

interface Body {
  readonly start: string;
  readonly periodOverride: 'inherit';
  readonly widgets: PlacedWidget[];
}

function body(widgets: readonly WidgetSpec[]): Body {
  if (widgets.length > DASHBOARD_MAX_WIDGETS) {
    throw new Error(
      `a dashboard holds at most ${DASHBOARD_MAX_WIDGETS} widgets; this one would have ${widgets.length}`,
    );
  }
  return { start: '-PT24H', periodOverride: 'inherit', widgets: layout(widgets) };
}

function metric(
  cfg: EnvConfig,
  title: string,
  metrics: unknown[][],
  extra: Record<string, unknown> = {},
  size: { width?: number; height?: number } = {},
): WidgetSpec {
  return {
    type: 'metric',
    width: size.width ?? 12,
    height: size.height ?? 6,
    properties: {
      title,
      region: cfg.region,
      view: 'timeSeries',
      stacked: false,
      period: PERIOD,
      timezone: DASHBOARD_TIMEZONE,
      metrics,
      ...extra,
    },
  };
}

function logTable(
  cfg: EnvConfig,
  title: string,
  query: string,
  size: { width?: number; height?: number } = {},
) {
  return {
    type: 'log' as const,
    width: size.width ?? 24,
    height: size.height ?? 6,
    properties: { title, region: cfg.region, view: 'table', query },
  };
}

const alarmArn = (name: string) =>
  `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${name}`;

/** Alarm status widgets for these alarms: one group per severity, at most 100 alarms per widget. */
export function alarmWidgets(alarms: readonly AlarmRef[], titlePrefix: string): WidgetSpec[] {
  const groups: [string, readonly AlarmRef[]][] = [
    ...SEVERITIES.map((s): [string, AlarmRef[]] => [
      `${SEVERITY_LABEL[s]} ${s}`,
      alarms.filter((a) => a.severity === s),
    ]),
    ['重要度なし', alarms.filter((a) => a.severity === undefined)],
  ];
  return groups.flatMap(([label, list]) => {
    const parts = chunks(list, ALARM_WIDGET_MAX_ALARMS);
    return parts.map((part, i) => ({
      type: 'alarm' as const,
      width: 24,
      height: Math.min(2 + Math.ceil(part.length / 4), 8),
      properties: {
        title: `${titlePrefix}: ${label} (${part.length})${parts.length > 1 ? ` ${i + 1}/${parts.length}` : ''}`,
        alarms: part.map((a) => alarmArn(a.name)),
        sortBy: 'stateUpdatedTimestamp',
        states: ['ALARM', 'INSUFFICIENT_DATA', 'OK'],
      },
    }));
  });
}

/** Every storage class of the archive bucket (Standard, then Glacier Instant Retrieval after the transition). */
function storageWidget(cfg: EnvConfig, n: Names): WidgetSpec {
  const bucket = `${n.archiveBucket}-\${AWS::AccountId}`;
  return metric(
    cfg,
    'S3 アーカイブ使用量 (bytes, 日次, 全ストレージクラス)',
    [
      [
        {
          expression: `SEARCH('{AWS/S3,BucketName,StorageType} MetricName="BucketSizeBytes" BucketName="${bucket}"', 'Average', 86400)`,
          id: 'storage',
          label: '',
        },
      ],
    ],
    { stacked: true, period: 86400 },
  );
}

function byodkimSection(cfg: EnvConfig, n: Names, alarms: readonly AlarmRef[]): WidgetSpec[] {
  const ns = n.namespace.byodkim;
  const m = (metricName: string, label: string, stat = 'Maximum') => [ns, metricName, { label, stat }];
  return [
    section(
      '### BYODKIM（seed 3.2.5, 3.2.6, 6.2）\n鍵ローテーションの状態。DNS 待ち時間・保留時間・旧レコード経過日数が期限（P1/P2 アラーム）に近づいていないかを確認します。',
      2,
    ),
    ...alarmWidgets(
      alarms.filter((a) => a.stack === 'byodkim'),
      'BYODKIM アラーム',
    ),
    metric(cfg, 'DNS 登録待ち (時間) — 依頼から公開まで', [
      m(METRICS.dnsRequestAgeHours.name, 'DNS依頼からの経過時間'),
      m(METRICS.dnsPropagationHours.name, 'DNS伝播待ち'),
    ]),
    metric(cfg, '検証保留 (時間) と旧セレクタのレコード (日)', [
      m(METRICS.byodkimPendingHours.name, 'SES検証保留 (時間)'),
      m(METRICS.oldRecordAgeDays.name, '旧レコード経過 (日)', 'Maximum'),
    ]),
    metric(cfg, 'ローテーションと失敗 (件)', [
      m(METRICS.byodkimKeyRotation.name, '完了したローテーション', 'Sum'),
      m(METRICS.rotationFailed.name, 'ローテーション失敗', 'Sum'),
      m(METRICS.byodkimVerificationFailed.name, '検証失敗', 'Sum'),
    ]),
    metric(cfg, '鍵の状態 (1 = 正常)', [m(METRICS.byodkimKeyStatus.name, '鍵の状態', 'Minimum')]),
  ];
}

/**
 * "Worst domains" (issue #14, item 4): per-domain bounce and complaint rates without a metric per domain. A Logs
 * Insights table over the SES events of the dashboard's time range (domains with at least the minimum sends,
 * worst bounce rate first; `strcontains` turns each event type into a 0/1 to sum), and the worst domain's rates
 * per 5-minute period as the metrics function publishes them for the worst-domain alarms.
 */
export function worstDomainsWidgets(cfg: EnvConfig, n: Names): WidgetSpec[] {
  const ns = n.namespace.monitoring;
  const domain = SES_EVENT_FIELDS.fromDomain;
  const count = (type: string, as: string) => `sum(strcontains(detail.eventType, "${type}")) as ${as}`;
  const query = [
    `SOURCE '${n.logGroup.sesEvents}'`,
    'filter detail.eventType in ["Send", "Bounce", "Complaint"]',
    `stats ${count('Send', 'sends')}, ${count('Bounce', 'bounces')}, ${count('Complaint', 'complaints')} by ${domain} as domain`,
    `filter sends >= ${cfg.alarms.minimumSendVolume}`,
    'fields domain, sends, bounces, complaints, 100 * bounces / sends as bounceRatePct, 100 * complaints / sends as complaintRatePct',
    'sort bounceRatePct desc, complaintRatePct desc',
    'limit 20',
  ].join(' | ');
  return [
    section(
      `### ワーストドメイン（送信ドメイン別、seed 6.5.3）\n表: 表示期間の SES イベントから、${cfg.alarms.minimumSendVolume} 件以上送信したドメインをバウンス率の高い順に20件。グラフ: 5分ごとの最悪ドメインの率（ドメイン別アラームが評価する値）。`,
    ),
    logTable(cfg, 'ワーストドメイン: バウンス率・苦情率 (%, 表示期間)', query, { width: 12, height: 8 }),
    metric(
      cfg,
      '最悪ドメインの率 (%, 5分間) と評価対象ドメイン数',
      [
        [ns, METRICS.worstDomainBounceRate.name, { label: '最悪ドメインのバウンス率', stat: 'Maximum' }],
        [ns, METRICS.worstDomainComplaintRate.name, { label: '最悪ドメインの苦情率', stat: 'Maximum' }],
        [ns, METRICS.ratedDomains.name, { label: '評価対象ドメイン数', stat: 'Maximum', yAxis: 'right' }],
      ],
      {},
      { width: 12, height: 8 },
    ),
  ];
}

/** Dashboards of seed 4.1.1-4.1.3 and 4.2.1-4.2.2. */
export function dashboards(cfg: EnvConfig, alarms: readonly AlarmRef[]) {
  const n = names(cfg);
  const ns = n.namespace.monitoring;
  const envJa = environmentLabelJa(cfg.environment);
  const rates = metric(cfg, 'SESパフォーマンス: 送信成功率・バウンス率・苦情率 (%) — 東京リージョン', [
    [ns, METRICS.sendSuccessRate.name, { label: '送信成功率', stat: 'Average' }],
    [ns, METRICS.bounceRate.name, { label: 'バウンス率', stat: 'Average', yAxis: 'right' }],
    [ns, METRICS.complaintRate.name, { label: '苦情率', stat: 'Average', yAxis: 'right' }],
  ]);
  const appErrors = metric(cfg, 'アプリケーションエラー — 東京リージョン', [
    [ns, METRICS.applicationErrors.name, { label: 'ApplicationErrors', stat: 'Sum' }],
  ]);
  const history = [
    logTable(cfg, 'アラート履歴（過去24時間、新しい順）', alarmHistoryQuery(n.logGroup.alarmHistory), {
      height: 8,
    }),
    logTable(
      cfg,
      'アラート解決状況（状態ごとの変化回数、過去24時間）',
      alarmResolutionQuery(n.logGroup.alarmHistory),
    ),
  ];
  const main = body([
    section(`## ${n.dashboard.main}\n${TIME_NOTE}`, 2),
    rates,
    appErrors,
    logTable(
      cfg,
      '最新SESイベント (20件)',
      `SOURCE '${n.logGroup.sesEvents}' | fields @timestamp, detail.eventType as eventType, detail.mail.source as source, detail.bounce.bounceType as bounceType | sort @timestamp desc | limit 20`,
    ),
    ...worstDomainsWidgets(cfg, n),
    section('### アラート状況（現在の状態、全アラーム）'),
    ...alarmWidgets(alarms, 'アラート状況'),
    ...history,
    section('### SES・配信パイプライン'),
    metric(
      cfg,
      'SES 送信数 (AWS/SES)',
      [METRICS.sesSend, METRICS.sesDelivery, METRICS.sesBounce, METRICS.sesComplaint, METRICS.sesReject].map(
        (d) => ['AWS/SES', d.name, { stat: 'Sum' }],
      ),
    ),
    metric(cfg, 'SES レピュテーション (AWS/SES, 比率)', [
      ['AWS/SES', METRICS.sesReputationBounceRate.name, { stat: 'Maximum' }],
      ['AWS/SES', METRICS.sesReputationComplaintRate.name, { stat: 'Maximum', yAxis: 'right' }],
    ]),
    metric(cfg, '配信レイテンシ p90 (ms, delivery.processingTimeMillis)', [
      [ns, METRICS.deliveryProcessingTime.name, { stat: 'p90' }],
    ]),
    metric(cfg, 'Firehose 配信 (鮮度 秒 / 成功率)', [
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
    ]),
    storageWidget(cfg, n),
    metric(cfg, '監視ハートビート', [[ns, METRICS.metricsHeartbeat.name, { stat: 'Sum' }]]),
    ...byodkimSection(cfg, n, alarms),
  ]);
  const tokyo = body([
    section(
      [
        `## 東京リージョン監視 — ${cfg.projectCode}`,
        `リージョン: **${cfg.region} (東京)** ／ 環境: **${envJa}** ／ 日本語監視: 有効 ／ 日本コンプライアンス: 有効`,
        `${TIME_NOTE} コンプライアンスログ: \`${n.logGroup.compliance}\``,
      ].join('\n\n'),
      3,
    ),
    {
      ...rates,
      properties: { ...rates.properties, title: '東京リージョンステータス (現在値)', view: 'singleValue' },
    },
    { ...appErrors, properties: { ...appErrors.properties, title: '東京リージョンアプリケーションエラー' } },
    ...alarmWidgets(alarms, 'アラート状況（東京）'),
    ...history,
  ]);
  return { main, tokyo, ...privacyDashboards(cfg, n) };
}

/** EventBridge envelopes: recipients and the sending IP as SES records them (aws-facts: no top-level fields). */
const RECIPIENT = '`detail.mail.destination.0`';
const SOURCE_IP = '`detail.mail.tags.ses:source-ip.0`';
const TYPES =
  'detail.eventType as eventType, detail.bounce.bounceType as bounceType, detail.complaint.complaintFeedbackType as complaintType';
const RECENT =
  '| filter detail.eventType in ["Bounce", "Complaint", "Delivery"] | sort @timestamp desc | limit 100';

/**
 * Seed 4.2.1 (admin, full information) and 4.2.2 (everyone, masked). The log groups' data-protection policy masks
 * email addresses and IP addresses in every query result; `unmask(@message)` shows originals only to principals
 * allowed `logs:Unmask` (the admin role) and fails for everyone else, so the admin dashboard cannot leak.
 */
function privacyDashboards(cfg: EnvConfig, n: Names) {
  const src = `SOURCE '${n.logGroup.sesEvents}'`;
  const header = (title: string, text: string) => section(`## ${title}\n${text} ${TIME_NOTE}`, 3);
  return {
    privacyAdmin: body([
      header(
        '個人情報保護ダッシュボード（管理者用・フル情報, seed 4.2.1）',
        '`logs:Unmask` を持つ管理者ロールでのみ元の値が表示されます。閲覧は CloudTrail の監査ログに記録されます（README のセキュリティ）。',
      ),
      logTable(
        cfg,
        'SESイベント（管理者用・マスク解除）',
        `${src} | fields @timestamp, ${TYPES}, unmask(@message) as original ${RECENT}`,
        { height: 12 },
      ),
    ]),
    privacyMasked: body([
      header(
        '個人情報保護ダッシュボード（一般ユーザー用・マスク済み, seed 4.2.2）',
        'メールアドレスと IP アドレスはロググループのデータ保護ポリシーによりマスクされて表示されます。',
      ),
      logTable(
        cfg,
        'SESイベント（マスク済み: メールアドレス・IP）',
        `${src} | fields @timestamp, ${TYPES}, ${RECIPIENT} as maskedEmail, ${SOURCE_IP} as maskedIP ${RECENT}`,
        { height: 12 },
      ),
    ]),
  };
}
