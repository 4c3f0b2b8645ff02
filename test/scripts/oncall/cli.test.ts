/** `npm run ack` / `npm run escalate` with mocked clients: what a responder sees for each outcome. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type OncallCommand, oncallMain } from '../../../scripts/oncall/cli.js';

const envDir = mkdtempSync(join(tmpdir(), 'oncall-'));
writeFileSync(
  join(envDir, 'prod.yaml'),
  "accountId: '123456789012'\nenvironment: production\nses:\n  domains: [{ name: example.jp }]\nnotifications:\n  P1: [oncall@example.jp]\n",
);
const cw = mockClient(CloudWatchClient);
const ddb = mockClient(DynamoDBClient);
const SINCE = new Date('2026-11-29T05:05:40Z');
const P1_TOPIC = 'arn:aws:sns:ap-northeast-1:123456789012:ses-migration-production-alarms-p1';
const P2_TOPIC = 'arn:aws:sns:ap-northeast-1:123456789012:ses-migration-production-alarms-p2';

function alarm(state: 'ALARM' | 'OK', topic = P1_TOPIC) {
  cw.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [
      {
        AlarmName: 'ses-migration-production-bounce-rate-alarm',
        StateValue: state,
        AlarmActions: [topic],
        StateTransitionedTimestamp: SINCE,
      },
    ],
  });
}

let caller = '123456789012';

async function run(command: OncallCommand, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await oncallMain(command, [...args, '--environments-dir', envDir], {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    clients: () => ({ cloudwatch: new CloudWatchClient({}), dynamodb: new DynamoDBClient({}) }),
    callerAccount: async () => caller,
    now: () => new Date('2026-11-29T05:30:00Z'),
  });
  return { code, out: out.join(''), err: err.join('') };
}

beforeEach(() => {
  caller = '123456789012';
  cw.reset();
  ddb.reset();
  ddb.on(UpdateItemCommand).resolves({});
});

describe('npm run ack', () => {
  it('records who, when and the note on the current episode, conditionally, and says what stops', async () => {
    alarm('ALARM');
    const r = await run('ack', 'prod', 'bounce-rate-alarm', '--by', '田中', '--note', '調査中');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain(
      'acknowledged ses-migration-production-bounce-rate-alarm (in ALARM since 2026-11-29T05:05:40.000Z) by 田中',
    );
    const input = ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TableName: 'ses-migration-production-alarm-episodes',
      Key: {
        alarm: { S: 'ses-migration-production-bounce-rate-alarm' },
        episode: { S: SINCE.toISOString() },
      },
      ConditionExpression: 'attribute_not_exists(#who)',
    });
    expect(input?.ExpressionAttributeValues?.[':note']).toEqual({ S: '調査中' });
  });

  it('a lost write says it was NOT recorded and that paging continues (exit 1)', async () => {
    alarm('ALARM');
    ddb
      .on(UpdateItemCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const r = await run('ack', 'prod', 'bounce-rate-alarm', '--by', 'tanaka');
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'ack: NOT recorded (ThrottlingException: Rate exceeded); re-notifications continue. Retry, or tell the others by phone.\n',
    );
  });

  it('does not overwrite an earlier acknowledgement; names who has it', async () => {
    alarm('ALARM');
    ddb.on(UpdateItemCommand).rejects(
      new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: {
          alarm: { S: 'ses-migration-production-bounce-rate-alarm' },
          episode: { S: SINCE.toISOString() },
          ackBy: { S: 'sato' },
          ackAt: { S: '2026-11-29T05:20:00.000Z' },
        },
      }),
    );
    const r = await run('ack', 'prod', 'bounce-rate-alarm', '--by', 'tanaka');
    expect(r.code).toBe(1);
    expect(r.err).toContain('was already acknowledged by sato at 2026-11-29T05:20:00.000Z; nothing changed');
  });

  it('refuses an alarm that is not in ALARM, an unknown alarm, an unknown environment and a missing --by', async () => {
    alarm('OK');
    expect((await run('ack', 'prod', 'bounce-rate-alarm', '--by', 'x')).err).toContain('is OK, not ALARM');
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [] });
    expect((await run('ack', 'prod', 'nope', '--by', 'x')).err).toContain(
      'no alarm named ses-migration-production-nope in ap-northeast-1',
    );
    const unknown = await run('ack', 'staging', 'x', '--by', 'x');
    expect(unknown).toMatchObject({ code: 2 });
    expect(unknown.err).toContain("unknown environment 'staging'");
    expect(await run('ack', 'prod', 'x')).toMatchObject({ code: 2 });
    expect((await run('ack', 'prod', 'x', '--by', ' ')).err).toContain('--by is " "');
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });
});

describe('the account check', () => {
  it('refuses credentials of another account before reading or writing anything', async () => {
    alarm('ALARM');
    caller = '999999999999';
    const r = await run('ack', 'prod', 'bounce-rate-alarm', '--by', 'tanaka');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/999999999999/);
    expect(r.err).toMatch(/123456789012/);
    expect(cw.commandCalls(DescribeAlarmsCommand)).toHaveLength(0);
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });
});

describe('npm run escalate', () => {
  it('asks for level 2 on a P2 and says when it is delivered', async () => {
    alarm('ALARM', P2_TOPIC);
    const r = await run('escalate', 'prod', 'ses-migration-production-bounce-rate-alarm', '--by', 'suzuki');
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      'to level 2 (リーダー), requested by suzuki: the next escalation check (within 5 minutes)',
    );
    expect(ddb.commandCalls(UpdateItemCommand)[0]?.args[0].input.ExpressionAttributeNames).toMatchObject({
      '#who': 'level2RequestedBy',
      '#when': 'level2RequestedAt',
    });
  });

  it('refuses a P1 (already at level 3) without writing', async () => {
    alarm('ALARM', P1_TOPIC);
    const r = await run('escalate', 'prod', 'bounce-rate-alarm', '--by', 'suzuki');
    expect(r.code).toBe(1);
    expect(r.err).toContain('a P1 reaches level 3');
    expect(ddb.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });
});
