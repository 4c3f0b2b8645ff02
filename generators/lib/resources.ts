/**
 * Render helpers shared by the stack builders: typed resource construction (cloudform-types supplies the
 * property types; the objects are plain JSON) and the few patterns every stack repeats (secure buckets,
 * encrypted log groups, key policies, alarms).
 */
import type { AlarmProperties } from 'cloudform-types/types/cloudWatch/alarm';
import type { AliasProperties } from 'cloudform-types/types/kms/alias';
import type { KeyProperties } from 'cloudform-types/types/kms/key';
import type { LogGroupProperties } from 'cloudform-types/types/logs/logGroup';
import type { BucketProperties, Rule as LifecycleRule } from 'cloudform-types/types/s3/bucket';
import { SEVERITY_LABEL, type Severity } from '../../contracts/severity.js';
import type {
  CfnObject,
  CfnResource,
  CfnString,
  CfnValue,
  MetricDataQuery,
  PolicyDocument,
  PolicyStatement,
  Props,
} from './cfn.js';
import type { LogicalId } from './logical-id.js';
import { checkovSkip, getAtt, ref, type StackContext, sub } from './template.js';

type Attrs = Omit<CfnResource, 'Type' | 'Properties'>;

/**
 * A resource of `type` whose properties are checked against cloudform-types' property type `P` read as plain
 * JSON (`Props<P>`, see `cfn.ts`): unknown keys and wrong value types are compile errors.
 */
export function res<P extends object = CfnObject>(
  type: string,
  properties: Props<NoInfer<P>>,
  attrs: Attrs = {},
): CfnResource {
  // The one cast of the generator: `Props<P>` is JSON by construction (every leaf a literal, an `Intrinsic` or a
  // `CfnValue`), which TypeScript cannot see for a generic `P`. An intersection with `CfnObject` would say it
  // without a cast, but its index signature would switch off the check of unknown keys.
  return { Type: type, ...attrs, Properties: properties as CfnObject };
}

/** IAM policy document. */
export function policyDoc(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * A customer-managed symmetric key with rotation and its alias `alias/<prefix>-<purpose>`, as `id` and `<id>Alias`;
 * `services` are extra key-policy statements.
 */
export function kmsKey(
  ctx: StackContext,
  id: LogicalId,
  purpose: string,
  description: string,
  services: PolicyStatement[],
): Record<string, CfnResource> {
  const key = res<KeyProperties & { KeySpec?: string; RotationPeriodInDays?: number }>(
    'AWS::KMS::Key',
    {
      Description: `${ctx.n.prefix}: ${description}`,
      EnableKeyRotation: true,
      PendingWindowInDays: ctx.cfg.retain ? 30 : 7,
      KeyPolicy: policyDoc(
        {
          Sid: 'AccountAdministersKeyThroughIam',
          Effect: 'Allow',
          Principal: { AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') },
          Action: 'kms:*',
          Resource: '*',
        },
        ...services,
      ),
      Tags: ctx.tags(),
    },
    ctx.retention,
  );
  const alias = res<AliasProperties>('AWS::KMS::Alias', {
    AliasName: ctx.n.keyAlias(purpose),
    TargetKeyId: id.ref,
  });
  return { [id.id]: key, [id.with('Alias').id]: alias };
}

/** Trust policy of a role an AWS service assumes on behalf of this account only. */
export function serviceTrust(service: string): PolicyDocument {
  return policyDoc({
    Effect: 'Allow',
    Principal: { Service: service },
    Action: 'sts:AssumeRole',
    Condition: { StringEquals: { 'aws:SourceAccount': sub('${AWS::AccountId}') } },
  });
}

/** Key-policy statement letting an AWS service use the key for encryption, only for this account. */
export function serviceKeyStatement(sid: string, service: CfnString, condition?: CfnObject): PolicyStatement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: { Service: service },
    Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    Resource: '*',
    Condition: condition ?? { StringEquals: { 'aws:SourceAccount': sub('${AWS::AccountId}') } },
  };
}

/** Versioned, every kind of public access blocked, ACLs disabled: the part every bucket of the product shares. */
export const PRIVATE_VERSIONED_BUCKET: Pick<
  Props<BucketProperties>,
  'VersioningConfiguration' | 'PublicAccessBlockConfiguration' | 'OwnershipControls'
