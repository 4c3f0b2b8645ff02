/**
 * ses (seed 2.1.1, 3.1.1, 3.1.2, 3.1.5): the configuration set with reputation metrics and its event
 * destinations (CloudWatch per configuration set, EventBridge -> /aws/ses/events, Firehose), the domain
 * identities using it by default, the seed-named P1 rate alarms and the composite `-ses-critical` with them.
 * The identities declare no DKIM signing attributes: the BYODKIM rotation owns them (no key in a template).
 */
import type { CompositeAlarmProperties } from 'cloudform-types/types/cloudWatch/compositeAlarm';
import type { RuleProperties } from 'cloudform-types/types/events/rule';
import type { RoleProperties } from 'cloudform-types/types/iam/role';
import type { MetricFilterProperties } from 'cloudform-types/types/logs/metricFilter';
import type { ResourcePolicyProperties } from 'cloudform-types/types/logs/resourcePolicy';
import type { ConfigurationSetProperties } from 'cloudform-types/types/ses/configurationSet';
import type { EmailIdentityProperties } from 'cloudform-types/types/ses/emailIdentity';
import { identityShard } from '../../contracts/identity-stacks.js';
import { addUnique, identityLogicalId } from '../../contracts/logical-ids.js';
import { DIMENSIONS, METRICS } from '../../contracts/metrics.js';
import { identityStackId } from '../../contracts/names.js';
import { SEVERITY_LABEL } from '../../contracts/severity.js';
import type { CfnResource, CfnValue, Ref } from '../lib/cfn.js';
import { logicalIds } from '../lib/logical-id.js';
import { alarm, logGroup, policyDoc, res, sub } from '../lib/resources.js';
import type { StackContext, StackDefinition } from '../lib/template.js';
import { sesRateTierAlarm, tierAlarms } from './alarm-catalog.js';

const ID = logicalIds(
  'ConfigurationSet',
  'CloudWatchDestination',
  'EventBridgeDestination',
  'FirehoseDestinationRole',
  'FirehoseDestination',
  'SesEventsLogGroup',
  'SesEventsLogPolicy',
  'SesEventsRule',
  'DeliveryLatencyMetricFilter',
  'DeliveryLatencyAlarm',
  'BounceRateAlarm',
  'ComplaintRateAlarm',
  'BounceReputationAlarm',
  'ComplaintReputationAlarm',
  'SesCriticalAlarm',
);

/**
 * The one dimension of the CloudWatch event destination: SES's automatic configuration-set tag, one value, so the
 * destination's metrics do not grow with domains (issue #14: `ses:from-domain` made 7 custom metrics per domain).
 * Per-domain figures come from `/aws/ses/events` (Logs Insights) instead; the alarms read the account-level
 * AWS/SES metrics, which SES publishes without any destination.
 */
export const DESTINATION_DIMENSION = DIMENSIONS.sesConfigurationSet;

/** Lower camel case, as the AWS::SES::ConfigurationSetEventDestination schema documents them. */
const EVENT_TYPES = [
  'send',
  'reject',
  'bounce',
  'complaint',
  'delivery',
  'deliveryDelay',
  'renderingFailure',
];
const REPUTATION_PERIOD = 900;
const RATE_PERIOD = 300;

