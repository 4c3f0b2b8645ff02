/**
 * `npm run adopt` with client mocks (emulators treat IMPORT as a create, so adoption is tested on the exact
 * requests): the seed's hand-made production resources (the goo.ne.jp identity, the notification topic with a
 * hand-made subscription, the two P1 rate alarms) become IMPORT change sets, one per stack, carrying nothing else.
 */
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand, GetDashboardCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GetConfigurationSetCommand, GetEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { adoptMain } from '../../../scripts/adopt/cli.js';
import { awsProbe } from '../../../scripts/adopt/probe.js';
import { generatedSceptreDir } from '../../support/templates.js';

const ACCOUNT = '123456789012';
const REGION = 'ap-northeast-1';
const cf = mockClient(CloudFormationClient);
const ses = mockClient(SESv2Client);
const sns = mockClient(SNSClient);
const cw = mockClient(CloudWatchClient);
const logs = mockClient(CloudWatchLogsClient);
const s3 = mockClient(S3Client);
const lambda = mockClient(LambdaClient);

const err = (name: string, message = name) => Object.assign(new Error(message), { name, $metadata: {} });
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:ses-migration-production-notifications`;
const HAND_MADE_ALARMS = [
  'ses-migration-production-bounce-rate-alarm',
  'ses-migration-production-complaint-rate-alarm',
];

/** The seed's production account: what exists by hand. */
function seedAccount() {
  cf.on(DescribeStacksCommand).rejects(err('ValidationError', 'Stack with id x does not exist'));
  cf.on(DescribeStackResourcesCommand).rejects(err('ValidationError', 'Stack for x does not exist'));
  ses.on(GetEmailIdentityCommand).rejects(err('NotFoundException'));
  ses.on(GetEmailIdentityCommand, { EmailIdentity: 'goo.ne.jp' }).resolves({ IdentityType: 'DOMAIN' });
  ses.on(GetConfigurationSetCommand).rejects(err('NotFoundException'));
  sns.on(GetTopicAttributesCommand).rejects(err('NotFound'));
  sns.on(GetTopicAttributesCommand, { TopicArn: TOPIC }).resolves({ Attributes: { TopicArn: TOPIC } });
  sns.on(ListSubscriptionsByTopicCommand).resolves({
    Subscriptions: [{ Protocol: 'email', SubscriptionArn: `${TOPIC}:0f3c`, Endpoint: 'admin@goo.ne.jp' }],
  });
  cw.on(DescribeAlarmsCommand).callsFake(async (input: { AlarmNames: string[] }) => ({
    MetricAlarms: input.AlarmNames.filter((n) => HAND_MADE_ALARMS.includes(n)).map((AlarmName) => ({
      AlarmName,
    })),
    CompositeAlarms: [],
  }));
  cw.on(GetDashboardCommand).rejects(err('ResourceNotFound'));
  logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
  s3.on(HeadBucketCommand).rejects(err('NotFound'));
  lambda.on(GetFunctionCommand).rejects(err('ResourceNotFoundException'));
  cf.on(CreateChangeSetCommand).resolves({ Id: 'cs' });
}

function io(account = ACCOUNT) {
  const out: string[] = [];
  const errs: string[] = [];
  return {
    out,
    errs,
    io: {
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => errs.push(t),
      cloudformation: () => new CloudFormationClient({ region: REGION }),
      probe: () =>
        awsProbe({
          cloudformation: new CloudFormationClient({ region: REGION }),
          sesv2: new SESv2Client({ region: REGION }),
          sns: new SNSClient({ region: REGION }),
          cloudwatch: new CloudWatchClient({ region: REGION }),
          logs: new CloudWatchLogsClient({ region: REGION }),
          s3: new S3Client({ region: REGION }),
          lambda: new LambdaClient({ region: REGION }),
        }),
      callerAccount: async () => account,
      now: () => 1_764_547_200_000,
    },
  };
}

const args = (...extra: string[]) => [
  'prod',
  '--sceptre-dir',
  generatedSceptreDir(),
  '--environments-dir',
  'test/fixtures/environments',
  ...extra,
];

beforeEach(() => {
  for (const m of [cf, ses, sns, cw, logs, s3, lambda]) m.reset();
});

describe('npm run adopt -- prod', () => {
  it('--dry-run prints the plan for the seed’s hand-made resources and creates nothing', async () => {
    seedAccount();
    const t = io();
    expect(await adoptMain(args('--dry-run'), t.io)).toBe(0);
    expect(cf.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
    await expect(t.out.join('')).toMatchFileSnapshot('__snapshots__/adopt-prod-dry-run.txt');
  });

  it('creates one IMPORT change set per stack with the identifiers CloudFormation needs and nothing else', async () => {
    seedAccount();
    expect(await adoptMain(args(), io().io)).toBe(0);
    const calls = cf.commandCalls(CreateChangeSetCommand).map((c) => c.args[0].input);
    const summary = calls.map((c) => [
      c.StackName,
      c.ChangeSetType,
      (c.ResourcesToImport ?? []).map(
        (r) => `${r.ResourceType} ${r.LogicalResourceId} ${JSON.stringify(r.ResourceIdentifier)}`,
      ),
    ]);
    expect(summary).toEqual([
      ['ses-migration-prod-base', 'IMPORT', [`AWS::SNS::Topic DeliveryTopicP1 {"TopicArn":"${TOPIC}"}`]],
      [
        'ses-migration-prod-ses',
        'IMPORT',
        [
          'AWS::SES::EmailIdentity GooNeJpIdentity {"EmailIdentity":"goo.ne.jp"}',
          `AWS::CloudWatch::Alarm BounceRateAlarm {"AlarmName":"${HAND_MADE_ALARMS[0]}"}`,
          `AWS::CloudWatch::Alarm ComplaintRateAlarm {"AlarmName":"${HAND_MADE_ALARMS[1]}"}`,
        ],
      ],
    ]);
    for (const c of calls) {
      const template = JSON.parse(c.TemplateBody!);
      // No other change: the template of a new stack holds exactly the imported resources, each retained.
      expect(Object.keys(template.Resources).sort()).toEqual(
        c.ResourcesToImport!.map((r) => r.LogicalResourceId).sort(),
      );
      for (const r of Object.values(template.Resources) as { DeletionPolicy: string; Properties: object }[]) {
        expect(r.DeletionPolicy).toBe('Retain');
        expect(JSON.stringify(r.Properties)).not.toMatch(/"Ref"|"Fn::/);
      }
      expect(c.ResourcesToImport).toHaveLength(c.StackName === 'ses-migration-prod-ses' ? 3 : 1);
      expect(c.ChangeSetName).toBe('adopt-1764547200000');
    }
  });

  it('into an existing stack: its deployed template plus the imported resources, parameters unchanged', async () => {
    seedAccount();
    const deployed = {
      Resources: { ConfigurationSet: { Type: 'AWS::SES::ConfigurationSet', Properties: { Name: 'x' } } },
    };
    cf.on(DescribeStacksCommand, { StackName: 'ses-migration-prod-ses' }).resolves({
      Stacks: [
        {
          StackName: 'ses-migration-prod-ses',
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date(0),
          Parameters: [{ ParameterKey: 'EventsStreamArn', ParameterValue: 'a' }],
        },
      ],
    });
    cf.on(GetTemplateCommand, { StackName: 'ses-migration-prod-ses' }).resolves({
      TemplateBody: JSON.stringify(deployed),
    });
    expect(await adoptMain(args(), io().io)).toBe(0);
    const ses1 = cf
      .commandCalls(CreateChangeSetCommand)
      .map((c) => c.args[0].input)
      .find((c) => c.StackName === 'ses-migration-prod-ses')!;
    const template = JSON.parse(ses1.TemplateBody!);
    expect(template.Resources.ConfigurationSet).toEqual(deployed.Resources.ConfigurationSet);
    expect(Object.keys(template.Resources)).toHaveLength(1 + ses1.ResourcesToImport!.length);
    expect(ses1.Parameters).toEqual([{ ParameterKey: 'EventsStreamArn', UsePreviousValue: true }]);
  });

  it('lists a resource another stack manages as a conflict with the options, and imports nothing of it', async () => {
    seedAccount();
    cf.on(DescribeStackResourcesCommand, { PhysicalResourceId: 'goo.ne.jp' }).resolves({
      StackResources: [
        {
          StackName: 'legacy-ses',
          LogicalResourceId: 'Identity',
          ResourceType: 'AWS::SES::EmailIdentity',
          ResourceStatus: 'CREATE_COMPLETE',
          Timestamp: new Date(0),
        },
      ],
    });
    const t = io();
    expect(await adoptMain(args('--dry-run'), t.io)).toBe(0);
    const text = t.out.join('');
    expect(text).toContain(
      '! GooNeJpIdentity (AWS::SES::EmailIdentity) goo.ne.jp: SES identity goo.ne.jp exists and belongs to stack legacy-ses',
    );
    expect(text).toContain('option: remove it from legacy-ses with DeletionPolicy: Retain first');
    expect(text).not.toContain('EmailIdentity=goo.ne.jp');
  });

  it('refuses another account before any lookup', async () => {
    seedAccount();
    const t = io('210987654321');
    expect(await adoptMain(args('--dry-run'), t.io)).toBe(1);
    expect(t.errs.join('')).toContain(
      'prod is pinned to account 123456789012, but the credentials belong to account 210987654321',
    );
    expect(ses.calls()).toHaveLength(0);
  });
});
