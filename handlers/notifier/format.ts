/**
 * Builds the Japanese notification texts (seed 3.3.2, 5.2.1, 5.4.1). Pure: every input is a parameter.
 *
 * Subjects are kept to printable ASCII and at most 99 characters: the SNS API reference has said both
 * "ASCII text" and "UTF-8 text" for `Subject` over the years, and always "less than 100 characters";
 * ASCII satisfies every version, and mail clients show it unencoded. The Japanese text is in the body.
 */
import { type FormatContext, RUNBOOK_DOMAINS } from '../../contracts/functions/notifier.js';
import { DIMENSIONS } from '../../contracts/metrics.js';
import { SEVERITY_LABEL, type Severity } from '../../contracts/severity.js';
import type { AlarmNotice, AlarmState, TriggerInfo } from './alarm-message.js';
import { formatJst } from './jst.js';

export { SEVERITIES, SEVERITY_LABEL, type Severity } from '../../contracts/severity.js';

const STATE_LABEL: Readonly<Record<AlarmState, string>> = {
  ALARM: 'アラーム',
  OK: '正常',
  INSUFFICIENT_DATA: 'データ不足',
};
const HEADLINE: Readonly<Record<AlarmState, string>> = {
  ALARM: 'アラーム発生',
  OK: '復旧',
  INSUFFICIENT_DATA: 'データ不足',
};

/** Comparison operators in words: when the alarm fires. */
const COMPARISON: Readonly<Record<string, string>> = {
  GreaterThanOrEqualToThreshold: '値がしきい値以上でアラーム（≥）',
  GreaterThanThreshold: '値がしきい値を超えるとアラーム（>）',
  LessThanThreshold: '値がしきい値を下回るとアラーム（<）',
  LessThanOrEqualToThreshold: '値がしきい値以下でアラーム（≤）',
  LessThanLowerOrGreaterThanUpperThreshold: '値が予測バンドの外に出るとアラーム',
  LessThanLowerThreshold: '値が予測バンドの下限を下回るとアラーム',
  GreaterThanUpperThreshold: '値が予測バンドの上限を超えるとアラーム',
};

/** Escalation levels of seed 5.4.2. */
export const LEVEL_LABEL: Readonly<Record<1 | 2 | 3, string>> = {
  1: 'レベル1（担当者対応）',
  2: 'レベル2（リーダー対応）',
  3: 'レベル3（マネージャー対応）',
};

export type { FormatContext } from '../../contracts/functions/notifier.js';

export interface Notification {
  readonly subject: string;
  readonly message: string;
}

/**
 * Is this state change worth a message to people? Not an OK that follows INSUFFICIENT_DATA (a new, re-created or
 * re-fed alarm's first evaluation): it recovers nothing, and a deploy would otherwise mail a "復旧" per alarm.
 */
export function isDeliveredStateChange(newState: AlarmState, oldState: string | undefined): boolean {
  return !(newState === 'OK' && oldState === 'INSUFFICIENT_DATA');
}

const MAX_SUBJECT = 99;

/** Printable ASCII only, at most 99 characters, never empty. */
export function asciiSubject(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?').trim();
  const safe = ascii.length > 0 ? ascii : 'CloudWatch alarm';
  return safe.length <= MAX_SUBJECT ? safe : `${safe.slice(0, MAX_SUBJECT - 3)}...`;
}

const formatNumber = (n: number) => (Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6))));

export function consoleAlarmUrl(region: string, alarmName: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarmName)}`;
}

export function dashboardName(environment: string): string {
  return `ses-migration-${environment}-dashboard`;
}

function dashboardUrl(region: string, environment: string): string {
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${dashboardName(environment)}`;
}

