/** Fixtures and small factories for the notifier tests. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SNSEvent } from 'aws-lambda';
import type { AlarmSnapshot } from '../../../handlers/notifier/escalation.js';

const FIXTURES = resolve('test/fixtures/alarms');

export type AlarmFixture =
  | 'metric-alarm-alarm'
  | 'metric-alarm-ok'
  | 'metric-math-alarm'
  | 'composite-alarm'
  | 'insufficient-data'
  | 'worst-domain-alarm';

/** The SNS `Message` CloudWatch published, as text. */
export function alarmMessage(name: AlarmFixture): string {
  return readFileSync(`${FIXTURES}/${name}.json`, 'utf8');
}

export const topic = (name: string) => `arn:aws:sns:ap-northeast-1:123456789012:${name}`;

export const ALARM_TOPICS = {
  P1: topic('ses-migration-production-alarms-p1'),
  P2: topic('ses-migration-production-alarms-p2'),
  P3: topic('ses-migration-production-alarms-p3'),
} as const;

export const DELIVERY_TOPICS = {
  P1: topic('ses-migration-production-notifications'),
  P2: topic('ses-migration-production-notifications-p2'),
  P3: topic('ses-migration-production-notifications-p3'),
} as const;

export const ESCALATION_TOPICS = {
  1: topic('ses-migration-production-escalation-level1'),
  2: topic('ses-migration-production-escalation-level2'),
  3: topic('ses-migration-production-escalation-level3'),
} as const;

/** The notifier's environment, production-like. */
export function notifierEnv(
  topics = { alarm: ALARM_TOPICS, delivery: DELIVERY_TOPICS, escalation: ESCALATION_TOPICS },
) {
  return {
    ENVIRONMENT: 'production',
    AWS_REGION: 'ap-northeast-1',
    DOMAINS_JSON: '["example.co.jp"]',
    METRICS_LOG_GROUP: '/aws/lambda/ses-migration-production-custom-metrics',
    ALARM_TOPIC_P1_ARN: topics.alarm.P1,
    ALARM_TOPIC_P2_ARN: topics.alarm.P2,
    ALARM_TOPIC_P3_ARN: topics.alarm.P3,
    DELIVERY_TOPIC_P1_ARN: topics.delivery.P1,
    DELIVERY_TOPIC_P2_ARN: topics.delivery.P2,
    DELIVERY_TOPIC_P3_ARN: topics.delivery.P3,
    ESCALATION_TOPIC_LEVEL1_ARN: topics.escalation[1],
    ESCALATION_TOPIC_LEVEL2_ARN: topics.escalation[2],
    ESCALATION_TOPIC_LEVEL3_ARN: topics.escalation[3],
    ALARM_NAME_PREFIX: 'ses-migration-production-',
    SCEPTRE_ENVIRONMENT: 'prod',
    EPISODE_TABLE_NAME: 'ses-migration-production-alarm-episodes',
    P1_RENOTIFY_MINUTES: '15',
    P2_AUTO_ESCALATE_MINUTES: '',
  };
}

/** A Lambda SNS event (shape of test/fixtures/alarms/sns-event.json) carrying `message` from `topicArn`. */
export function snsEvent(
  message: string,
  topicArn: string,
  messageId = 'b2c4e6f8-1a3b-5c7d-9e0f-123456789abc',
): SNSEvent {
  const base = JSON.parse(readFileSync(`${FIXTURES}/sns-event.json`, 'utf8')) as SNSEvent;
  const record = base.Records[0]!;
  return {
    Records: [
      {
        ...record,
        EventSubscriptionArn: `${topicArn}:5a7f5b3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b`,
        Sns: { ...record.Sns, TopicArn: topicArn, Message: message, MessageId: messageId },
      },
    ],
  };
}

/** An alarm as DescribeAlarms shows it, P1 and in ALARM unless overridden. */
export function snapshot(over: Partial<AlarmSnapshot> = {}): AlarmSnapshot {
  return {
    name: 'ses-migration-production-bounce-rate-alarm',
    composite: false,
    state: 'ALARM',
    actionsEnabled: true,
    alarmActions: [ALARM_TOPICS.P1],
    transitionedAt: new Date('2026-11-29T05:05:40Z'),
    description: 'バウンス率が 5% を超えました。',
    reason: 'Threshold Crossed',
    ...over,
  };
}
