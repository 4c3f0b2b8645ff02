/**
 * The on-call state of the monitoring stack (seed 3.3.2, 5.4.2): the alarm-episode table the notifier and
 * `npm run ack` / `npm run escalate` share (contracts/alarm-episodes.ts), and the managed policy responders
 * are given to write it with their own credentials.
 */
import type { ManagedPolicyProperties } from 'cloudform-types/types/iam/managedPolicy';
import { EPISODE_ATTRIBUTES } from '../../contracts/alarm-episodes.js';
import type { CfnResource, PolicyStatement } from '../lib/cfn.js';
import { logicalId } from '../lib/logical-id.js';
import { checkovSkip, policyDoc, res } from '../lib/resources.js';
import type { StackContext } from '../lib/template.js';

export const EPISODE_TABLE = logicalId('AlarmEpisodesTable');
export const ONCALL_POLICY = logicalId('OncallPolicy');

/** What the notifier's role needs on the table (escalation check). */
export function notifierEpisodeStatement(): PolicyStatement {
  return {
    Sid: 'ReadAndRecordAlarmEpisodes',
    Effect: 'Allow',
    Action: ['dynamodb:BatchGetItem', 'dynamodb:UpdateItem'],
    Resource: EPISODE_TABLE.arn,
  };
}

export function oncallResources(ctx: StackContext): Record<string, CfnResource> {
  const { n } = ctx;
  const table = EPISODE_TABLE.arn;
  return {
    [EPISODE_TABLE.id]: res(
      'AWS::DynamoDB::Table',
      {
        TableName: n.alarmEpisodesTable,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: EPISODE_ATTRIBUTES.alarm, AttributeType: 'S' },
          { AttributeName: EPISODE_ATTRIBUTES.episode, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: EPISODE_ATTRIBUTES.alarm, KeyType: 'HASH' },
          { AttributeName: EPISODE_ATTRIBUTES.episode, KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: EPISODE_ATTRIBUTES.expiresAt, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: ctx.cfg.retain,
        Tags: ctx.tags(),
      },
      {
        ...ctx.retention,
        Metadata: checkovSkip([
          'CKV_AWS_119',
          'Items hold alarm names, responder names and short notes, kept 30 days; encrypted with the AWS managed ' +
            'DynamoDB KMS key so that responders need no grant on a customer key to acknowledge',
        ]),
      },
    ),
    [ONCALL_POLICY.id]: res<ManagedPolicyProperties>('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: n.policy('oncall'),
      Description: 'Responders: npm run ack / npm run escalate / npm run status (alarm episodes only)',
      PolicyDocument: policyDoc(
        // DescribeAlarms supports no resource-level permission.
        { Sid: 'ReadAlarmStates', Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: '*' },
        {
          Sid: 'AcknowledgeAndEscalateEpisodes',
          Effect: 'Allow',
          Action: ['dynamodb:UpdateItem', 'dynamodb:BatchGetItem'],
          Resource: table,
        },
      ),
    }),
  };
}
