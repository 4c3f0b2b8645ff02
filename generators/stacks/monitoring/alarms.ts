/**
 * The monitoring stack's alarms (seed 3.2.1-3.2.4): the tier alarms the alarm catalogue places here and the
 * metrics heartbeat. Returns the alarm names too: the dashboards' first rendering pass shows them.
 */

import { METRICS_WINDOW_MINUTES } from '../../../contracts/functions/metrics.js';
import { METRICS } from '../../../contracts/metrics.js';
import type { CfnResource } from '../../lib/cfn.js';
import { alarm } from '../../lib/resources.js';
import { pascal, type StackContext } from '../../lib/template.js';
import { sesRateTierAlarm, tierAlarms, worstDomainAlarms } from '../alarm-catalog.js';

export const PERIOD = 300;

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

/** The tier alarms and the heartbeat of the monitoring stack, and their names. */
export function monitoringAlarms(ctx: StackContext): {
  resources: Record<string, CfnResource>;
  alarmNames: string[];
} {
  const { cfg, n } = ctx;
  const resources: Record<string, CfnResource> = {};
  const ns = n.namespace.monitoring;
  const alarmNames: string[] = [];
  for (const t of tierAlarms(cfg).filter((a) => a.stack === 'monitoring')) {
    const id = `${pascal(t.family)}${t.severity}Alarm`;
    const description = MEANING[t.family](t.threshold, t.evaluationPeriods);
    alarmNames.push(t.name);
    if (t.family === 'bounceRate' || t.family === 'complaintRate') {
      resources[id] = sesRateTierAlarm(
        ctx,
        { ...t, family: t.family },
        `${description}（送信数が5分間に ${cfg.alarms.minimumSendVolume} 件未満の間は評価しません）`,
        PERIOD,
      );
    } else if (t.family === 'sendSuccessRate') {
      // The rate of the metrics function's window, only while that window holds enough sends: one bounce among
      // three sends at night is not a P1. Below the volume there is no datapoint (missing is not breaching).
      const minimum = cfg.alarms.minimumSendVolume * (METRICS_WINDOW_MINUTES / 5);
      const stat = (id: string, metric: string, s: string) => ({
        Id: id,
        ReturnData: false,
        MetricStat: { Metric: { Namespace: ns, MetricName: metric }, Period: PERIOD, Stat: s },
      });
      resources[id] = alarm(ctx, {
        name: t.name,
        severity: t.severity,
        description: `${description}（送信数が${METRICS_WINDOW_MINUTES}分間に ${minimum} 件未満の間は評価しません）`,
        threshold: t.threshold,
        comparison: 'LessThanThreshold',
        evaluationPeriods: t.evaluationPeriods,
        // No mail sent (nights, dev) means no rate: that is not a failure. A dead pipeline is the heartbeat's job.
        treatMissingData: 'notBreaching',
        metrics: [
          stat('rate', METRICS.sendSuccessRate.name, 'Average'),
          stat('volume', METRICS.sendVolume.name, 'Maximum'),
          {
            Id: 'guarded',
            Label: 'SendSuccessRatePercent',
            ReturnData: true,
            Expression: `IF(FILL(volume, 0) >= ${minimum}, rate)`,
          },
        ],
      });
    } else {
      resources[id] = alarm(ctx, {
        name: t.name,
        severity: t.severity,
        description,
        threshold: t.threshold,
        comparison: 'GreaterThanThreshold',
        evaluationPeriods: t.evaluationPeriods,
        treatMissingData: 'notBreaching',
        metric: { namespace: ns, name: METRICS.applicationErrors.name, statistic: 'Sum', period: PERIOD },
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
    // FILL: a missing heartbeat is a 0 in every period. Without it CloudWatch fills only as few missing
    // datapoints as it must and the alarm waited for the last heartbeat to leave its 5-period range (25 minutes).
    metrics: [
      {
        Id: 'beat',
        ReturnData: false,
        MetricStat: {
          Metric: { Namespace: ns, MetricName: METRICS.metricsHeartbeat.name },
          Period: PERIOD,
          Stat: 'Sum',
        },
      },
      { Id: 'heartbeat', Label: 'MetricsHeartbeat', ReturnData: true, Expression: 'FILL(beat, 0)' },
    ],
  });
  alarmNames.push(n.alarm('metrics-heartbeat'));

  // Per-domain detection without a metric per domain: the worst rated domain's rate of each 5-minute period.
  const label = { bounceRate: 'バウンス率', complaintRate: '苦情率' } as const;
  for (const w of worstDomainAlarms(cfg)) {
    resources[`WorstDomain${pascal(w.family)}${w.severity}Alarm`] = alarm(ctx, {
      name: w.name,
      severity: w.severity,
      description: `送信ドメイン別の${label[w.family]}（5分間に ${cfg.alarms.minimumSendVolume} 件以上送信したドメインのうち最悪の値）が ${w.threshold}% を超えました（5分間×${w.evaluationPeriods}回）。通知本文に該当ドメインを記載します。そのドメインの送信元アプリケーションと宛先リストを確認してください。`,
      threshold: w.threshold,
      comparison: 'GreaterThanThreshold',
      evaluationPeriods: w.evaluationPeriods,
      // No domain with enough sends: no datapoint, as below the account-wide tiers' volume guard.
      treatMissingData: 'notBreaching',
      metric: { namespace: ns, name: w.metric, statistic: 'Maximum', period: PERIOD },
    });
    alarmNames.push(w.name);
  }
  resources.DomainQueryFailedAlarm = alarm(ctx, {
    name: n.alarm('worst-domain-query-failed'),
    severity: 'P2',
    description:
      'ドメイン別のバウンス率・苦情率を求める Logs Insights クエリが2回続けて失敗しました。この間ドメイン別のアラームは評価されません（アカウント全体のアラームは有効です）。custom-metrics 関数のログ（per-domain query failed）を確認してください。',
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    evaluationPeriods: 2,
    treatMissingData: 'notBreaching',
    metric: { namespace: ns, name: METRICS.domainQueryFailed.name, statistic: 'Maximum', period: PERIOD },
  });
  alarmNames.push(n.alarm('worst-domain-query-failed'));

  return { resources, alarmNames };
}
