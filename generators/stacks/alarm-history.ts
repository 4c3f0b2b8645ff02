/**
 * Alarm history (seed 4.1.3 過去24時間のアラート履歴・アラート解決状況): every state change of the environment's
 * alarms, as EventBridge delivers it ("CloudWatch Alarm State Change"), into a log group that the dashboards
 * read with a log widget. CloudWatch keeps alarm history itself only behind DescribeAlarmHistory, which no
 * dashboard widget can show.
 */
import type { RuleProperties } from 'cloudform-types/types/events/rule';
import type { ResourcePolicyProperties } from 'cloudform-types/types/logs/resourcePolicy';
import type { CfnResource } from '../lib/cfn.js';
import { logicalId } from '../lib/logical-id.js';
import { logGroup, policyDoc, res, sub } from '../lib/resources.js';
import type { StackContext } from '../lib/template.js';

export const ALARM_HISTORY_LOG_GROUP = logicalId('AlarmHistoryLogGroup');

/** The Logs Insights query of the history widget: newest first, what changed, from what, to what, why. */
export function alarmHistoryQuery(logGroupName: string, limit = 100): string {
  return [
    `SOURCE '${logGroupName}'`,
    'fields @timestamp, detail.alarmName as alarm, detail.previousState.value as before, detail.state.value as after, detail.state.reason as reason',
    'sort @timestamp desc',
    `limit ${limit}`,
  ].join(' | ');
}

/** How often each alarm went to each state in the period shown: the resolution status (アラート解決状況). */
export function alarmResolutionQuery(logGroupName: string): string {
  return [
    `SOURCE '${logGroupName}'`,
    'fields detail.alarmName as alarm, detail.state.value as after',
    'stats count(*) as changes by alarm, after',
    'sort alarm asc',
  ].join(' | ');
}

export function alarmHistoryResources(ctx: StackContext): Record<string, CfnResource> {
  const { n } = ctx;
  return {
    [ALARM_HISTORY_LOG_GROUP.id]: logGroup(ctx, n.logGroup.alarmHistory),
    AlarmHistoryLogPolicy: res<ResourcePolicyProperties>('AWS::Logs::ResourcePolicy', {
      PolicyName: `${n.prefix}-alarm-history-from-eventbridge`,
      PolicyDocument: sub(
        JSON.stringify(
          policyDoc({
            Sid: 'EventBridgeWritesAlarmHistory',
            Effect: 'Allow',
            Principal: { Service: ['events.amazonaws.com', 'delivery.logs.amazonaws.com'] },
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: ALARM_HISTORY_LOG_GROUP.sub('Arn'),
            Condition: { StringEquals: { 'aws:SourceAccount': '${AWS::AccountId}' } },
          }),
        ),
      ),
    }),
    AlarmHistoryRule: res<RuleProperties>('AWS::Events::Rule', {
      Name: n.eventRule('alarm-history-to-logs'),
      Description: `State changes of the ${n.prefix}-* alarms into ${n.logGroup.alarmHistory}`,
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { alarmName: [{ prefix: `${n.prefix}-` }] },
      },
      Targets: [{ Id: 'alarm-history-log-group', Arn: ALARM_HISTORY_LOG_GROUP.arn }],
    }),
  };
}
