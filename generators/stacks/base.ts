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
import {
  checkovSkip,
  denyInsecureTransport,
  getAtt,
  kmsKey,
  PRIVATE_VERSIONED_BUCKET,
  policyDoc,
  ref,
  res,
  secureBucket,
  serviceKeyStatement,
  sub,
} from '../lib/resources.js';
import type { StackContext, StackDefinition, StackOutput } from '../lib/template.js';

const LEVELS = [1, 2, 3] as const;

/** Logical id of a topic; the contract other stacks and tests rely on. */
export const topicId = {
  alarm: (s: Severity) => `AlarmTopic${s}`,
  delivery: (s: Severity) => `DeliveryTopic${s}`,
  escalation: (l: 1 | 2 | 3) => `EscalationTopicLevel${l}`,
};

function topic(ctx: StackContext, name: string, display: string): CfnResource {
  return res<TopicProperties>('AWS::SNS::Topic', {
    TopicName: name,
    DisplayName: display,
    KmsMasterKeyId: ref('NotificationsKey'),
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
    kmsKey(ctx, 'NotificationsKey', 'notifications', 'encrypts the notification topics', [
      // Only alarms publish to the topics as a service; no EventBridge rule or schedule targets a topic.
      serviceKeyStatement('CloudWatchAlarmsPublish', 'cloudwatch.amazonaws.com'),
    ]),
  );
  Object.assign(
    resources,
    kmsKey(ctx, 'LogsKey', 'logs', 'encrypts the CloudWatch Logs log groups', [
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
  Object.assign(resources, kmsKey(ctx, 'ArtifactsKey', 'artifacts', 'encrypts the Lambda bundle bucket', []));

  for (const s of SEVERITIES) {
    resources[topicId.alarm(s)] = topic(ctx, n.alarmTopic(s), `SES ${envLabel} alarms ${s} (internal)`);
    resources[topicId.delivery(s)] = topic(
      ctx,
      n.deliveryTopic(s),
      s === 'P1' ? `SES ${envLabel} Notifications` : `SES ${envLabel} Notifications ${s}`,
    );
    outputs[`${topicId.alarm(s)}Arn`] = {
      value: ref(topicId.alarm(s)),
      description: `Alarm topic ${s}: alarm actions publish here`,
    };
    outputs[`${topicId.delivery(s)}Arn`] = {
      value: ref(topicId.delivery(s)),
      description: `Delivery topic ${s}: people subscribe here`,
    };
    for (const email of cfg.notifications[s]) {
      resources[subscriptionId(topicId.delivery(s), email)] = res<SubscriptionProperties>(
        'AWS::SNS::Subscription',
        {
          TopicArn: ref(topicId.delivery(s)),
          Protocol: 'email',
          Endpoint: email,
        },
      );
    }
  }
  for (const l of LEVELS) {
    resources[topicId.escalation(l)] = topic(ctx, n.escalationTopic(l), `SES ${envLabel} Escalation L${l}`);
    outputs[`${topicId.escalation(l)}Arn`] = {
      value: ref(topicId.escalation(l)),
      description: `Escalation level ${l} (seed 5.4.2)`,
    };
    for (const email of cfg.notifications.escalation[`level${l}`]) {
      resources[subscriptionId(topicId.escalation(l), email)] = res<SubscriptionProperties>(
        'AWS::SNS::Subscription',
        { TopicArn: ref(topicId.escalation(l)), Protocol: 'email', Endpoint: email },
      );
    }
  }

  const allTopics = [
    ...SEVERITIES.flatMap((s) => [topicId.alarm(s), topicId.delivery(s)]),
    ...LEVELS.map(topicId.escalation),
  ];
  resources.TopicPolicy = res<TopicPolicyProperties>('AWS::SNS::TopicPolicy', {
    Topics: allTopics.map(ref),
    PolicyDocument: policyDoc(
      {
        Sid: 'CloudWatchAlarmsPublishToAlarmTopics',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: SEVERITIES.map((s) => ref(topicId.alarm(s))),
        Condition: { StringEquals: { 'aws:SourceAccount': sub('${AWS::AccountId}') } },
      },
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Resource: allTopics.map(ref),
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ),
  });

  resources.AccessLogsBucket = res<BucketProperties>(
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
  resources.AccessLogsBucketPolicy = res<BucketPolicyProperties>('AWS::S3::BucketPolicy', {
    Bucket: ref('AccessLogsBucket'),
    PolicyDocument: policyDoc(
      {
        Sid: 'S3ServerAccessLogsDelivery',
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: sub('${AccessLogsBucket.Arn}/*'),
        Condition: { StringEquals: { 'aws:SourceAccount': sub('${AWS::AccountId}') } },
      },
      denyInsecureTransport('AccessLogsBucket'),
    ),
  });

  resources.ArtifactsBucket = secureBucket(ctx, {
    name: n.artifactsBucket,
    keyArn: getAtt('ArtifactsKey', 'Arn'),
    accessLogsBucket: ref('AccessLogsBucket'),
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
  resources.ArtifactsBucketPolicy = res<BucketPolicyProperties>('AWS::S3::BucketPolicy', {
    Bucket: ref('ArtifactsBucket'),
    PolicyDocument: policyDoc(denyInsecureTransport('ArtifactsBucket')),
  });

  Object.assign(outputs, {
    NotificationsKeyArn: { value: getAtt('NotificationsKey', 'Arn'), description: 'Key of the SNS topics' },
    LogsKeyArn: { value: getAtt('LogsKey', 'Arn'), description: 'Key of every log group' },
    ArtifactsBucketName: { value: ref('ArtifactsBucket'), description: 'Bucket holding Lambda bundles' },
    ArtifactsKeyArn: { value: getAtt('ArtifactsKey', 'Arn'), description: 'Key of the artifacts bucket' },
    AccessLogsBucketName: { value: ref('AccessLogsBucket'), description: 'S3 server access log bucket' },
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
