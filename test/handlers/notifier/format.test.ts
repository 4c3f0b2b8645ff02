import { describe, expect, it } from 'vitest';
import { parseAlarmMessage } from '../../../handlers/notifier/alarm-message.js';
import {
  asciiSubject,
  type FormatContext,
  formatAlarmNotification,
  formatEscalation,
  formatUnparsedNotification,
} from '../../../handlers/notifier/format.js';
import { alarmMessage } from './factories.js';

const ctx: FormatContext = {
  environment: 'production',
  commandEnvironment: 'prod',
  region: 'ap-northeast-1',
  domains: ['example.co.jp'],
  sesEventsLogGroup: '/aws/ses/events',
  metricsLogGroup: '/aws/lambda/ses-migration-production-custom-metrics',
};

describe('formatAlarmNotification', () => {
  it('writes a Japanese ALARM message with severity, JST time, meaning, value vs threshold, runbook and link', () => {
    const alarm = parseAlarmMessage(alarmMessage('metric-alarm-alarm'));
    const { subject, message } = formatAlarmNotification(alarm, 'P2', ctx, 'msg-1');

    expect(subject).toBe('[P2 ALARM] ses-migration-production-ses-send-failure');
    expect(message.split('\n')[0]).toBe('【重要 P2】アラーム発生: ses-migration-production-ses-send-failure');
    expect(message).toContain('状態の変化: OK → ALARM（アラーム）');
    expect(message).toContain('発生時刻: 2026-11-29 14:05:12 JST');
    expect(message).toContain('送信成功率（配信数 / 送信数）が 95% を下回りました。');
    expect(message).toContain('現在値: 91.6667（2026-11-29 14:00:00 JST のデータポイント）');
    expect(message).toContain('しきい値: 95（値がしきい値を下回るとアラーム（<））');
    expect(message).toContain('リージョン: ap-northeast-1（Asia Pacific (Tokyo)）');
    expect(message).toContain(
      'aws cloudwatch describe-alarms --region ap-northeast-1 --state-value ALARM --alarm-name-prefix ses-migration-production-',
    );
    expect(message).toContain('aws sesv2 get-account --region ap-northeast-1');
    expect(message).toContain(
      'aws sesv2 get-email-identity --region ap-northeast-1 --email-identity example.co.jp',
    );
    expect(message).toContain(
      'aws logs start-query --region ap-northeast-1 --log-group-name /aws/ses/events',
    );
    expect(message).toContain('ses-migration-production-dashboard');
    expect(message).toContain('npm run status -- prod');
    expect(message).toContain(
      'https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1#alarmsV2:alarm/ses-migration-production-ses-send-failure',
    );
    expect(message).toContain('msg-1');
  });

  it('gives a Logs Insights query that only uses fields and commands CWLI has', () => {
    const { message } = formatAlarmNotification(
      parseAlarmMessage(alarmMessage('metric-alarm-alarm')),
      'P2',
      ctx,
      undefined,
    );
    const query = message.match(/--query-string '([^']+)'/)?.[1];
    expect(query).toBeDefined();
    // SES events reach /aws/ses/events through EventBridge: every field is under detail., types are capitalised.
    expect(query).toMatch(/^fields @timestamp, detail\.eventType/);
    expect(query).toContain('filter detail.eventType = "Bounce"');
    expect(query).not.toMatch(/case when|substring|indexOf/i);
  });

  it('reports an OK transition as recovery without the runbook', () => {
    const { subject, message } = formatAlarmNotification(
      parseAlarmMessage(alarmMessage('metric-alarm-ok')),
      'P2',
      ctx,
      undefined,
    );
    expect(subject).toBe('[P2 OK] ses-migration-production-ses-send-failure');
    expect(message.split('\n')[0]).toBe('【重要 P2】復旧: ses-migration-production-ses-send-failure');
    expect(message).toContain('状態の変化: ALARM → OK（正常）');
    expect(message).toContain('発生時刻: 2026-11-29 14:35:08 JST');
    expect(message).toContain('現在値: 99.2');
    expect(message).not.toContain('初動対応');
  });

  it('describes a metric-math alarm by its expression', () => {
    const { message } = formatAlarmNotification(
      parseAlarmMessage(alarmMessage('metric-math-alarm')),
      'P1',
      ctx,
      undefined,
    );
    expect(message.split('\n')[0]).toBe(
      '【緊急 P1】アラーム発生: ses-migration-production-bounce-rate-alarm',
    );
    expect(message).toContain('現在値: 6.25（2026-11-29 14:00:00 JST のデータポイント）');
    expect(message).toContain('直近の値: 6.25, 5.5');
    expect(message).toContain('しきい値: 5（値がしきい値を超えるとアラーム（>））');
    expect(message).toContain('式 IF(send > 0, 100 * bounce / send, 0)（BounceRate）');
    expect(message).toContain('評価: 5分間隔 × 2期間中 2回で判定');
  });

  it('describes a composite alarm by its rule and the child that triggered it', () => {
    const { message } = formatAlarmNotification(
      parseAlarmMessage(alarmMessage('composite-alarm')),
      'P1',
      ctx,
      undefined,
    );
    expect(message).toContain('複合アラームのルール: ALARM("ses-migration-production-bounce-rate-alarm")');
    expect(message).toContain(
      '契機となったアラーム: ses-migration-production-bounce-rate-alarm（ALARM、2026-11-29 14:05:40 JST）',
    );
    expect(message).toContain('■ 構成アラームの状態');
    expect(message).not.toContain('現在値');
  });

  it('points the identity check at the domain of a per-domain alarm', () => {
    const { subject, message } = formatAlarmNotification(
      parseAlarmMessage(alarmMessage('insufficient-data')),
      'P3',
      { ...ctx, domains: ['other.example', 'example.co.jp'] },
      undefined,
    );
    expect(subject).toBe('[P3 INSUFFICIENT_DATA] ses-migration-production-domain-bounce-rate-example-co-jp');
    expect(message.split('\n')[0]).toContain('【情報 P3】データ不足');
    expect(message).toContain('--email-identity example.co.jp');
    expect(message).not.toContain('--email-identity other.example');
  });
});