function build(ctx: StackContext) {
  const { cfg, n } = ctx;
  const resources: Record<string, CfnResource> = {};
  const setName = n.configurationSet;

  resources[ID.ConfigurationSet.id] = res<ConfigurationSetProperties>('AWS::SES::ConfigurationSet', {
    Name: setName,
    ReputationOptions: { ReputationMetricsEnabled: true },
    SendingOptions: { SendingEnabled: true },
  });

  resources[ID.CloudWatchDestination.id] = res('AWS::SES::ConfigurationSetEventDestination', {
    ConfigurationSetName: ID.ConfigurationSet.ref,
    EventDestination: {
      // Renamed from cloudwatch-per-domain: a new name lets CloudFormation create the new destination before it
      // deletes the old one, whatever the update needs.
      Name: 'cloudwatch-per-configuration-set',
      Enabled: true,
      MatchingEventTypes: EVENT_TYPES,
      CloudWatchDestination: {
        DimensionConfigurations: [
          {
            DimensionName: DESTINATION_DIMENSION,
            DimensionValueSource: 'messageTag',
            DefaultDimensionValue: setName,
          },
        ],
      },
    },
  });
  resources[ID.EventBridgeDestination.id] = res('AWS::SES::ConfigurationSetEventDestination', {
    ConfigurationSetName: ID.ConfigurationSet.ref,
    EventDestination: {
      Name: 'eventbridge-to-logs',
      Enabled: true,
      MatchingEventTypes: EVENT_TYPES,
      EventBridgeDestination: {
        EventBusArn: sub('arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default'),
      },
    },
  });
  resources[ID.FirehoseDestinationRole.id] = res<RoleProperties>('AWS::IAM::Role', {
    RoleName: n.role('ses-firehose'),
    Description: `SES configuration set ${setName}: puts events into Firehose`,
    AssumeRolePolicyDocument: policyDoc({
      Effect: 'Allow',
      Principal: { Service: 'ses.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: {
        StringEquals: {
          'aws:SourceAccount': sub('${AWS::AccountId}'),
          'aws:SourceArn': sub(
            `arn:\${AWS::Partition}:ses:\${AWS::Region}:\${AWS::AccountId}:configuration-set/${setName}`,
          ),
        },
      },
    }),
    Policies: [
      {
        PolicyName: 'put-records',
        PolicyDocument: policyDoc({
          Effect: 'Allow',
          Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
          Resource: ctx.fromStack('enhanced-kinesis', 'DeliveryStreamArn'),
        }),
      },
    ],
    Tags: ctx.tags(),
  });
  resources[ID.FirehoseDestination.id] = res('AWS::SES::ConfigurationSetEventDestination', {
    ConfigurationSetName: ID.ConfigurationSet.ref,
    EventDestination: {
      Name: 'firehose-archive',
      Enabled: true,
      MatchingEventTypes: EVENT_TYPES,
      KinesisFirehoseDestination: {
        DeliveryStreamARN: ctx.fromStack('enhanced-kinesis', 'DeliveryStreamArn'),
        IAMRoleARN: ID.FirehoseDestinationRole.arn,
      },
    },
  });

  // Identity shard 0 lives here (all of them at ses.identityStacks: 1); the others in ses-identities-<k>.
  Object.assign(resources, identityResources(ctx, 0, ID.ConfigurationSet.ref));

  resources[ID.SesEventsLogGroup.id] = logGroup(ctx, n.logGroup.sesEvents, { mask: true });
  resources[ID.SesEventsLogPolicy.id] = res<ResourcePolicyProperties>('AWS::Logs::ResourcePolicy', {
    PolicyName: `${n.prefix}-ses-events-from-eventbridge`,
    PolicyDocument: sub(
      JSON.stringify(
        policyDoc({
          Sid: 'EventBridgeWritesSesEvents',
          Effect: 'Allow',
          Principal: { Service: ['events.amazonaws.com', 'delivery.logs.amazonaws.com'] },
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: ID.SesEventsLogGroup.sub('Arn'),
          Condition: { StringEquals: { 'aws:SourceAccount': '${AWS::AccountId}' } },
        }),
      ),
    ),
  });
  resources[ID.SesEventsRule.id] = {
    ...res<RuleProperties>('AWS::Events::Rule', {
      Name: n.eventRule('ses-events-to-logs'),
      Description: `SES events of ${setName} into ${n.logGroup.sesEvents}`,
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.ses'],
        detail: { mail: { tags: { 'ses:configuration-set': [setName] } } },
      },
      Targets: [{ Id: 'ses-events-log-group', Arn: ID.SesEventsLogGroup.arn }],
    }),
    // After Properties, where it always stood in the template.
    DependsOn: [ID.SesEventsLogPolicy.id],
  };

  resources[ID.DeliveryLatencyMetricFilter.id] = res<MetricFilterProperties & { FilterName?: string }>(
    'AWS::Logs::MetricFilter',
    {
      FilterName: `${n.prefix}-delivery-latency`,
      LogGroupName: ID.SesEventsLogGroup.ref,
      FilterPattern: '{ $.detail.eventType = "Delivery" }',
      MetricTransformations: [
        {
          MetricNamespace: n.namespace.monitoring,
          MetricName: METRICS.deliveryProcessingTime.name,
          MetricValue: '$.detail.delivery.processingTimeMillis',
          Unit: METRICS.deliveryProcessingTime.unit,
        },
      ],
    },
  );
  resources[ID.DeliveryLatencyAlarm.id] = alarm(ctx, {
    name: n.alarm('delivery-latency'),
    severity: 'P3',
    description: `SES の配信レイテンシ (p90, delivery.processingTimeMillis) が ${cfg.alarms.deliveryLatencyP90Ms} ms を超えました（5分間×3回）。受信側の遅延や DeliveryDelay イベントを確認してください。`,
    threshold: cfg.alarms.deliveryLatencyP90Ms,
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 3,
    treatMissingData: 'notBreaching',
    metric: {
      namespace: n.namespace.monitoring,
      name: METRICS.deliveryProcessingTime.name,
      extendedStatistic: 'p90',
      period: 300,
    },
  });

  // P1 (seed 3.1.1, 3.1.2, 3.3.2 "immediately"): the 5-minute rate over two evaluations, quiet below the
  // minimum send volume; plus AWS's own reputation rates, which move slowly but are what AWS reviews on.
  const children: string[] = [];
  const childNames: string[] = [];
  for (const t of tierAlarms(cfg).filter((a) => a.stack === 'ses')) {
    const bounce = t.family === 'bounceRate';
    const id = bounce ? ID.BounceRateAlarm : ID.ComplaintRateAlarm;
    const label = bounce ? 'バウンス率' : '苦情率';
    const review = bounce ? '5%' : '0.1%';
    resources[id.id] = sesRateTierAlarm(
      ctx,
      { ...t, family: bounce ? 'bounceRate' : 'complaintRate' },
      `SES の${label}（5分間の ${bounce ? 'Bounce' : 'Complaint'} / Send）が ${t.threshold}% を超えました（5分間×${t.evaluationPeriods}回、送信数が5分間に ${cfg.alarms.minimumSendVolume} 件未満の間は評価しません）。AWS は ${review} 以上で審査対象とし、さらに上がると送信を停止します。直ちに送信元と宛先リストを確認してください。`,
      RATE_PERIOD,
    );
    const reputationId = bounce ? ID.BounceReputationAlarm : ID.ComplaintReputationAlarm;
    const reputationName = n.alarm(bounce ? 'bounce-reputation' : 'complaint-reputation');
    resources[reputationId.id] = alarm(ctx, {
      name: reputationName,
      severity: t.severity,
      description: `SES アカウントの${label} (Reputation.${bounce ? 'BounceRate' : 'ComplaintRate'}、AWS が算出) が ${t.threshold}% を超えました。AWS は ${review} 以上で審査対象とし、さらに上がると送信を停止します。直ちに送信元と宛先リストを確認してください。`,
      threshold: t.threshold / 100,
      comparison: 'GreaterThanThreshold',
      evaluationPeriods: t.evaluationPeriods,
      // Reputation rates are account-level rolling values, published only as SES recomputes them: keep the
      // state between updates rather than flapping to INSUFFICIENT_DATA.
      treatMissingData: 'ignore',
      metric: {
        namespace: 'AWS/SES',
        name: bounce ? METRICS.sesReputationBounceRate.name : METRICS.sesReputationComplaintRate.name,
        statistic: 'Maximum',
        period: REPUTATION_PERIOD,
      },
    });
    children.push(id.id, reputationId.id);
    childNames.push(t.name, reputationName);
  }
  const p1 = ctx.alarmTopic('P1');
  resources[ID.SesCriticalAlarm.id] = res<CompositeAlarmProperties & { Tags?: CfnValue }>(
    'AWS::CloudWatch::CompositeAlarm',
    {
      AlarmName: n.alarm('ses-critical'),
      AlarmDescription: `[P1 ${SEVERITY_LABEL.P1}] SES の重要アラーム（バウンス率・苦情率、5分間の率または AWS の Reputation）のいずれかが発生しています。送信停止の危険があります。`,
      AlarmRule: childNames.map((c) => `ALARM("${c}")`).join(' OR '),
      ActionsEnabled: true,
      AlarmActions: [p1],
      OKActions: [p1],
      Tags: ctx.tags({ Severity: 'P1' }),
    },
    { DependsOn: children },
  );

  return {
    description: 'configuration set, event destinations, domain identities, P1 rate alarms and ses-critical',
    resources,
    outputs: {
      ConfigurationSetName: { value: ID.ConfigurationSet.ref, description: 'Default configuration set' },
      SesEventsLogGroupName: { value: ID.SesEventsLogGroup.ref, description: 'SES events (masked)' },
    },
  };
}

