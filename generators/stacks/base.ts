/**
 * base (seed 3.3.1, 3.3.2, 5.1.1): notification topics and the keys and buckets every other stack uses.
 * Alarms publish to the alarm topics, which nobody subscribes to; the notifier turns alarm messages into
 * Japanese notifications on the delivery topics, which people subscribe to (so nobody is paged twice).
 */

import type { BucketProperties } from 'cloudform-types/types/s3/bucket';
import type { BucketPolicyProperties } from 'cloudform-types/types/s3/bucketPolicy';
import type { SubscriptionProperties } from 'cloudform-types/types/sns/subscription';
import type { TopicProperties } from 'cloudform-types/types/sns/topic';
import type { TopicPolicyProperties } from 'cloudform-types/types/sns/topicPolicy';
import { UNREFERENCED_RULE_ID, UNREFERENCED_TAG } from '../../contracts/artifacts.js';
import { environmentLabel } from '../../contracts/names.js';
import { SEVERITIES, type Severity } from '../../contracts/severity.js';
import type { CfnResource } from '../lib/cfn.js';
import { logicalId, logicalIds } from '../lib/logical-id.js';
import {
  checkovSkip,
  denyInsecureTransport,
  kmsKey,
  PRIVATE_VERSIONED_BUCKET,
  policyDoc,
  res,
  secureBucket,
  serviceKeyStatement,
  sub,
} from '../lib/resources.js';
import type { StackContext, StackDefinition, StackOutput } from '../lib/template.js';

const LEVELS = [1, 2, 3] as const;

const ID = logicalIds(
  'NotificationsKey',
  'LogsKey',
  'ArtifactsKey',
  'TopicPolicy',
  'AccessLogsBucket',
  'AccessLogsBucketPolicy',
  'ArtifactsBucket',
  'ArtifactsBucketPolicy',
);

/** Logical id of a topic; the contract other stacks and tests rely on. */
export const topicId = {
  alarm: (s: Severity) => logicalId(`AlarmTopic${s}`),
  delivery: (s: Severity) => logicalId(`DeliveryTopic${s}`),
  escalation: (l: 1 | 2 | 3) => logicalId(`EscalationTopicLevel${l}`),
};

function topic(ctx: StackContext, name: string, display: string): CfnResource {
  return res<TopicProperties>('AWS::SNS::Topic', {
    TopicName: name,
    DisplayName: display,
    KmsMasterKeyId: ID.NotificationsKey.ref,
    Tags: ctx.tags(),
  });
}

/** A stable logical id for an email subscription (ids must not depend on list order). */
function subscriptionId(prefix: string, email: string): string {
  let h = 0x811c9dc5;
  for (const ch of email.toLowerCase()) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return `${prefix}Email${h.toString(16).padStart(8, '0')}`;
}

