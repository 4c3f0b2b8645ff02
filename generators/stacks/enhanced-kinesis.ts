/**
 * enhanced-kinesis (seed 1.2, 3.4, 5.1.1): the Firehose delivery stream fed by the SES configuration set, the
 * masking transformation (seed 3.4.1 formats), and the archive bucket. Prefixes and who may read them:
 *   masked/  masked events                         monitoring and admin roles
 *   raw/     S3 backup of the source records        admin role only (seed 5.2.2: admins keep the raw data)
 *   errors/  records Firehose could not transform  admin role only (Firehose writes them unmasked)
 */

import type { RoleProperties } from 'cloudform-types/types/iam/role';
import type { DeliveryStreamProperties } from 'cloudform-types/types/kinesisFirehose/deliveryStream';
import type { LogStreamProperties } from 'cloudform-types/types/logs/logStream';
import type { BucketPolicyProperties } from 'cloudform-types/types/s3/bucketPolicy';
import { writeMaskingEnv } from '../../contracts/functions/firehose-masking.js';
import { DIMENSIONS, METRICS } from '../../contracts/metrics.js';
import type { CfnResource } from '../lib/cfn.js';
import { lambdaFunction, lambdaIds } from '../lib/lambda.js';
import { type LogicalId, logicalIds } from '../lib/logical-id.js';
import {
  alarm,
  denyInsecureTransport,
  eventCountAlarm,
  kmsKey,
  logGroup,
  policyDoc,
  res,
  secureBucket,
  sub,
} from '../lib/resources.js';
import type { StackContext, StackDefinition } from '../lib/template.js';

/** Prefixes only the admin role (and Firehose, which writes them) may read. */
export const RAW_PREFIXES = ['raw/', 'errors/'] as const;
export const MASKED_PREFIX = 'masked/';

const dated = 'year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/';

/**
 * The S3 settings the masked destination and the raw backup share. Error prefixes must name the error output type
 * (Firehose rejects an expression-based error prefix without it) and stay under errors/ (admin-only).
 */
const ID = logicalIds(
  'ArchiveKey',
  'ArchiveBucket',
  'ArchiveBucketPolicy',
  'FirehoseLogGroup',
  'FirehoseDeliveryLogStream',
  'FirehoseBackupLogStream',
  'DeliveryRole',
  'DeliveryStream',
  'DeliveryFailureAlarm',
  'TransformFailureAlarm',
  'MaskingFailedRecordsAlarm',
  'DeliveryFreshnessAlarm',
);
const MASKING = lambdaIds('DataMasking');

function archiveDestination(prefix: string, errorPrefix: string, logStream: LogicalId) {
  return {
    BucketARN: ID.ArchiveBucket.arn,
    RoleARN: ID.DeliveryRole.arn,
    Prefix: `${prefix}${dated}`,
    ErrorOutputPrefix: `${errorPrefix}!{firehose:error-output-type}/${dated}`,
    BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 64 },
    CompressionFormat: 'GZIP',
    EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: ID.ArchiveKey.arn } },
    CloudWatchLoggingOptions: {
      Enabled: true,
      LogGroupName: ID.FirehoseLogGroup.ref,
      LogStreamName: logStream.ref,
    },
  };
}

