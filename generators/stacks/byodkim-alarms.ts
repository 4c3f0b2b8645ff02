/**
 * The seed's BYODKIM alarms (seed 3.2.5, 3.2.6, 6): one alarm per account-wide metric of the BYODKIM namespace,
 * thresholds that are deadlines taken from the environment file's `byodkim:` section. Data, read by the byodkim
 * stack (generators/stacks/byodkim.ts), which turns each row into an `AWS::CloudWatch::Alarm`.
 */
import { METRICS } from '../../contracts/metrics.js';
import type { Severity } from '../../contracts/severity.js';
import type { StackContext } from '../lib/template.js';

/** Alarm of one account-wide BYODKIM metric (no dimensions: the seed-named alarms watch aggregates). */
export interface MetricAlarm {
  readonly id: string;
  readonly suffix: string;
  readonly severity: Severity;
  readonly metric: string;
  readonly statistic: 'Maximum' | 'Minimum' | 'Sum' | 'SampleCount';
  readonly comparison: 'GreaterThanThreshold' | 'LessThanThreshold' | 'GreaterThanOrEqualToThreshold';
  readonly threshold: number;
  readonly period: number;
  readonly evaluationPeriods: number;
  readonly missing: 'breaching' | 'notBreaching';
  readonly description: string;
  /** An event alarm: ALARM notifies once, no recovery ("復旧") that recovers nothing (AlarmSpec.event). */
  readonly event?: boolean;
  /** No action: the function's own notice is the one message (AlarmSpec.silent). */
  readonly silent?: boolean;
}

const CHECK = 900; // validation-monitor every 15 minutes
const TICK = 3600; // orchestrator every hour

