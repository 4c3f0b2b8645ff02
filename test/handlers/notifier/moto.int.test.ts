/**
 * The notifier against moto: real SNS topics (read back through SQS subscriptions), CloudWatch alarms and the
 * alarm-episode table, with `npm run ack` / `npm run escalate` (scripts/oncall) writing to the same table.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../handlers/notifier/index.js';
import { oncallMain } from '../../../scripts/oncall/cli.js';
import { type Moto, motoClientConfig, startMoto } from '../../support/moto.js';
import { alarmMessage, notifierEnv, snsEvent } from './factories.js';
import { createQueue, drain, type Queue } from './moto-sqs.js';

let moto: Moto;
let cw: CloudWatchClient;
let ddb: DynamoDBClient;
const TABLE = 'ses-migration-development-alarm-episodes';
/** A minimal valid environments/dev.yaml for the ack/escalate commands. */
const envDir = mkdtempSync(join(tmpdir(), 'oncall-env-'));
writeFileSync(
  join(envDir, 'dev.yaml'),
  "accountId: '123456789012'\nenvironment: development\nses:\n  domains: [{ name: dev.example.jp }]\nnotifications:\n  P1: [oncall@example.jp]\n",
);
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
  ddb = new DynamoDBClient(motoClientConfig(moto.endpoint));
  await ddb.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'alarm', AttributeType: 'S' },
        { AttributeName: 'episode', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'alarm', KeyType: 'HASH' },
        { AttributeName: 'episode', KeyType: 'RANGE' },
      ],
    }),
  );
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
    SCEPTRE_ENVIRONMENT: 'dev',
    ALARM_NAME_PREFIX: 'ses-migration-development-',
    EPISODE_TABLE_NAME: TABLE,
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
  it('delivers a P1 alarm exactly once to the P1 delivery topic and to level 3, nobody else', async () => {
    await handler(snsEvent(alarmMessage('metric-math-alarm'), topics.alarm.P1!));

    const got = await inboxes();
    expect(got.P1).toHaveLength(1);
    expect(got.P1?.[0]?.Subject).toBe('[P1 ALARM] ses-migration-production-bounce-rate-alarm');
    expect(got.P1?.[0]?.Message).toContain('【緊急 P1】アラーム発生');
    expect(got.P1?.[0]?.Message).toContain('2026-11-29 14:05:40 JST');
    expect(got.P1?.[0]?.MessageAttributes?.severity).toEqual({ Type: 'String', Value: 'P1' });
    expect(got.L3?.map((m) => m.Subject)).toEqual(['[P1 ALARM] ses-migration-production-bounce-rate-alarm']);
    for (const other of ['P2', 'P3', 'L1', 'L2']) expect(got[other]).toEqual([]);
  });

  it('delivers an OK transition to the P2 delivery topic and level 1', async () => {
    await handler(snsEvent(alarmMessage('metric-alarm-ok'), topics.alarm.P2!));
    const got = await inboxes();
    expect(got.P2?.map((m) => m.Subject)).toEqual(['[P2 OK] ses-migration-production-ses-send-failure']);
    expect(got.L1?.map((m) => m.Subject)).toEqual(['[P2 OK] ses-migration-production-ses-send-failure']);
    expect(got.P1).toEqual([]);
  });

  it('re-notifies a P1 until `npm run ack`, escalates a P2 on `npm run escalate`, leaves OK alarms alone', async () => {
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
    await put('ses-migration-development-bounce-rate-p2', topics.alarm.P2!);
    await put('ses-migration-development-p1-but-ok', topics.alarm.P1!);
    await put('other-project-p1', topics.alarm.P1!);
    for (const name of [
      'ses-migration-development-bounce-rate-alarm',
      'ses-migration-development-bounce-rate-p2',
      'other-project-p1',
    ]) {
      await cw.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'test' }));
    }
    const described = await cw.send(
      new DescribeAlarmsCommand({ AlarmNames: ['ses-migration-development-bounce-rate-alarm'] }),
    );
    const since = described.MetricAlarms?.[0]?.StateUpdatedTimestamp;
    expect(since).toBeInstanceOf(Date);
    const check = (minutes: number) =>
      handler({
        action: 'escalate',
        scheduledTime: new Date(since!.getTime() + minutes * 60_000).toISOString(),
      });

    // 15 minutes in ALARM: the first reminder, to the P1 list and level 3.
    await check(15);
    let got = await inboxes();
    expect(got.P1?.map((m) => m.Subject)).toEqual([
      '[P1 REMINDER 1] unacknowledged 15 min: ses-migration-development-bounce-rate-alarm',
    ]);
    expect(got.L3).toHaveLength(1);
    expect(got.P1?.[0]?.Message).toContain('テスト用のアラーム');
    expect(got.P1?.[0]?.Message).toContain('npm run ack -- dev ses-migration-development-bounce-rate-alarm');
    for (const other of ['P2', 'P3', 'L1', 'L2']) expect(got[other]).toEqual([]);

    // Nothing at the next check; someone acknowledges; no reminder after that.
    await check(20);
    expect((await inboxes()).P1).toEqual([]);
    const io = (out: string[]) => ({
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => out.push(t),
      clients: () => ({ cloudwatch: cw, dynamodb: ddb }),
      callerAccount: async () => '123456789012',
      now: () => new Date(since!.getTime() + 22 * 60_000),
    });
    const said: string[] = [];
    const args = [
      'dev',
      'bounce-rate-alarm',
      '--by',
      'tanaka',
      '--note',
      '調査中',
      '--environments-dir',
      envDir,
    ];
    expect(await oncallMain('ack', args, io(said))).toBe(0);
    expect(said.join('')).toMatch(/^acknowledged ses-migration-development-bounce-rate-alarm .* by tanaka/);
    expect(await oncallMain('ack', args, io(said))).toBe(1);
    expect(said.at(-1)).toMatch(/already acknowledged by tanaka/);
    await check(30);
    await check(45);
    got = await inboxes();
    expect(got.P1).toEqual([]);
    expect(got.L3).toEqual([]);

    // The P2 is never escalated by itself; `npm run escalate` hands it to level 2 at the next check, once.
    expect(got.L2).toEqual([]);
    const asked: string[] = [];
    expect(
      await oncallMain(
        'escalate',
        ['dev', 'bounce-rate-p2', '--by', 'suzuki', '--environments-dir', envDir],
        io(asked),
      ),
    ).toBe(0);
    await check(50);
    await check(55);
    got = await inboxes();
    // (The P2 entered ALARM a moment after the P1, so it has lasted 49 or 50 minutes.)
    expect(got.L2).toHaveLength(1);
    expect(got.L2?.[0]?.Subject).toMatch(
      /^\[P2 ESCALATION L2\] ALARM for (49|50) min: ses-migration-development-bounce-rate-p2$/,
    );
    expect(got.L2?.[0]?.Message).toContain('suzuki さんが npm run escalate');
    // Escalating a P1 or an alarm that is OK is refused with the reason.
    const refused: string[] = [];
    expect(
      await oncallMain(
        'escalate',
        ['dev', 'bounce-rate-alarm', '--by', 'suzuki', '--environments-dir', envDir],
        io(refused),
      ),
    ).toBe(1);
    expect(
      await oncallMain(
        'ack',
        ['dev', 'p1-but-ok', '--by', 'suzuki', '--environments-dir', envDir],
        io(refused),
      ),
    ).toBe(1);
    expect(refused.join('')).toMatch(
      /P1 reaches level 3[\s\S]*is OK, not ALARM|is INSUFFICIENT_DATA, not ALARM/,
    );
  });
});
