import {
  CloudFormationClient,
  CreateStackCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, DisableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { CreateEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stsCallerAccount } from '../../../scripts/lib/account.js';
import { statusMain } from '../../../scripts/status/cli.js';
import { type Moto, motoClientConfig, startMoto } from '../../support/moto.js';

describe('status against moto with alarms, metrics, identities and a BYODKIM stack', () => {
  let moto: Moto;
  let output = '';
  let code = -1;

  beforeAll(async () => {
    moto = await startMoto();
    const cfg = motoClientConfig(moto.endpoint);
    const cw = new CloudWatchClient(cfg);
    const alarm = (name: string, severity: string) =>
      cw.send(
        new PutMetricAlarmCommand({
          AlarmName: name,
          Namespace: 'AWS/SES',
          MetricName: 'Reputation.BounceRate',
          Statistic: 'Maximum',
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 0.05,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Tags: [{ Key: 'Severity', Value: severity }],
        }),
      );
    await alarm('ses-migration-development-bounce-rate-alarm', 'P1');
    await alarm('ses-migration-development-bounce-rate-p3-alarm', 'P3');
    await alarm('ses-migration-production-bounce-rate-alarm', 'P1');
    for (const name of [
      'ses-migration-development-bounce-rate-alarm',
      'ses-migration-production-bounce-rate-alarm',
    ]) {
      await cw.send(
        new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'Threshold crossed' }),
      );
    }
    const at = new Date(Date.now() - 30 * 60_000);
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/SES',
        MetricData: [
          { MetricName: 'Reputation.BounceRate', Value: 0.07, Timestamp: at },
          { MetricName: 'Reputation.ComplaintRate', Value: 0.0002, Timestamp: at },
          { MetricName: 'Send', Value: 1000, Timestamp: at },
          { MetricName: 'Bounce', Value: 70, Timestamp: at },
        ],
      }),
    );
    await new SESv2Client(cfg).send(new CreateEmailIdentityCommand({ EmailIdentity: 'dev.goo.ne.jp' }));
    const kms = new KMSClient(cfg);
    const key = await kms.send(new CreateKeyCommand({ Description: 'BYODKIM private key encryption' }));
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyMetadata?.KeyId }));
    const ddb = new DynamoDBClient(cfg);
    const table = 'ses-migration-development-byodkim-state';
    await ddb.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    await ddb.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          pk: { S: 'state#dev.goo.ne.jp' },
          version: { N: '3' },
          stage: { S: 'IDLE' },
          updatedAt: { S: '2026-11-01T00:00:00.000Z' },
          state: {
            S: JSON.stringify({
              current: { selector: 'sel-2026a' },
              nextRotationAt: '2027-05-01T00:00:00.000Z',
            }),
          },
        },
      }),
    );
    const cfn = new CloudFormationClient(cfg);
    await cfn.send(
      new CreateStackCommand({
        StackName: 'ses-migration-dev-byodkim',
        TemplateBody: JSON.stringify({
          Parameters: { KeyArn: { Type: 'String' } },
          Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
          // the output keys of generators/stacks/byodkim.ts
          Outputs: {
            ByodkimKeyArn: { Value: { Ref: 'KeyArn' } },
            StateTableName: { Value: 'ses-migration-development-byodkim-state' },
          },
        }),
        Parameters: [{ ParameterKey: 'KeyArn', ParameterValue: key.KeyMetadata?.Arn }],
      }),
    );
    await waitUntilStackCreateComplete(
      { client: cfn, maxWaitTime: 60, minDelay: 1, maxDelay: 2 },
      { StackName: 'ses-migration-dev-byodkim' },
    );

    const out: string[] = [];
    code = await statusMain(['dev', '--environments-dir', 'test/fixtures/environments'], {
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(t),
      clients: () => ({
        cloudwatch: cw,
        sesv2: new SESv2Client(cfg),
        cloudformation: cfn,
        kms,
        logs: new CloudWatchLogsClient(cfg),
        scheduler: new SchedulerClient(cfg),
        dynamodb: ddb,
      }),
      now: () => Date.now(),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      callerAccount: () => stsCallerAccount(new STSClient(cfg))(),
    });
    output = out.join('');
  }, 90_000);
  afterAll(async () => moto?.stop());

  it('lists only this environment’s alarms in ALARM, with the severity from the Severity tag', () => {
    expect(output).toMatch(
      /== Alarms in ALARM \[ATTENTION\]\n {3}P1 {6}ses-migration-development-bounce-rate-alarm {2}since /,
    );
    expect(output).toContain('Threshold crossed');
    expect(output).not.toContain('ses-migration-production-bounce-rate-alarm');
    expect(output).not.toContain('bounce-rate-p3-alarm');
  });

  it('flags a bounce rate at the AWS review threshold and sums the volume', () => {
    expect(output).toContain(
      'bounce rate    7.00% (AWS review at 5%, pause at 10%)  <-- at or over the AWS review threshold',
    );
    expect(output).toContain('complaint rate 0.020% (AWS review at 0.1%, pause at 0.5%)\n');
    expect(output).toContain('sent 1000, bounces 70, complaints 0');
  });

  it('shows each domain’s DKIM status, the KMS key state and the rotation state from the BYODKIM stack', () => {
    expect(output).toMatch(/dev\.goo\.ne\.jp +NOT_STARTED +AWS_SES/);
    expect(output).toMatch(/KMS key [0-9a-f-]+: Disabled/);
    expect(output).toContain(
      'rotation dev.goo.ne.jp: IDLE (since 2026-11-01T00:00:00.000Z), selector sel-2026a, next rotation due 2027-05-01T00:00:00.000Z',
    );
  });

  it('exits 1 because something needs attention', () => {
    expect(code).toBe(1);
  });
});