> = {
  VersioningConfiguration: { Status: 'Enabled' },
  PublicAccessBlockConfiguration: {
    BlockPublicAcls: true,
    BlockPublicPolicy: true,
    IgnorePublicAcls: true,
    RestrictPublicBuckets: true,
  },
  OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
};

/** S3 bucket: KMS-encrypted, versioned, public access blocked, owner-enforced, access-logged. */
export function secureBucket(
  ctx: StackContext,
  opts: {
    name: string;
    keyArn: CfnString;
    accessLogsBucket: CfnString;
    lifecycle: readonly Props<LifecycleRule>[];
    extra?: Partial<Props<BucketProperties>>;
    metadata?: CfnObject;
  },
): CfnResource {
  return res<BucketProperties>(
    'AWS::S3::Bucket',
    {
      BucketName: sub(`${opts.name}-\${AWS::AccountId}`),
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: opts.keyArn },
            BucketKeyEnabled: true,
          },
        ],
      },
      ...PRIVATE_VERSIONED_BUCKET,
      LoggingConfiguration: { DestinationBucketName: opts.accessLogsBucket, LogFilePrefix: `${opts.name}/` },
      LifecycleConfiguration: { Rules: opts.lifecycle },
      Tags: ctx.tags(),
      ...opts.extra,
    },
    {
      ...ctx.retention,
      ...(opts.metadata ? { Metadata: opts.metadata } : {}),
    },
  );
}

/** Bucket-policy statement denying every request that does not use TLS. */
export function denyInsecureTransport(bucket: LogicalId): PolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [bucket.arn, bucket.arnSub('/*')],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/** The data-protection policy that masks email and IP addresses for anyone without logs:Unmask (seed 5.2.2). */
export function dataProtectionPolicy(ctx: StackContext, groupName: string): CfnObject {
  const identifiers = [
    sub('arn:${AWS::Partition}:dataprotection::aws:data-identifier/EmailAddress'),
    sub('arn:${AWS::Partition}:dataprotection::aws:data-identifier/IpAddress'),
  ];
  return {
    Name: `${groupName.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}-pii`,
    Description: 'Masks email and IP addresses; admins with logs:Unmask see originals (seed 5.2.2)',
    Version: '2021-06-01',
    Statement: [
      {
        Sid: 'audit-policy',
        DataIdentifier: identifiers,
        Operation: {
          Audit: { FindingsDestination: { CloudWatchLogs: { LogGroup: ctx.n.logGroup.compliance } } },
        },
      },
      { Sid: 'redact-policy', DataIdentifier: identifiers, Operation: { Deidentify: { MaskConfig: {} } } },
    ],
  };
}

/** A KMS-encrypted log group with the environment's retention; `mask` adds the PII data-protection policy. */
export function logGroup(
  ctx: StackContext,
  name: string,
  opts: { mask?: boolean; keyArn?: CfnString } = {},
): CfnResource {
  return res<LogGroupProperties & { DataProtectionPolicy?: CfnObject }>(
    'AWS::Logs::LogGroup',
    {
      LogGroupName: name,
      RetentionInDays: ctx.cfg.logs.retentionInDays,
      KmsKeyId: opts.keyArn ?? ctx.fromStack('base', 'LogsKeyArn'),
      ...(opts.mask ? { DataProtectionPolicy: dataProtectionPolicy(ctx, name) } : {}),
      Tags: ctx.tags(),
    },
    ctx.retention,
  );
}

export interface AlarmSpec {
  readonly name: string;
  readonly severity: Severity;
  /** What it means and what to do first, in Japanese. */
  readonly description: string;
  readonly threshold: number;
  readonly comparison: 'GreaterThanThreshold' | 'LessThanThreshold' | 'GreaterThanOrEqualToThreshold';
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  readonly treatMissingData: 'breaching' | 'notBreaching' | 'ignore' | 'missing';
  /** Either a single metric... */
  readonly metric?: {
    namespace: string;
    name: string;
    statistic?: string;
    extendedStatistic?: string;
    period: number;
    dimensions?: { Name: string; Value: CfnString }[];
    unit?: string;
  };
  /** ...or metric math (one expression with ReturnData). */
  readonly metrics?: MetricDataQuery[];
  /**
   * An event alarm: its metric counts events (a failed invocation, a failed batch), so going back to OK one period
   * later means "no new event", not "fixed". It notifies once per event and sends no recovery ("復旧") notice.
   * @default false - ALARM and OK both notify
   */
  readonly event?: boolean;
  /**
   * No action at all: the event's own notice (sent by the function) is the one message, the alarm keeps the
   * history and the dashboard state. @default false
   */
  readonly silent?: boolean;
}