describe('asciiSubject', () => {
  it('keeps subjects printable ASCII and under 100 characters', () => {
    const subject = asciiSubject(`[P1 ALARM] ${'アラーム'.repeat(10)}${'x'.repeat(200)}`);
    expect(subject.length).toBeLessThanOrEqual(99);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject.endsWith('...')).toBe(true);
  });

  it('never returns an empty subject', () => {
    expect(asciiSubject('　')).not.toBe('');
  });
});

describe('formatUnparsedNotification', () => {
  it('forwards the raw text with the reason it could not be read', () => {
    const { subject, message } = formatUnparsedNotification('plain text alert', 'P1', ctx, 'not JSON', 'm-9');
    expect(subject).toBe('[P1] Unparsed alarm notification (production)');
    expect(message).toContain('plain text alert');
    expect(message).toContain('not JSON');
  });
});

describe('formatEscalation', () => {
  const facts = {
    kind: 'p1-renotify' as const,
    alarmName: 'ses-migration-production-bounce-rate-alarm',
    description: 'バウンス率が 5% を超えました。',
    reason: 'Threshold Crossed',
    enteredAlarmAt: new Date('2026-11-29T05:05:40Z'),
    checkedAt: new Date('2026-11-29T06:10:00Z'),
    elapsedMinutes: 64,
    round: 4,
    renotifyMinutes: 15,
    requestedBy: undefined,
    composite: false,
  };

  it('a P1 reminder says nobody has acknowledged it, how long it lasts, and how to acknowledge', () => {
    const { subject, message } = formatEscalation(facts, ctx);
    expect(subject).toBe('[P1 REMINDER 4] unacknowledged 64 min: ses-migration-production-bounce-rate-alarm');
    expect(message.split('\n')[0]).toBe(
      '【再通知 4 回目・レベル3（マネージャー対応）】緊急 P1 のアラームが 64 分続き、まだ誰も対応を宣言していません: ses-migration-production-bounce-rate-alarm',
    );
    expect(message).toContain('アラーム状態になった時刻: 2026-11-29 14:05:40 JST（64 分経過）');
    expect(message).toContain('npm run ack -- prod ses-migration-production-bounce-rate-alarm --by');
    expect(message).toContain('15 分ごとに P1 の宛先とレベル3へ再送します');
    expect(message).toContain('npm run status -- prod');
  });

  it('a P2 escalation names who asked for level 2, or says it was automatic', () => {
    const asked = formatEscalation({ ...facts, kind: 'p2-level2', requestedBy: 'suzuki' }, ctx);
    expect(asked.subject).toBe(
      '[P2 ESCALATION L2] ALARM for 64 min: ses-migration-production-bounce-rate-alarm',
    );
    expect(asked.message).toContain('suzuki さんが npm run escalate でレベル2への引き継ぎを依頼しました。');
    expect(formatEscalation({ ...facts, kind: 'p2-level2' }, ctx).message).toContain('自動エスカレーション');
  });
});