function build(ctx: StackContext) {
  const { cfg, n } = ctx;
  const resources: Record<string, CfnResource> = {};
  const adminRoleArn = sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${n.role('admin')}`);
  const firehoseRoleArn = ID.DeliveryRole.arn;
  const glacierDays = cfg.archive.transitionToGlacierDays;

  Object.assign(
    resources,
    kmsKey(ctx, ID.ArchiveKey, 'archive', 'encrypts the SES event archive (masked, raw backup, errors)', []),
  );
  resources[ID.ArchiveBucket.id] = secureBucket(ctx, {
    name: n.archiveBucket,
    keyArn: ID.ArchiveKey.arn,
    accessLogsBucket: ctx.fromStack('base', 'AccessLogsBucketName'),
    lifecycle: [
      {
        Id: 'archive-and-expire',
        Status: 'Enabled',
        // validation guarantees transition < expiration; null asks for no transition
        ...(glacierDays === null
          ? {}
          : { Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: glacierDays }] }),
        ExpirationInDays: cfg.archive.expirationDays,
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      },
    ],
  });
  resources[ID.ArchiveBucketPolicy.id] = res<BucketPolicyProperties>('AWS::S3::BucketPolicy', {
    Bucket: ID.ArchiveBucket.ref,
    PolicyDocument: policyDoc(denyInsecureTransport(ID.ArchiveBucket), {
      // Principals are matched by ARN condition: the admin role lives in the security stack, launched later,
      // and a bucket policy may not name a principal that does not exist yet.
      Sid: 'RawAndErrorPrefixesAdminOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes', 's3:RestoreObject'],
      Resource: RAW_PREFIXES.map((p) => ID.ArchiveBucket.arnSub(`/${p}*`)),
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': [adminRoleArn, firehoseRoleArn] } },
    }),
  });

  resources[ID.FirehoseLogGroup.id] = logGroup(ctx, n.logGroup.firehose);
  resources[ID.FirehoseDeliveryLogStream.id] = res<LogStreamProperties>('AWS::Logs::LogStream', {
    LogGroupName: ID.FirehoseLogGroup.ref,
    LogStreamName: 'DestinationDelivery',
  });
  resources[ID.FirehoseBackupLogStream.id] = res<LogStreamProperties>('AWS::Logs::LogStream', {
    LogGroupName: ID.FirehoseLogGroup.ref,
    LogStreamName: 'BackupDelivery',
  });

  Object.assign(
    resources,
    lambdaFunction(ctx, {
      id: MASKING.prefix,
      fn: 'data-masking',
      handler: 'firehose-masking',
      description: 'Masks email and IP addresses in SES events on their way to S3 (seed 3.4.1)',
      statements: [],
      environment: writeMaskingEnv({ namespace: n.namespace.monitoring }),
      timeoutSeconds: 120,
      memoryMb: 1024,
      errorSeverity: 'P2',
    }),
  );

  resources[ID.DeliveryRole.id] = res<RoleProperties>('AWS::IAM::Role', {
    RoleName: n.role('firehose-delivery'),
    Description: `Firehose ${n.deliveryStream}: writes the archive, invokes the masking function`,
    AssumeRolePolicyDocument: policyDoc({
      Effect: 'Allow',
      Principal: { Service: 'firehose.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': sub('${AWS::AccountId}') } },
    }),
    Policies: [
      {
        PolicyName: 'deliver',
        PolicyDocument: policyDoc(
          {
            Sid: 'WriteArchive',
            Effect: 'Allow',
            Action: [
              's3:AbortMultipartUpload',
              's3:GetBucketLocation',
              's3:ListBucket',
              's3:ListBucketMultipartUploads',
              's3:PutObject',
            ],
            Resource: [ID.ArchiveBucket.arn, ID.ArchiveBucket.arnSub('/*')],
          },
          {
            Sid: 'EncryptArchive',
            Effect: 'Allow',
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Resource: ID.ArchiveKey.arn,
            Condition: { StringEquals: { 'kms:ViaService': sub('s3.${AWS::Region}.amazonaws.com') } },
          },
          {
            Sid: 'InvokeMasking',
            Effect: 'Allow',
            Action: ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'],
            Resource: MASKING.fn.arn,
          },
          {
            Sid: 'DeliveryErrorLogs',
            Effect: 'Allow',
            Action: 'logs:PutLogEvents',
            Resource: ID.FirehoseLogGroup.arnSub(''),
          },
        ),
      },
    ],
    Tags: ctx.tags(),
  });

  resources[ID.DeliveryStream.id] = res<DeliveryStreamProperties>('AWS::KinesisFirehose::DeliveryStream', {
    DeliveryStreamName: n.deliveryStream,
    DeliveryStreamType: 'DirectPut',
    DeliveryStreamEncryptionConfigurationInput: { KeyType: 'AWS_OWNED_CMK' },
    ExtendedS3DestinationConfiguration: {
      ...archiveDestination(MASKED_PREFIX, 'errors/', ID.FirehoseDeliveryLogStream),
      ProcessingConfiguration: {
        Enabled: true,
        Processors: [
          {
            Type: 'Lambda',
            Parameters: [
              { ParameterName: 'LambdaArn', ParameterValue: MASKING.fn.arn },
              { ParameterName: 'BufferSizeInMBs', ParameterValue: '1' },
              { ParameterName: 'BufferIntervalInSeconds', ParameterValue: '60' },
              { ParameterName: 'NumberOfRetries', ParameterValue: '3' },
            ],
          },
        ],
      },
      S3BackupMode: 'Enabled',
      S3BackupConfiguration: archiveDestination('raw/', 'errors/backup/', ID.FirehoseBackupLogStream),
    },
    Tags: ctx.tags(),
  });

  const stream = [{ Name: 'DeliveryStreamName', Value: n.deliveryStream }];
  resources[ID.DeliveryFailureAlarm.id] = alarm(ctx, {
    name: n.alarm('firehose-delivery-failure'),
    severity: 'P2',
    description: `Firehose ${n.deliveryStream} の S3 配信成功率が 100% を下回りました。${n.logGroup.firehose} を確認してください。`,
    threshold: 1,
    comparison: 'LessThanThreshold',
    evaluationPeriods: 2,
    treatMissingData: 'notBreaching',
    metric: {
      namespace: 'AWS/Firehose',
      name: 'DeliveryToS3.Success',
      statistic: 'Minimum',
      period: 300,
      dimensions: stream,
    },
  });
  resources[ID.TransformFailureAlarm.id] = alarm(ctx, {
    name: n.alarm('firehose-masking-failure'),
    severity: 'P2',
    description: `Firehose のマスキング変換が失敗しました。失敗レコードは未マスクのまま errors/ に保存されます（管理者のみ閲覧可）。`,
    threshold: 1,
    comparison: 'LessThanThreshold',
    evaluationPeriods: 1,
    treatMissingData: 'notBreaching',
    // Failed records are already in errors/ unmasked: the next clean batch fixes nothing.
    event: true,
    metric: {
      namespace: 'AWS/Firehose',
      name: 'ExecuteProcessing.Success',
      statistic: 'Minimum',
      period: 300,
      dimensions: stream,
    },
  });
  // Records the function returned ProcessingFailed (one bad record never fails its batch): the invocation
  // succeeded, so ExecuteProcessing.Success stays at 1; the function's own count is the only signal.
  resources[ID.MaskingFailedRecordsAlarm.id] = eventCountAlarm(ctx, {
    name: n.alarm('firehose-masking-failed-records'),
    severity: 'P2',
    description:
      'マスキングできなかったレコードがあります。該当レコードは未マスクのまま errors/ に保存されます（管理者のみ閲覧可）。関数のログで原因を確認してください。',
    metric: {
      namespace: n.namespace.monitoring,
      name: METRICS.maskingFailedRecords.name,
      // Powertools' default dimension: the service name, which the function sets to its own name.
      dimensions: [{ Name: DIMENSIONS.service, Value: n.lambda('data-masking') }],
    },
  });
  resources[ID.DeliveryFreshnessAlarm.id] = alarm(ctx, {
    name: n.alarm('firehose-delivery-freshness'),
    severity: 'P2',
    description: `Firehose の配信遅延が ${cfg.alarms.firehoseFreshnessSeconds} 秒を超えました。S3 への配信が滞っています。`,
    threshold: cfg.alarms.firehoseFreshnessSeconds,
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 2,
    treatMissingData: 'notBreaching',
    metric: {
      namespace: 'AWS/Firehose',
      name: 'DeliveryToS3.DataFreshness',
      statistic: 'Maximum',
      period: 300,
      dimensions: stream,
    },
  });

  return {
    description: 'Firehose delivery of SES events with masking into the KMS-encrypted archive bucket',
    resources,
    outputs: {
      DeliveryStreamArn: { value: ID.DeliveryStream.arn, description: 'SES event destination' },
      ArchiveBucketName: { value: ID.ArchiveBucket.ref, description: 'SES event archive' },
      ArchiveBucketArn: { value: ID.ArchiveBucket.arn, description: 'SES event archive' },
      ArchiveKeyArn: { value: ID.ArchiveKey.arn, description: 'Key of the archive' },
    },
  };
}

export const enhancedKinesisStack: StackDefinition = {
  id: 'enhanced-kinesis',
  purpose: 'Firehose delivery of SES events through the masking function into the S3 archive',
  after: ['monitoring'],
  handlers: ['firehose-masking'],
  build,
};