/**
 * The EmailIdentity resources of identity shard `k` (contracts/identity-stacks: stable hash of the domain mod
 * ses.identityStacks), in the order of the environment file. Logical ids come from the domain alone.
 */
function identityResources(ctx: StackContext, k: number, configurationSet: Ref): Record<string, CfnResource> {
  const { cfg } = ctx;
  const resources: Record<string, CfnResource> = {};
  const identityInputs = new Map<string, string>();
  cfg.ses.domains.forEach((d, i) => {
    if (identityShard(d.name, cfg.ses.identityStacks) !== k) return;
    const input = `${cfg.source} ses.domains[${i}].name "${d.name}"`;
    addUnique(
      resources,
      identityLogicalId(d.name),
      res<EmailIdentityProperties>('AWS::SES::EmailIdentity', {
        EmailIdentity: d.name,
        // Without a default configuration set SES publishes no event for mail sent without one.
        ConfigurationSetAttributes: { ConfigurationSetName: configurationSet },
        DkimAttributes: { SigningEnabled: true },
        FeedbackAttributes: { EmailForwardingEnabled: false },
      }),
      input,
      identityInputs,
    );
  });
  return resources;
}

/** The stack of identity shard k >= 1 (`ses.identityStacks` > 1): identities only, using the ses stack's set. */
export function identityShardStack(k: number): StackDefinition {
  if (k < 1) throw new Error(`identity shard ${k} is the ses stack`);
  return {
    id: identityStackId(k),
    purpose: `SES domain identities, shard ${k} (ses.identityStacks; a domain's shard never changes with other domains)`,
    after: ['ses'],
    build: (ctx) => {
      const resources = identityResources(ctx, k, ctx.fromStack('ses', 'ConfigurationSetName'));
      if (!Object.keys(resources).length) {
        // A stack needs one resource: no domain hashes to this shard (yet).
        resources.EmptyShard = res('AWS::CloudFormation::WaitConditionHandle', {});
      }
      return {
        description: `SES domain identities of shard ${k} of ${ctx.cfg.ses.identityStacks}`,
        resources,
      };
    },
  };
}

export const sesStack: StackDefinition = {
  id: 'ses',
  purpose: 'SES configuration set, event destinations, domain identities and the P1 bounce/complaint alarms',
  after: ['monitoring'],
  build,
};
