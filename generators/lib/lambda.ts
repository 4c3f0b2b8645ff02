/**
 * A Lambda function as this product deploys it: bundled code by content hash, its own KMS-encrypted log group,
 * its own least-privilege role, JSON logs, environment encrypted with the logs key, error and throttle alarms
 * (seed 1.2), and for asynchronous invocation a failure destination.
 */

import type { RoleProperties } from 'cloudform-types/types/iam/role';
import type { FunctionProperties } from 'cloudform-types/types/lambda/function';
import { type TemplateValue, writeCommonEnv } from '../../contracts/functions/env.js';
import type { Severity } from '../../contracts/severity.js';
import {
  type CfnObject,
  type CfnResource,
  type CfnString,
  isIntrinsic,
  type PolicyStatement,
} from './cfn.js';
import { type LogicalId, logicalId } from './logical-id.js';
import { checkovSkip, eventCountAlarm, logGroup, policyDoc, res, serviceTrust } from './resources.js';
import type { StackContext } from './template.js';

export const LAMBDA_RUNTIME = 'nodejs24.x';

export interface LambdaSpec {
  /** Logical id prefix, e.g. Metrics -> MetricsFunction, MetricsRole, MetricsLogGroup. */
  readonly id: string;
  /** Function name suffix: <project>-<environment>-<fn>. */
  readonly fn: string;
  /** Folder under handlers/. */
  readonly handler: string;
  readonly description: string;
  readonly statements: PolicyStatement[];
  /** Customer managed policies attached to the role besides its inline policy (e.g. lists that grow). */
  readonly managedPolicyArns?: readonly CfnString[];
  readonly environment?: Record<string, TemplateValue>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Where a failed asynchronous invocation goes (ARN of an SNS topic). */
  readonly onFailure?: CfnString;
  /** Severity of the function's error alarm. @default P3 */
  readonly errorSeverity?: Severity;
  /** Mask PII in the function's own log group. @default false */
  readonly maskLogs?: boolean;
}

const UNIVERSAL_SKIPS: [string, string][] = [
  ['CKV_AWS_117', 'Calls only AWS APIs over TLS; a VPC would add NAT cost and no isolation benefit here'],
  ['CKV_AWS_272', 'Bundles are built and content-addressed by this repository; Signer profiles are not used'],
];

/** An alarm on any Errors or Throttles of one function in 5 minutes (seed 1.2). */
function lambdaAlarm(
  ctx: StackContext,
  functionName: string,
  metric: 'Errors' | 'Throttles',
  opts: { suffix: string; fn: string; severity: Severity; description: string },
): CfnResource {
  return eventCountAlarm(ctx, {
    name: ctx.n.alarm(`${opts.fn}-${opts.suffix}`),
    severity: opts.severity,
    description: opts.description,
    metric: {
      namespace: 'AWS/Lambda',
      name: metric,
      dimensions: [{ Name: 'FunctionName', Value: functionName }],
    },
  });
}

/** The logical ids of a function's resources, from its prefix (Metrics -> MetricsFunction, MetricsRole, ...). */
export function lambdaIds<const P extends string>(prefix: P) {
  return {
    prefix,
    fn: logicalId(`${prefix}Function`),
    role: logicalId(`${prefix}Role`),
    logs: logicalId(`${prefix}LogGroup`),
  };
}