/** The alarms; thresholds that are deadlines come from the environment file's `byodkim:` section. */
export function byodkimAlarms(d: StackContext['cfg']['byodkim']): readonly MetricAlarm[] {
  return [
    {
      id: 'VerificationFailed',
      suffix: 'byodkim-verification-failed',
      severity: 'P1',
      metric: METRICS.byodkimVerificationFailed.name,
      statistic: 'Maximum',
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      period: CHECK,
      evaluationPeriods: 1,
      missing: 'notBreaching',
      description:
        'BYODKIM検証が FAILED です。DNSのTXTレコード（<selector>._domainkey.<domain>）を確認してください。メール配信に影響する可能性があります。',
    },
    {
      id: 'KeyRotation',
      suffix: 'byodkim-key-rotation',
      severity: 'P2',
      metric: METRICS.byodkimKeyRotation.name,
      statistic: 'Sum',
      comparison: 'GreaterThanThreshold',
      threshold: 0,
      period: 60,
      evaluationPeriods: 1,
      missing: 'notBreaching',
      // The rotation sends its completion notice itself: that is the one message of a successful rotation.
      silent: true,
      description: 'BYODKIMキーの自動ローテーションが完了しました（情報、通知は完了通知の1通のみ）。',
    },
    {
      id: 'KeyGenerationFailed',
      suffix: 'kms-key-generation-failed',
      severity: 'P1',
      metric: METRICS.byodkimKeyGenerationStatus.name,
      statistic: 'Minimum',
      comparison: 'LessThanThreshold',
      threshold: 1,
      period: 300,
      evaluationPeriods: 1,
      missing: 'notBreaching',
      event: true,
      description:
        'KMSでのBYODKIM鍵ペア生成に失敗しました。KMS鍵の状態と関数ロールの権限を確認してください（現在の鍵で署名は継続）。',
    },
    {
      id: 'DnsInconsistency',
      suffix: 'dns-inconsistency',
      severity: 'P1',
      metric: METRICS.dnsRecordConsistency.name,
      statistic: 'Minimum',
      comparison: 'LessThanThreshold',
      threshold: 1,
      period: CHECK,
      evaluationPeriods: 2,
      missing: 'notBreaching',
      description:
        'SESが署名に使うセレクターのDNS TXTレコードが、ローテーション状態の公開鍵と一致しません。DKIM検証が失敗します。',
    },
    {
      id: 'TemporaryFailure',
      suffix: 'byodkim-temporary-failure',
      severity: 'P3',
      metric: METRICS.byodkimTemporaryFailure.name,
      statistic: 'Maximum',
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      period: CHECK,
      evaluationPeriods: 3,
      missing: 'notBreaching',
      description: 'BYODKIM検証が TEMPORARY_FAILURE です。DNSの応答状況を確認してください。',
    },
    {
      id: 'PendingOver72h',
      suffix: 'byodkim-pending-72h',
      severity: 'P2',
      metric: METRICS.byodkimPendingHours.name,
      statistic: 'Maximum',
      comparison: 'GreaterThanThreshold',
      threshold: d.pendingAlarmHours,
      period: TICK,
      evaluationPeriods: 2,
      missing: 'notBreaching',
      description: `SES切り替え後${d.pendingAlarmHours}時間を過ぎてもBYODKIM検証が SUCCESS になりません。${d.verificationTimeoutHours}時間で自動ロールバックします。DNS伝播を確認してください。`,
    },
    {
      id: 'DnsNotPublished48h',
      suffix: 'byodkim-dns-not-published-48h',
      severity: 'P1',
      metric: METRICS.dnsRequestAgeHours.name,
      statistic: 'Maximum',
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: d.dnsDeadlineHours,
      period: TICK,
      evaluationPeriods: 1,
      missing: 'notBreaching',
      description: `新しいDKIM TXTレコードが依頼から${d.dnsDeadlineHours}時間を過ぎても公開されていません。DNS部門に至急確認してください。`,
    },
    {
      id: 'DnsPropagation24h',
      suffix: 'byodkim-dns-propagation-24h',
      severity: 'P2',
      metric: METRICS.dnsPropagationHours.name,
      statistic: 'Maximum',
      comparison: 'GreaterThanThreshold',
      threshold: 24,
      period: TICK,
      evaluationPeriods: 2,
      missing: 'notBreaching',
      description:
        'Route 53に追加したDKIM TXTレコードが24時間を過ぎても解決できません。ゾーンと委任を確認してください。',
    },
    {
      id: 'OldRecordNotRemoved7d',
      suffix: 'byodkim-old-record-7d',
      severity: 'P2',
      metric: METRICS.oldRecordAgeDays.name,
      statistic: 'Maximum',
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: d.oldRecordDeadlineDays,
      period: TICK,
      evaluationPeriods: 2,
      missing: 'notBreaching',
      description: `旧DKIMセレクターのTXTレコードが切り替えから${d.oldRecordDeadlineDays}日を過ぎても削除されていません。DNS部門に削除を依頼してください。`,
    },
    {
      id: 'KmsKeyState',
      suffix: 'byodkim-kms-key-state',
      severity: 'P2',
      metric: METRICS.byodkimKeyStatus.name,
      statistic: 'Minimum',
      comparison: 'LessThanThreshold',
      threshold: 1,
      period: CHECK,
      evaluationPeriods: 1,
      missing: 'notBreaching',
      description:
        'BYODKIM用KMS鍵が有効ではありません（Disabled / PendingDeletion）。鍵がないとローテーションもロールバックもできません。',
    },
    {
      id: 'RotationFailed',
      suffix: 'byodkim-rotation-failed',
      severity: 'P1',
      metric: METRICS.rotationFailed.name,
      statistic: 'Maximum',
      comparison: 'GreaterThanOrEqualToThreshold',
      threshold: 1,
      period: TICK,
      evaluationPeriods: 1,
      missing: 'notBreaching',
      event: true,
      description:
        'BYODKIMローテーション全体が失敗しました（ロールバック済み、または戻せる鍵なし）。失敗通知を確認してください。',
    },
    {
      // The orchestrator publishes the age metrics on every hourly tick: their absence means the schedule stopped.
      id: 'RotationScheduleMissing',
      suffix: 'byodkim-rotation-schedule-missing',
      severity: 'P2',
      metric: METRICS.dnsRequestAgeHours.name,
      statistic: 'SampleCount',
      comparison: 'LessThanThreshold',
      threshold: 1,
      period: TICK,
      evaluationPeriods: 3,
      missing: 'breaching',
      description:
        'BYODKIMローテーションの定期実行（毎時）が3時間届いていません。EventBridge Scheduler のスケジュールと関数のエラーを確認してください。',
    },
  ];
}