/** The sentence every event alarm's description ends with. */
export const EVENT_ALARM_NOTE = '（イベント通知: 発生ごとに1回通知し、復旧通知は送りません）';

/** CloudWatch's limit on Period × EvaluationPeriods. */
export function evaluationWindowLimit(period: number): number {
  return period < 3600 ? 86_400 : 604_800;
}

/**
 * An event alarm on a count: ALARM when anything was counted in a 5-minute period (a function error, a record
 * that could not be masked), one notice per event.
 */
export function eventCountAlarm(
  ctx: StackContext,
  spec: Pick<AlarmSpec, 'name' | 'severity' | 'description'> & {
    readonly metric: { namespace: string; name: string; dimensions: { Name: string; Value: CfnString }[] };
  },
): CfnResource {
  return alarm(ctx, {
    name: spec.name,
    severity: spec.severity,
    description: spec.description,
    threshold: 0,
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 1,
    treatMissingData: 'notBreaching',
    event: true,
    metric: { ...spec.metric, statistic: 'Sum', period: 300 },
  });
}

/** An alarm routed to its severity's alarm topic, tagged with the severity; ALARM and OK both notify (events: ALARM). */
export function alarm(ctx: StackContext, spec: AlarmSpec): CfnResource {
  const period = spec.metric?.period ?? spec.metrics?.find((m) => m.MetricStat)?.MetricStat?.Period;
  if (typeof period === 'number' && period * spec.evaluationPeriods > evaluationWindowLimit(period)) {
    throw new Error(
      `${ctx.cfg.source}: alarm ${spec.name}: Period ${period} s × EvaluationPeriods ${spec.evaluationPeriods} exceeds CloudWatch's ${evaluationWindowLimit(period)} s limit`,
    );
  }
  const topic = ctx.alarmTopic(spec.severity);
  const m = spec.metric;
  return res<AlarmProperties & { Tags?: CfnValue }>('AWS::CloudWatch::Alarm', {
    AlarmName: spec.name,
    AlarmDescription: `[${spec.severity} ${SEVERITY_LABEL[spec.severity]}] ${spec.description}${spec.event ? EVENT_ALARM_NOTE : ''}`,
    ActionsEnabled: true,
    AlarmActions: spec.silent ? [] : [topic],
    ...(spec.event || spec.silent ? {} : { OKActions: [topic] }),
    ComparisonOperator: spec.comparison,
    Threshold: spec.threshold,
    EvaluationPeriods: spec.evaluationPeriods,
    DatapointsToAlarm: spec.datapointsToAlarm ?? spec.evaluationPeriods,
    TreatMissingData: spec.treatMissingData,
    ...(m
      ? {
          Namespace: m.namespace,
          MetricName: m.name,
          Period: m.period,
          ...(m.extendedStatistic ? { ExtendedStatistic: m.extendedStatistic } : { Statistic: m.statistic }),
          ...(m.dimensions ? { Dimensions: m.dimensions } : {}),
          ...(m.unit ? { Unit: m.unit } : {}),
        }
      : { Metrics: spec.metrics }),
    Tags: ctx.tags({ Severity: spec.severity }),
  });
}

/**
 * Metric-math alarm input: 100 × numerator / denominator, and no datapoint while the denominator is below
 * `minimum`. No datapoint rather than 0: a period still filling up (SES datapoints arrive a minute or two late)
 * or a quiet one is skipped, so an alarm in ALARM does not flap to OK at every period start, and with
 * `notBreaching` a range without any datapoint is OK.
 */
export function guardedRate(opts: {
  namespace: string;
  numerator: string;
  denominator: string;
  period: number;
  minimum: number;
  label: string;
}): MetricDataQuery[] {
  const stat = (id: string, metric: string) => ({
    Id: id,
    ReturnData: false,
    MetricStat: {
      Metric: { Namespace: opts.namespace, MetricName: metric },
      Period: opts.period,
      Stat: 'Sum',
    },
  });
  return [
    stat('num', opts.numerator),
    stat('den', opts.denominator),
    {
      Id: 'rate',
      Label: opts.label,
      ReturnData: true,
      Expression: `IF(FILL(den, 0) >= ${opts.minimum}, 100 * FILL(num, 0) / den)`,
    },
  ];
}

export { checkovSkip, getAtt, ref, sub };