function seriesText(trigger: TriggerInfo): string {
  const s = trigger.series;
  if (s.kind === 'math') {
    const inputs = s.inputs.map((i) => `${i.id}=${i.namespace} ${i.metricName}`).join(', ');
    return `式 ${s.expression}${s.label ? `（${s.label}）` : ''}${inputs ? ` / 入力: ${inputs}` : ''}`;
  }
  const dims = s.dimensions.map((d) => `${d.name}=${d.value}`).join(', ');
  return `${s.namespace} ${s.metricName}（${s.statistic}${dims ? `, ${dims}` : ''}）`;
}

function evaluationText(trigger: TriggerInfo): string | undefined {
  if (trigger.period === undefined || trigger.evaluationPeriods === undefined) return undefined;
  const minutes = trigger.period >= 60 ? `${formatNumber(trigger.period / 60)}分` : `${trigger.period}秒`;
  const needed = trigger.datapointsToAlarm ?? trigger.evaluationPeriods;
  return `${minutes}間隔 × ${trigger.evaluationPeriods}期間中 ${needed}回で判定`;
}

/** The "current value against threshold" block. */
function valueLines(alarm: AlarmNotice): string[] {
  if (alarm.composite) {
    const lines = [`複合アラームのルール: ${alarm.composite.rule}`];
    for (const child of alarm.composite.triggeringChildren) {
      const when = child.at ? `、${formatJst(child.at)}` : '';
      lines.push(`  契機となったアラーム: ${child.name}（${child.state ?? '状態不明'}${when}）`);
    }
    return lines;
  }
  const lines: string[] = [];
  const latest = alarm.datapoints[0];
  if (latest) {
    const at = latest.at ? `（${formatJst(latest.at)} のデータポイント）` : '';
    lines.push(`現在値: ${formatNumber(latest.value)}${at}`);
    if (alarm.datapoints.length > 1) {
      lines.push(`直近の値: ${alarm.datapoints.map((d) => formatNumber(d.value)).join(', ')}`);
    }
  } else {
    lines.push('現在値: （CloudWatch の理由文に値がありません）');
  }
  const trigger = alarm.trigger;
  if (trigger) {
    const words = COMPARISON[trigger.comparisonOperator] ?? trigger.comparisonOperator;
    const threshold = trigger.threshold === undefined ? '（予測バンド）' : formatNumber(trigger.threshold);
    lines.push(`しきい値: ${threshold}（${words}）`);
    lines.push(`対象: ${seriesText(trigger)}`);
    const evaluation = evaluationText(trigger);
    if (evaluation) lines.push(`評価: ${evaluation}`);
  }
  return lines;
}

function domainFor(alarm: AlarmNotice, ctx: FormatContext): string[] {
  const series = alarm.trigger?.series;
  const fromDimension =
    series?.kind === 'metric'
      ? series.dimensions.find((d) => d.name === DIMENSIONS.domain || d.name === DIMENSIONS.sesFromDomain)
          ?.value
      : undefined;
  if (fromDimension) return [fromDimension];
  if (ctx.domains.length > 0) return ctx.domains.slice(0, RUNBOOK_DOMAINS);
  return ['<ドメイン名>'];
}

/** First steps of seed 5.4.1, adapted to SESv2 and to where the logs really are. */
export function runbookLines(alarm: AlarmNotice | undefined, ctx: FormatContext, region: string): string[] {
  const prefix = `ses-migration-${ctx.environment}-`;
  const domains = alarm
    ? domainFor(alarm, ctx)
    : ctx.domains.length > 0
      ? ctx.domains.slice(0, RUNBOOK_DOMAINS)
      : ['<ドメイン名>'];
  const query =
    'fields @timestamp, detail.eventType, detail.bounce.bounceType, detail.bounce.bounceSubType ' +
    '| filter detail.eventType = "Bounce" or detail.eventType = "Complaint" or detail.eventType = "Reject" ' +
    '| sort @timestamp desc | limit 20';
  return [
    '1. アラーム状況の確認',
    `   aws cloudwatch describe-alarms --region ${region} --state-value ALARM --alarm-name-prefix ${prefix}`,
    '2. SES アカウントの状態（送信の一時停止・審査・送信上限）の確認',
    `   aws sesv2 get-account --region ${region}`,
    '3. 送信ドメインの状態（検証・DKIM）の確認',
    ...domains.map((d) => `   aws sesv2 get-email-identity --region ${region} --email-identity ${d}`),
    '4. 直近 1 時間のバウンス・苦情・拒否イベント（CloudWatch Logs Insights）',
    `   aws logs start-query --region ${region} --log-group-name ${ctx.sesEventsLogGroup} \\`,
    `     --start-time $(date -d '1 hour ago' +%s) --end-time $(date +%s) \\`,
    `     --query-string '${query}'`,
    `   aws logs get-query-results --region ${region} --query-id <start-query の queryId>`,
    `5. ダッシュボード: ${dashboardName(ctx.environment)}`,
    `   ${dashboardUrl(region, ctx.environment)}`,
    '6. スタックと監視の総合状態',
    `   npm run status -- ${ctx.commandEnvironment}`,
  ];
}

