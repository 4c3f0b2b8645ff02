/**
 * The probes of `npm run adopt`: does a resource of this type exist under this name, does a CloudFormation stack
 * manage it already, and what about it will the template not take over. One small call per service.
 */
import { DescribeStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeAlarmsCommand, GetDashboardCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { GetConfigurationSetCommand, GetEmailIdentityCommand } from '@aws-sdk/client-sesv2';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import type { CloudFormationSender } from '../../lib/drift/engine.js';
import { describeError, errorName } from '../../lib/errors.js';
import type { Found, Probe } from './core.js';

export interface Sender {
  // biome-ignore lint/suspicious/noExplicitAny: a real client or a mock
  send(command: any): Promise<any>;
}

export interface ProbeClients {
  readonly cloudformation: CloudFormationSender;
  readonly sesv2: Sender;
  readonly sns: Sender;
  readonly cloudwatch: Sender;
  readonly logs: Sender;
  readonly s3: Sender;
  readonly lambda: Sender;
}

const NOT_FOUND = new Set([
  'NotFoundException',
  'NotFound',
  'ResourceNotFoundException',
  'NoSuchBucket',
  'ResourceNotFound',
]);

async function exists(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    if (NOT_FOUND.has(errorName(error)) || /does not exist|not found/i.test(describeError(error)))
      return false;
    throw error;
  }
}

async function managedBy(cfn: CloudFormationSender, physicalId: string): Promise<string | undefined> {
  try {
    const out = await cfn.send(new DescribeStackResourcesCommand({ PhysicalResourceId: physicalId }));
    return out.StackResources?.[0]?.StackName;
  } catch (error) {
    if (errorName(error) === 'ValidationError') return undefined; // "Stack for <id> does not exist"
    throw error;
  }
}

export function awsProbe(c: ProbeClients): Probe {
  return async (type, name, where): Promise<Found | undefined> => {
    let physicalId = name;
    let notes: string[] = [];
    switch (type) {
      case 'AWS::SES::EmailIdentity': {
        if (!(await exists(() => c.sesv2.send(new GetEmailIdentityCommand({ EmailIdentity: name })))))
          return undefined;
        break;
      }
      case 'AWS::SES::ConfigurationSet':
        if (
          !(await exists(() => c.sesv2.send(new GetConfigurationSetCommand({ ConfigurationSetName: name }))))
        )
          return undefined;
        break;
      case 'AWS::SNS::Topic': {
        physicalId = `arn:aws:sns:${where.region}:${where.account}:${name}`;
        const arn = physicalId;
        if (!(await exists(() => c.sns.send(new GetTopicAttributesCommand({ TopicArn: arn })))))
          return undefined;
        const subs = await c.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: arn }));
        notes = (subs.Subscriptions ?? []).map(
          (s: { Protocol?: string; SubscriptionArn?: string }) =>
            `hand-made ${s.Protocol ?? '?'} subscription ${s.SubscriptionArn ?? '?'} is not in the template (the template subscribes notifications.* itself: a person may be notified twice)`,
        );
        break;
      }
      case 'AWS::CloudWatch::Alarm':
      case 'AWS::CloudWatch::CompositeAlarm': {
        const out = await c.cloudwatch.send(
          new DescribeAlarmsCommand({ AlarmNames: [name], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }),
        );
        if (!(out.MetricAlarms?.length || out.CompositeAlarms?.length)) return undefined;
        break;
      }
      case 'AWS::CloudWatch::Dashboard':
        if (!(await exists(() => c.cloudwatch.send(new GetDashboardCommand({ DashboardName: name })))))
          return undefined;
        break;
      case 'AWS::Logs::LogGroup': {
        const out = await c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
        if (!(out.logGroups ?? []).some((g: { logGroupName?: string }) => g.logGroupName === name))
          return undefined;
        break;
      }
      case 'AWS::S3::Bucket':
        if (!(await exists(() => c.s3.send(new HeadBucketCommand({ Bucket: name }))))) return undefined;
        break;
      case 'AWS::Lambda::Function':
        if (!(await exists(() => c.lambda.send(new GetFunctionCommand({ FunctionName: name })))))
          return undefined;
        break;
      default:
        return undefined;
    }
    const stack = await managedBy(c.cloudformation, physicalId);
    return { ...(stack ? { managedBy: stack } : {}), notes };
  };
}