function build(ctx: StackContext) {
  const { cfg, n } = ctx;
  const resources: Record<string, CfnResource> = {};
  const outputs: Record<string, StackOutput> = {};
  const envLabel = environmentLabel(cfg.environment);

  Object.assign(
    resources,
    kmsKey(ctx, ID.NotificationsKey, 'notifications', 'encrypts the notification topics', [
      // Only alarms publish to the topics as a service; no EventBridge rule or schedule targets a topic.
      serviceKeyStatement('CloudWatchAlarmsPublish', 'cloudwatch.amazonaws.com'),
    ]),
  );
  Object.assign(
    resources,
    kmsKey(ctx, ID.LogsKey, 'logs', 'encrypts the CloudWatch Logs log groups', [
      {
        ...serviceKeyStatement('CloudWatchLogsEncrypt', sub('logs.${AWS::Region}.amazonaws.com'), {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': sub(
              'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*',
            ),
          },
        }),
      },
    ]),
  );
  Object.assign(
    resources,
    kmsKey(ctx, ID.ArtifactsKey, 'artifacts', 'encrypts the Lambda bundle bucket', []),
  );

  for (const s of SEVERITIES) {
    resources[topicId.alarm(s).id] = topic(ctx, n.alarmTopic(s), `SES ${envLabel} alarms ${s} (internal)`);
    resources[topicId.delivery(s).id] = topic(
      ctx,
      n.deliveryTopic(s),
      s === 'P1' ? `SES ${envLabel} Notifications` : `SES ${envLabel} Notifications ${s}`,
    );
    outputs[`${topicId.alarm(s)}Arn`] = {
      value: topicId.alarm(s).ref,
      description: `Alarm topic ${s}: alarm actions publish here`,
    };
    outputs[`${topicId.delivery(s)}Arn`] = {
      value: topicId.delivery(s).ref,
      description: `Delivery topic ${s}: people subscribe here`,
    };
    for (const email of cfg.notifications[s]) {
      resources[subscriptionId(topicId.delivery(s).id, email)] = res<SubscriptionProperties>(
        'AWS::SNS::Subscription',
        {
          TopicArn: topicId.delivery(s).ref,
          Protocol: 'email',
          Endpoint: email,
        },
      );
    }
  }
  for (const l of LEVELS) {
    resources[topicId.escalation(l).id] = topic(
      ctx,
      n.escalationTopic(l),
      `SES ${envLabel} Escalation L${l}`,
    );
    outputs[`${topicId.escalation(l)}Arn`] = {
      value: topicId.escalation(l).ref,
      description: `Escalation level ${l} (seed 5.4.2)`,
    };
    for (const email of cfg.notifications.escalation[`level${l}`]) {
      resources[subscriptionId(topicId.escalation(l).id, email)] = res<SubscriptionProperties>(
        'AWS::SNS::Subscription',
        { TopicArn: topicId.escalation(l).ref, Protocol: 'email', Endpoint: email },
      );
    }
  }

  const allTopics = [
    ...SEVERITIES.flatMap((s) => [topicId.alarm(s), topicId.delivery(s)]),
    ...LEVELS.map(topicId.escalation),
  ];
  resources[ID.TopicPolicy.id] = res<TopicPolicyProperties>('AWS::SNS::TopicPolicy', {
    Topics: allTopics.map((t) => t.ref),
    PolicyDocument: policyDoc(
      {
        Sid: 'CloudWatchAlarmsPublishToAlarmTopics',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: SEVERITIES.map((s) => topicId.alarm(s).ref),
        Condition: { StringEquals: { 'aws:SourceAccount': sub('${AWS::AccountId}') } },
      },
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Resource: allTopics.map((t) => t.ref),
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ),
  });

  resources[ID.AccessLogsBucket.id] = res<BucketProperties>(
    'AWS::S3::Bucket',
    {
      BucketName: sub(`${n.accessLogsBucket}-\${AWS::AccountId}`),
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      ...PRIVATE_VERSIONED_BUCKET,
      LifecycleConfiguration: {
        Rules: [
          {
            Id: 'expire-access-logs',
            Status: 'Enabled',
            ExpirationInDays: cfg.retain ? 731 : 30,
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          },
        ],
      },
      Tags: ctx.tags(),
    },
    {
      ...ctx.retention,
      Metadata: checkovSkip(
        ['CKV_AWS_18', 'This is the access-log destination itself; logging it into itself would loop'],
        ['CKV_AWS_145', 'S3 server access logging delivers only to SSE-S3 (AES256) buckets, not SSE-KMS'],
      ),
    },
  );
  resources[ID.AccessLogsBucketPolicy.id] = res<BucketPolicyProperties>('AWS::S3::BucketPolicy', {
    Bucket: ID.AccessLogsBucket.ref,
    PolicyDocument: policyDoc(
      {
        Sid: 'S3ServerAccessLogsDelivery',
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: ID.AccessLogsBucket.arnSub('/*'),
        Condition: { StringEquals: { 'aws:SourceAccount': sub('${AWS::AccountId}') } },
      },
      denyInsecureTransport(ID.AccessLogsBucket),
    ),
  });

  resources[ID.ArtifactsBucket.id] = secureBucket(ctx, {
    name: n.artifactsBucket,
    keyArn: ID.ArtifactsKey.arn,
    accessLogsBucket: ID.AccessLogsBucket.ref,
    lifecycle: [
      {
        Id: 'expire-old-bundles',
        Status: 'Enabled',
        NoncurrentVersionExpiration: { NoncurrentDays: 90 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      },
      {
        // The deploy gate tags bundles and uploaded templates no deployed stack (current or previous) needs.
        Id: UNREFERENCED_RULE_ID,
        Status: 'Enabled',
        TagFilters: [UNREFERENCED_TAG],
        ExpirationInDays: cfg.artifacts.unreferencedExpirationDays,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      },
    ],
  });
  resources[ID.ArtifactsBucketPolicy.id] = res<BucketPolicyProperties>('AWS::S3::BucketPolicy', {
    Bucket: ID.ArtifactsBucket.ref,
    PolicyDocument: policyDoc(denyInsecureTransport(ID.ArtifactsBucket)),
  });

  Object.assign(outputs, {
    NotificationsKeyArn: { value: ID.NotificationsKey.arn, description: 'Key of the SNS topics' },
    LogsKeyArn: { value: ID.LogsKey.arn, description: 'Key of every log group' },
    ArtifactsBucketName: { value: ID.ArtifactsBucket.ref, description: 'Bucket holding Lambda bundles' },
    ArtifactsKeyArn: { value: ID.ArtifactsKey.arn, description: 'Key of the artifacts bucket' },
    AccessLogsBucketName: { value: ID.AccessLogsBucket.ref, description: 'S3 server access log bucket' },
  });
  return {
    description:
      'notification topics (alarm, delivery, escalation), KMS keys, artifact and access-log buckets',
    resources,
    outputs,
  };
}

export const baseStack: StackDefinition = {
  id: 'base',
  purpose: 'Notification topics, KMS keys and the Lambda bundle bucket every other stack uses',
  build,
};
