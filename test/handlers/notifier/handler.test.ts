import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DynamoDBClient,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DeliveryError,
  UnknownAlarmTopicError,
  UnsupportedEventError,
} from '../../../handlers/notifier/errors.js';
import { handler } from '../../../handlers/notifier/index.js';
import {
  ALARM_TOPICS,
  alarmMessage,
  DELIVERY_TOPICS,
  ESCALATION_TOPICS,
  notifierEnv,
  snsEvent,
  topic,
} from './factories.js';

const sns = mockClient(SNSClient);
const cw = mockClient(CloudWatchClient);
const ddb = mockClient(DynamoDBClient);
const logs = mockClient(CloudWatchLogsClient);
const TABLE = 'ses-migration-production-alarm-episodes';

beforeEach(() => {
  sns.reset();
  cw.reset();
  ddb.reset();
  logs.reset();
  ddb.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [] } });
  ddb.on(UpdateItemCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'published-1' });
  for (const [key, value] of Object.entries(notifierEnv())) vi.stubEnv(key, value);
  // Keep the test output readable: the handler logs JSON lines.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('notifier: SNS alarm events', () => {
  it.each([
    ['P1', ALARM_TOPICS.P1, DELIVERY_TOPICS.P1, 'metric-math-alarm'],
    ['P2', ALARM_TOPICS.P2, DELIVERY_TOPICS.P2, 'metric-alarm-alarm'],
    ['P3', ALARM_TOPICS.P3, DELIVERY_TOPICS.P3, 'insufficient-data'],
  ] as const)(
    'delivers a %s alarm once to the %s delivery topic and once to its responder level',
    async (severity, from, to, fixture) => {
      await handler(snsEvent(alarmMessage(fixture), from));

      const calls = sns.commandCalls(PublishCommand);
      expect(calls.map((c) => c.args[0].input.TopicArn)).toEqual([
        to,
        severity === 'P1' ? ESCALATION_TOPICS[3] : ESCALATION_TOPICS[1],
      ]);
      const input = calls[0]?.args[0].input;
      expect(input?.Subject).toMatch(new RegExp(`^\\[${severity} `));
      expect(input?.Message).toContain(`${severity}】`);
      expect(input?.MessageAttributes?.severity).toEqual({ DataType: 'String', StringValue: severity });
      expect(input?.MessageAttributes?.kind).toEqual({ DataType: 'String', StringValue: 'alarm' });
    },
  );

  it('reports OK transitions too', async () => {
    await handler(snsEvent(alarmMessage('metric-alarm-ok'), ALARM_TOPICS.P2));
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.Subject).toBe('[P2 OK] ses-migration-production-ses-send-failure');
    expect(input?.MessageAttributes?.alarmState).toEqual({ DataType: 'String', StringValue: 'OK' });
  });

  it('forwards a message it cannot parse instead of dropping it', async () => {
    await handler(snsEvent('manual test page', ALARM_TOPICS.P1));
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input?.TopicArn).toBe(DELIVERY_TOPICS.P1);
    expect(input?.Message).toContain('manual test page');
  });

  it('fails, publishing nothing, for a record from an unknown topic (the failure destination gets it raw)', async () => {
    const error = await handler(snsEvent(alarmMessage('metric-alarm-alarm'), topic('someone-else'))).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.cause).toBeInstanceOf(UnknownAlarmTopicError);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('throws when SNS refuses the publish, so Lambda retries and then uses the failure destination', async () => {
    sns.on(PublishCommand).rejects(new Error('AuthorizationError'));
    const error = await handler(snsEvent(alarmMessage('metric-math-alarm'), ALARM_TOPICS.P1)).catch((e) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error.cause as Error).message).toBe('AuthorizationError');
  });

  it('fails on a missing delivery topic, naming the variable', async () => {
    vi.stubEnv('DELIVERY_TOPIC_P2_ARN', '');
    await expect(handler(snsEvent(alarmMessage('metric-alarm-alarm'), ALARM_TOPICS.P2))).rejects.toThrow(
      /DELIVERY_TOPIC_P2_ARN/,
    );
  });
});