/** The message for one alarm state change delivered to the severity's topic. */
export function formatAlarmNotification(
  alarm: AlarmNotice,
  severity: Severity,
  ctx: FormatContext,
  snsMessageId: string | undefined,
  /** Extra block after the value (e.g. the domains of a worst-domain alarm). */
  extra: readonly string[] = [],
): Notification {
  const region = alarm.region ?? ctx.region;
  const label = `${SEVERITY_LABEL[severity]} ${severity}`;
  const lines = [
    `【${label}】${HEADLINE[alarm.newState]}: ${alarm.name}`,
    '',
    `重要度: ${label}`,
    `アラーム名: ${alarm.name}`,
    `状態の変化: ${alarm.oldState ?? '不明'} → ${alarm.newState}（${STATE_LABEL[alarm.newState]}）`,
    `発生時刻: ${alarm.changedAt ? formatJst(alarm.changedAt) : '不明'}`,
    `環境: ${ctx.environment}`,
    `リージョン: ${region}${alarm.regionName ? `（${alarm.regionName}）` : ''}`,
    '',
    '■ 内容',
    alarm.description ?? '（アラームに説明がありません）',
    '',
    alarm.composite ? '■ 構成アラームの状態' : '■ 現在値としきい値',
    ...valueLines(alarm),
    `CloudWatch の理由: ${alarm.reason || '（なし）'}`,
    '',
    ...extra,
  ];
  if (alarm.newState === 'OK') {
    lines.push(
      '■ 対応',
      '値は正常範囲に戻りました。対応中のインシデントがあれば、原因と再発防止を記録して終了してください。',
      '',
    );
  } else {
    lines.push('■ 初動対応（監視・アラート設定書 5.4.1）', ...runbookLines(alarm, ctx, region), '');
  }
  lines.push('■ コンソール', consoleAlarmUrl(region, alarm.name), '', ...footer(snsMessageId));
  return {
    subject: asciiSubject(`[${severity} ${alarm.newState}] ${alarm.name}`),
    message: lines.join('\n'),
  };
}

/** A message on an alarm topic that is not a CloudWatch alarm: delivered as is, so nothing is lost. */
export function formatUnparsedNotification(
  raw: string,
  severity: Severity,
  ctx: FormatContext,
  problem: string,
  snsMessageId: string | undefined,
): Notification {
  const label = `${SEVERITY_LABEL[severity]} ${severity}`;
  return {
    subject: asciiSubject(`[${severity}] Unparsed alarm notification (${ctx.environment})`),
    message: [
      `【${label}】アラームトピックに解析できない通知が届きました`,
      '',
      `環境: ${ctx.environment}`,
      `解析できなかった理由: ${problem}`,
      '',
      '■ 受信した内容（そのまま）',
      raw,
      '',
      '■ 初動対応（監視・アラート設定書 5.4.1）',
      ...runbookLines(undefined, ctx, ctx.region),
      '',
      ...footer(snsMessageId),
    ].join('\n'),
  };
}

