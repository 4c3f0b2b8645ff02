/** The notifier against moto: real SNS topics (read back through SQS subscriptions) and CloudWatch alarms. */
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../handlers/notifier/index.js';
import { type Moto, motoClientConfig, startMoto } from '../../support/moto.js';
import { alarmMessage, notifierEnv, snsEvent } from './factories.js';
import { createQueue, drain, type Queue } from './moto-sqs.js';

let moto: Moto;
let cw: CloudWatchClient;
const topics = {
  alarm: {} as Record<string, string>,
  delivery: {} as Record<string, string>,
  escalation: {} as Record<string, string>,
};
const queues: Record<string, Queue> = {};

beforeAll(async () => {
  moto = await startMoto();
  const sns = new SNSClient(motoClientConfig(moto.endpoint));
  cw = new CloudWatchClient(motoClientConfig(moto.endpoint));
  const make = async (name: string) =>
    (await sns.send(new CreateTopicCommand({ Name: `ses-migration-development-${name}` }))).TopicArn!;
  for (const p of ['P1', 'P2', 'P3'] as const) {
    topics.alarm[p] = await make(`alarms-${p.toLowerCase()}`);
    topics.delivery[p] = await make(p === 'P1' ? 'notifications' : `notifications-${p.toLowerCase()}`);
  }
  for (const level of [1, 2, 3]) topics.escalation[level] = await make(`escalation-level${level}`);
  // People subscribe to delivery and escalation topics; here a queue stands in for each of them.
  for (const [key, arn] of [
    ...Object.entries(topics.delivery),
    ...Object.entries(topics.escalation).map(([l, a]) => [`L${l}`, a] as const),
  ]) {
    queues[key] = await createQueue(moto.endpoint, `inbox-${key}`);
    await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'sqs', Endpoint: queues[key]!.arn }));
  }
  const env = {
    ...notifierEnv({
      alarm: topics.alarm as never,
      delivery: topics.delivery as never,
      escalation: topics.escalation as never,
    }),
    ENVIRONMENT: 'development',
    ALARM_NAME_PREFIX: 'ses-migration-development-',
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
  };
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await moto?.stop();
});

beforeEach(async () => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  for (const q of Object.values(queues)) await drain(moto.endpoint, q);
});

async function inboxes() {
  const out: Record<string, Awaited<ReturnType<typeof drain>>> = {};
  for (const [key, q] of Object.entries(queues)) out[key] = await drain(moto.endpoint, q);
  return out;
}

describe('notifier on moto', () => {
  it('delivers a P1 alarm exactly once, to the P1 delivery topic only', async () => {
    await handler(snsEvent(alarmMessage('metric-math-alarm'), topics.alarm.P1!));

    const got = await inboxes();
    expect(got.P1).toHaveLength(1);
    expect(got.P1?.[0]?.Subject).toBe('[P1 ALARM] ses-migration-production-bounce-rate-alarm');
    expect(got.P1?.[0]?.Message).toContain('【緊急 P1】アラーム発生');
    expect(got.P1?.[0]?.Message).toContain('2026-11-29 14:05:40 JST');
    expect(got.P1?.[0]?.MessageAttributes?.severity).toEqual({ Type: 'String', Value: 'P1' });
    for (const other of ['P2', 'P3', 'L1', 'L2', 'L3']) expect(got[other]).toEqual([]);
  });

  it('delivers an OK transition to the P2 delivery topic', async () => {
    await handler(snsEvent(alarmMessage('metric-alarm-ok'), topics.alarm.P2!));
    const got = await inboxes();
    expect(got.P2?.map((m) => m.Subject)).toEqual(['[P2 OK] ses-migration-production-ses-send-failure']);
    expect(got.P1).toEqual([]);
  });

  it('escalates a P1 alarm that moto holds in ALARM, and leaves P2 and OK alarms alone', async () => {
    const put = (name: string, topic: string) =>
      cw.send(
        new PutMetricAlarmCommand({
          AlarmName: name,
          AlarmDescription: 'テスト用のアラーム',
          Namespace: 'ses-migration/development/Monitoring',
          MetricName: 'BounceRate',
          Statistic: 'Average',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 5,
          ComparisonOperator: 'GreaterThanThreshold',
          AlarmActions: [topic],
        }),
      );
    await put('ses-migration-development-bounce-rate-alarm', topics.alarm.P1!);
    await put('ses-migration-development-p2-alarm', topics.alarm.P2!);
    await put('ses-migration-development-p1-but-ok', topics.alarm.P1!);
    await put('other-project-p1', topics.alarm.P1!);
    for (const name of [
      'ses-migration-development-bounce-rate-alarm',
      'ses-migration-development-p2-alarm',
      'other-project-p1',
    ]) {
      await cw.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'test' }));
    }
    const described = await cw.send(
      new DescribeAlarmsCommand({ AlarmNames: ['ses-migration-development-bounce-rate-alarm'] }),
    );
    const since = described.MetricAlarms?.[0]?.StateUpdatedTimestamp;
    expect(since).toBeInstanceOf(Date);
    // The first grid run at least 30 minutes after the transition: level 1.
    const run = new Date(Math.ceil((since!.getTime() + 30 * 60_000) / 300_000) * 300_000);

    const summary = await handler({ action: 'escalate', scheduledTime: run.toISOString() });

    expect(summary).toMatchObject({
      escalated: [{ alarm: 'ses-migration-development-bounce-rate-alarm', level: 1 }],
    });
    const got = await inboxes();
    expect(got.L1).toHaveLength(1);
    expect(got.L1?.[0]?.Subject).toMatch(
      /^\[ESCALATION L1\] P1 ALARM for 3\d min: ses-migration-development-bounce-rate-alarm$/,
    );
    expect(got.L1?.[0]?.Message).toContain('テスト用のアラーム');
    for (const other of ['P1', 'P2', 'P3', 'L2', 'L3']) expect(got[other]).toEqual([]);

    // The next run (5 minutes later) sends nothing; 30 minutes later level 2 follows.
    await handler({ action: 'escalate', scheduledTime: new Date(run.getTime() + 300_000).toISOString() });
    expect((await inboxes()).L1).toEqual([]);
    await handler({ action: 'escalate', scheduledTime: new Date(run.getTime() + 30 * 60_000).toISOString() });
    const later = await inboxes();
    expect(later.L2).toHaveLength(1);
    expect(later.L1).toEqual([]);
  });
});