describe('notifier: escalation schedule', () => {
  const transitioned = new Date('2026-11-29T05:05:40Z');
  const metricAlarm = (over: Record<string, unknown> = {}) => ({
    AlarmName: 'ses-migration-production-bounce-rate-alarm',
    AlarmDescription: 'バウンス率が 5% を超えました。',
    StateValue: 'ALARM' as const,
    StateReason: 'Threshold Crossed',
    ActionsEnabled: true,
    AlarmActions: [ALARM_TOPICS.P1],
    StateUpdatedTimestamp: new Date('2026-11-29T06:05:00Z'),
    StateTransitionedTimestamp: transitioned,
    ...over,
  });

  it('reads metric and composite alarms in ALARM, their episodes, re-notifies the P1 and records it conditionally', async () => {
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [metricAlarm(), metricAlarm({ AlarmName: 'p2-alarm', AlarmActions: [ALARM_TOPICS.P2] })],
      CompositeAlarms: [],
    });

    const summary = await handler({ action: 'escalate', scheduledTime: '2026-11-29T06:10:00Z' });

    expect(cw.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input).toMatchObject({
      AlarmNamePrefix: 'ses-migration-production-',
      StateValue: 'ALARM',
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
    });
    expect(ddb.commandCalls(BatchGetItemCommand)[0]?.args[0].input.RequestItems?.[TABLE]?.Keys).toEqual([
      {
        alarm: { S: 'ses-migration-production-bounce-rate-alarm' },
        episode: { S: transitioned.toISOString() },
      },
      { alarm: { S: 'p2-alarm' }, episode: { S: transitioned.toISOString() } },
    ]);
    const calls = sns.commandCalls(PublishCommand);
    expect(calls.map((c) => c.args[0].input.TopicArn)).toEqual([DELIVERY_TOPICS.P1, ESCALATION_TOPICS[3]]);
    expect(calls[0]?.args[0].input.Subject).toBe(
      '[P1 REMINDER 1] unacknowledged 64 min: ses-migration-production-bounce-rate-alarm',
    );
    const update = ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(update?.TableName).toBe(TABLE);
    expect(update?.ConditionExpression).toBe('attribute_not_exists(#last)');
    expect(summary).toMatchObject({ checkedAt: '2026-11-29T06:10:00.000Z', alarmsInAlarm: 2 });
  });

  it('measures from the last state change, not from the last re-evaluation', async () => {
    // StateUpdatedTimestamp moved at 06:05 although the alarm has been in ALARM since 05:05:40.
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [metricAlarm()] });
    await handler({ action: 'escalate', scheduledTime: '2026-11-29T05:25:00Z' });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.TopicArn).toBe(DELIVERY_TOPICS.P1);
  });

  it('sends nothing for an acknowledged episode, and asks DynamoDB again for unprocessed keys', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [metricAlarm()] });
    const key = {
      alarm: { S: 'ses-migration-production-bounce-rate-alarm' },
      episode: { S: transitioned.toISOString() },
    };
    ddb
      .on(BatchGetItemCommand)
      .resolvesOnce({ Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: { Keys: [key] } } })
      .resolvesOnce({
        Responses: { [TABLE]: [{ ...key, ackBy: { S: 'tanaka' }, ackAt: { S: '2026-11-29T05:10:00Z' } }] },
      });
    const summary = await handler({ action: 'escalate', scheduledTime: '2026-11-29T07:00:00Z' });
    expect(ddb.commandCalls(BatchGetItemCommand)).toHaveLength(2);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(summary).toMatchObject({ escalated: [] });
  });

  it('a record lost to a concurrent check is not an error (the other check recorded it)', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [metricAlarm()] });
    ddb.on(UpdateItemCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    await expect(
      handler({ action: 'escalate', scheduledTime: '2026-11-29T05:30:00Z' }),
    ).resolves.toMatchObject({
      escalated: [{ kind: 'p1-renotify' }, { kind: 'p1-renotify' }],
    });
  });

  it('throws after trying every due escalation when one publish fails', async () => {
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [metricAlarm(), metricAlarm({ AlarmName: 'second' })],
    });
    sns.on(PublishCommand).rejectsOnce(new Error('Throttled')).resolves({ MessageId: 'x' });
    await expect(handler({ action: 'escalate', scheduledTime: '2026-11-29T05:40:00Z' })).rejects.toThrow(
      DeliveryError,
    );
    // The failed alarm stops at its first topic; the second alarm still gets both.
    expect(sns.commandCalls(PublishCommand)).toHaveLength(3);
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(1);
  });

  it('fails on a missing episode table name, naming the variable', async () => {
    vi.stubEnv('EPISODE_TABLE_NAME', '');
    await expect(handler({ action: 'escalate' })).rejects.toThrow(/EPISODE_TABLE_NAME/);
  });
});

describe('notifier: other events', () => {
  it.each([[{}], [{ action: 'report' }], [{ Records: [] }], ['text']])('rejects %j', async (event) => {
    await expect(handler(event)).rejects.toThrow(UnsupportedEventError);
  });
});

describe('worst-domain alarm (issue #14, item 4)', () => {
  it('the P1 page names the domain over the threshold, read from the metrics function records', async () => {
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        {
          message: JSON.stringify({
            message: 'worst domains',
            windowStart: '2026-11-29T05:05:00.000Z',
            bounce: [
              { domain: 'bad.example.jp', rate: 6, sends: 150, events: 9 },
              { domain: 'quiet.example.jp', rate: 0.5, sends: 400, events: 2 },
            ],
            complaint: [],
          }),
        },
      ],
    });
    await handler(snsEvent(alarmMessage('worst-domain-alarm'), ALARM_TOPICS.P1));
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published.map((p) => p.TopicArn)).toEqual([DELIVERY_TOPICS.P1, ESCALATION_TOPICS[3]]);
    expect(published[0]!.Message).toContain('■ 該当ドメイン');
    expect(published[0]!.Message).toContain('bad.example.jp: バウンス率 6.00%');
    expect(published[0]!.Message).not.toContain('quiet.example.jp');
    expect(logs.commandCalls(FilterLogEventsCommand)[0]!.args[0].input.logGroupName).toBe(
      '/aws/lambda/ses-migration-production-custom-metrics',
    );
  });

  it('other alarms read no records', async () => {
    await handler(snsEvent(alarmMessage('metric-alarm-alarm'), ALARM_TOPICS.P2));
    expect(logs.commandCalls(FilterLogEventsCommand)).toHaveLength(0);
  });
});