function footer(snsMessageId: string | undefined): string[] {
  return [
    '---',
    'この通知は ses-migration の notifier が CloudWatch アラームから作成しました。',
    ...(snsMessageId ? [`元の SNS MessageId: ${snsMessageId}（同じ ID の通知は重複配信です）`] : []),
  ];
}

export interface EscalationFacts {
  /** `p1-renotify`: a P1 nobody acknowledged yet; `p2-level2`: a P2 handed to the leader. */
  readonly kind: 'p1-renotify' | 'p2-level2';
  readonly alarmName: string;
  readonly description: string | undefined;
  readonly reason: string | undefined;
  readonly enteredAlarmAt: Date;
  readonly checkedAt: Date;
  readonly elapsedMinutes: number;
  /** p1-renotify: which re-notification this is (1, 2, …). */
  readonly round: number;
  /** p1-renotify: minutes until the next one. */
  readonly renotifyMinutes: number;
  /** p2-level2: the person who asked, or undefined for the automatic escalation. */
  readonly requestedBy: string | undefined;
  readonly composite: boolean;
}

/** The message of a P1 re-notification or a P2 escalation to level 2 (seed 3.3.2, 5.4.2). */
export function formatEscalation(facts: EscalationFacts, ctx: FormatContext): Notification {
  const region = ctx.region;
  const ack = `npm run ack -- ${ctx.commandEnvironment} ${facts.alarmName} --by <あなたの名前> [--note "対応内容"]`;
  const p1 = facts.kind === 'p1-renotify';
  const headline = p1
    ? `【再通知 ${facts.round} 回目・${LEVEL_LABEL[3]}】緊急 P1 のアラームが ${facts.elapsedMinutes} 分続き、まだ誰も対応を宣言していません: ${facts.alarmName}`
    : `【エスカレーション ${LEVEL_LABEL[2]}】重要 P2 のアラームが ${facts.elapsedMinutes} 分続いています: ${facts.alarmName}`;
  const why = p1
    ? `確認応答（ack）があるか OK に戻るまで、${facts.renotifyMinutes} 分ごとに P1 の宛先とレベル3へ再送します。`
    : facts.requestedBy === undefined
      ? '確認応答がないまま自動エスカレーションの時間を過ぎたため、レベル2へ送りました。'
      : `${facts.requestedBy} さんが npm run escalate でレベル2への引き継ぎを依頼しました。`;
  const lines = [
    headline,
    '',
    `重要度: ${p1 ? `${SEVERITY_LABEL.P1} P1` : `${SEVERITY_LABEL.P2} P2`}（${facts.composite ? '複合アラーム' : 'メトリクスアラーム'}）`,
    `アラーム名: ${facts.alarmName}`,
    `アラーム状態になった時刻: ${formatJst(facts.enteredAlarmAt)}（${facts.elapsedMinutes} 分経過）`,
    `確認時刻: ${formatJst(facts.checkedAt)}`,
    `環境: ${ctx.environment}`,
    `リージョン: ${region}`,
    '',
    '■ 内容',
    facts.description ?? '（アラームに説明がありません）',
    '',
    `CloudWatch の理由: ${facts.reason ?? '（なし）'}`,
    '',
    '■ 初動対応（監視・アラート設定書 5.4.1）',
    ...runbookLines(undefined, ctx, region),
    '',
    '■ 対応を宣言する（再通知を止める）',
    ack,
    '',
    '■ コンソール',
    consoleAlarmUrl(region, facts.alarmName),
    '',
    '---',
    why,
  ];
  const subject = p1
    ? `[P1 REMINDER ${facts.round}] unacknowledged ${facts.elapsedMinutes} min: ${facts.alarmName}`
    : `[P2 ESCALATION L2] ALARM for ${facts.elapsedMinutes} min: ${facts.alarmName}`;
  return { subject: asciiSubject(subject), message: lines.join('\n') };
}