/** The resources of one function; returns them keyed by logical id. */
export function lambdaFunction(ctx: StackContext, spec: LambdaSpec): Record<string, CfnResource> {
  const { n, cfg } = ctx;
  const name = n.lambda(spec.fn);
  const groupName = n.logGroup.lambda(spec.fn);
  const { logs, role, fn } = lambdaIds(spec.id);
  const reserved = cfg.lambda.reservedConcurrency;
  const skips: [string, string][] = [...UNIVERSAL_SKIPS];
  if (reserved === undefined) {
    skips.push([
      'CKV_AWS_115',
      'Reserved concurrency is off unless lambda.reservedConcurrency is set: low-limit accounts reject it',
    ]);
  }
  skips.push([
    'CKV_AWS_116',
    spec.onFailure
      ? 'Failed async invocations go to an OnFailure destination (EventInvokeConfig), which carries more than a DLQ'
      : "No DLQ: Firehose invokes synchronously (failed records land under errors/); a scheduled invocation is asynchronous and dropped after Lambda's retries, which the function's Errors alarm reports; the next tick runs again",
  ]);
  // Lambda publishes failed events with the role; skipped when a statement already allows that publish.
  const failureDestination: PolicyStatement[] =
    spec.onFailure && !allowsPublish(spec.statements, spec.onFailure)
      ? [{ Sid: 'FailureDestination', Effect: 'Allow', Action: 'sns:Publish', Resource: spec.onFailure }]
      : [];
  const out: Record<string, CfnResource> = {
    [logs.id]: logGroup(ctx, groupName, { mask: spec.maskLogs ?? false }),
    [role.id]: res<RoleProperties>('AWS::IAM::Role', {
      RoleName: n.role(`${spec.fn}-fn`),
      Description: `Execution role of ${name}`,
      AssumeRolePolicyDocument: serviceTrust('lambda.amazonaws.com'),
      ...(spec.managedPolicyArns?.length ? { ManagedPolicyArns: [...spec.managedPolicyArns] } : {}),
      Policies: [
        {
          PolicyName: 'least-privilege',
          PolicyDocument: policyDoc(
            {
              Sid: 'OwnLogGroup',
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: logs.arnSub(''),
            },
            {
              Sid: 'DecryptOwnEnvironment',
              Effect: 'Allow',
              Action: 'kms:Decrypt',
              Resource: ctx.fromStack('base', 'LogsKeyArn'),
            },
            ...failureDestination,
            ...spec.statements,
          ),
        },
      ],
      Tags: ctx.tags(),
    }),
    [fn.id]: res<FunctionProperties & { LoggingConfig?: CfnObject }>(
      'AWS::Lambda::Function',
      {
        FunctionName: name,
        Description: spec.description,
        Runtime: LAMBDA_RUNTIME,
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Code: ctx.code(spec.handler),
        Role: role.arn,
        Timeout: spec.timeoutSeconds,
        MemorySize: spec.memoryMb,
        KmsKeyArn: ctx.fromStack('base', 'LogsKeyArn'),
        LoggingConfig: { LogGroup: logs.ref, LogFormat: 'JSON' },
        Environment: {
          Variables: variables({
            ...writeCommonEnv({
              environment: cfg.environment,
              projectCode: cfg.projectCode,
              serviceName: name,
            }),
            ...spec.environment,
          }),
        },
        ...(reserved !== undefined ? { ReservedConcurrentExecutions: reserved } : {}),
        Tags: ctx.tags(),
      },
      { Metadata: checkovSkip(...skips) },
    ),
    [`${spec.id}ErrorsAlarm`]: lambdaAlarm(ctx, name, 'Errors', {
      suffix: 'errors',
      fn: spec.fn,
      severity: spec.errorSeverity ?? 'P3',
      description: `Lambda 関数 ${name} がエラーを返しました。ロググループ ${groupName} を確認してください。`,
    }),
    [`${spec.id}ThrottlesAlarm`]: lambdaAlarm(ctx, name, 'Throttles', {
      suffix: 'throttles',
      fn: spec.fn,
      severity: 'P3',
      description: `Lambda 関数 ${name} がスロットリングされました。同時実行数の上限を確認してください。`,
    }),
  };
  if (spec.onFailure) {
    out[`${spec.id}InvokeConfig`] = res('AWS::Lambda::EventInvokeConfig', {
      FunctionName: fn.ref,
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: spec.onFailure } },
    });
  }
  return out;
}

/** An EventBridge Scheduler schedule (Asia/Tokyo) invoking a function with a JSON input, with its role. */
export function schedule(
  ctx: StackContext,
  opts: {
    id: string;
    name: string;
    expression: string;
    functionId: LogicalId;
    input: unknown;
    description: string;
    deadLetterArn?: CfnString;
  },
): Record<string, CfnResource> {
  const role = logicalId(`${opts.id}ScheduleRole`);
  return {
    [role.id]: res<RoleProperties>('AWS::IAM::Role', {
      RoleName: ctx.n.role(`${opts.name}-schedule`),
      Description: `EventBridge Scheduler role of ${ctx.n.schedule(opts.name)}`,
      AssumeRolePolicyDocument: serviceTrust('scheduler.amazonaws.com'),
      Policies: [
        {
          PolicyName: 'invoke',
          PolicyDocument: policyDoc({
            Effect: 'Allow',
            Action: 'lambda:InvokeFunction',
            Resource: opts.functionId.arn,
          }),
        },
      ],
      Tags: ctx.tags(),
    }),
    [`${opts.id}Schedule`]: res('AWS::Scheduler::Schedule', {
      Name: ctx.n.schedule(opts.name),
      Description: opts.description,
      ScheduleExpression: opts.expression,
      ScheduleExpressionTimezone: 'Asia/Tokyo',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: opts.functionId.arn,
        RoleArn: role.arn,
        Input: JSON.stringify(opts.input),
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 },
      },
    }),
  };
}

/**
 * A function's environment as the template holds it. The environment contracts (`contracts/functions/`) type a
 * value as text or any object, since handlers bundle them; here each object must be an intrinsic function.
 */
function variables(values: Record<string, TemplateValue>): Record<string, CfnString> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => {
      if (typeof value === 'string' || isIntrinsic(value)) return [key, value];
      throw new Error(
        `environment variable ${key}: ${JSON.stringify(value)} is neither text nor an intrinsic function`,
      );
    }),
  );
}

/** Does one of `statements` already allow sns:Publish on `topic`? */
function allowsPublish(statements: readonly PolicyStatement[], topic: CfnString): boolean {
  const key = JSON.stringify(topic);
  return statements.some(
    (st) =>
      st.Effect === 'Allow' &&
      [st.Action].flat().includes('sns:Publish') &&
      [st.Resource].flat().some((r) => JSON.stringify(r) === key),
  );
}
