/**
 * The monitoring stack's functions: custom metrics (seed 2.1.3), the Japanese notifier with escalation (seed
 * 3.3.2, 5.4.2) and the weekly drift detection (seed 5.5.2), each with its schedule and environment contract.
 */

import { writeDriftEnv } from '../../../contracts/functions/drift-detection.js';
import {
  METRICS_SCHEDULE_OFFSET_MINUTES,
  METRICS_TIMEOUT_SECONDS,
  writeMetricsEnv,
} from '../../../contracts/functions/metrics.js';
import { writeNotifierEnv } from '../../../contracts/functions/notifier.js';
import { stackNames } from '../../../contracts/names.js';
import { ROUTING, SEVERITIES, type Severity } from '../../../contracts/severity.js';
import type { CfnResource, Ref } from '../../lib/cfn.js';
import { driftReadStatements } from '../../lib/drift-read.js';
import { lambdaFunction, lambdaIds, schedule } from '../../lib/lambda.js';
import { res } from '../../lib/resources.js';
import { type StackContext, sub } from '../../lib/template.js';
import { EPISODE_TABLE, notifierEpisodeStatement } from '../oncall.js';

const FN = {
  Metrics: lambdaIds('Metrics'),
  Notifier: lambdaIds('Notifier'),
  DriftDetection: lambdaIds('DriftDetection'),
};

/** The custom-metrics function (seed 2.1.3) and the Japanese notifier with escalation (seed 3.3.2, 5.4.2). */
export function monitoringFunctions(ctx: StackContext): Record<string, CfnResource> {
  const { cfg, n } = ctx;
  const sevs = SEVERITIES;
  const delivery = ctx.deliveryTopics();
  const escalation = ctx.escalationTopics();
  const notificationsKey = ctx.fromStack('base', 'NotificationsKeyArn');
  const domains = cfg.ses.domains.map((d) => d.name);
  // The SES events log group belongs to the ses stack, launched after this one: its name is fixed, so the
  // policy names it by ARN (a permission on a group that does not exist yet is harmless).
  const sesEventsArn = (suffix: string) =>
    sub(
      `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${n.logGroup.sesEvents}${suffix}`,
    );
  const out: Record<string, CfnResource> = {
    ...lambdaFunction(ctx, {
      id: FN.Metrics.prefix,
      fn: 'custom-metrics',
      handler: 'metrics',
      description:
        'Every 5 minutes: SendSuccessRate, BounceRate, ComplaintRate, heartbeat, and the worst domain rates (EMF)',
      statements: [
        // GetMetricData supports no resource-level permission.
        { Sid: 'ReadSesMetrics', Effect: 'Allow', Action: 'cloudwatch:GetMetricData', Resource: '*' },
        {
          Sid: 'QuerySesEventsByDomain',
          Effect: 'Allow',
          Action: 'logs:StartQuery',
          // Both ARN forms: IAM evaluates StartQuery against the log group ARN with and without the trailing :*.
          Resource: [sesEventsArn(''), sesEventsArn(':*')],
        },
        {
          // GetQueryResults and StopQuery take a query id and support no resource-level permission.
          Sid: 'ReadAndStopOwnQueries',
          Effect: 'Allow',
          Action: ['logs:GetQueryResults', 'logs:StopQuery'],
          Resource: '*',
        },
      ],
      environment: writeMetricsEnv({
        namespace: n.namespace.monitoring,
        sesEventsLogGroup: n.logGroup.sesEvents,
        minimumSendVolume: cfg.alarms.minimumSendVolume,
      }),
      timeoutSeconds: METRICS_TIMEOUT_SECONDS,
      memoryMb: 256,
      errorSeverity: 'P2',
    }),
    ...schedule(ctx, {
      id: FN.Metrics.prefix,
      name: 'custom-metrics',
      // Two minutes past each 5-minute boundary: the per-domain window (the 5 minutes that just ended) has had
      // time to reach the events log group. The account-wide window (10 minutes behind) is the same either way.
      expression: `cron(${METRICS_SCHEDULE_OFFSET_MINUTES}/5 * * * ? *)`,
      functionId: FN.Metrics.fn,
      input: { scheduledTime: '<aws.scheduler.scheduled-time>' },
      description:
        'Every 5 minutes (seed Period 300): SES rates and the worst domain rates into the Monitoring namespace',
    }),
    ...lambdaFunction(ctx, {
      id: FN.Notifier.prefix,
      fn: 'notifier',
      handler: 'notifier',
      description:
        'Japanese alarm notifications (JST) to each severity and its responder level; re-notifies and escalates',
      statements: [
        {
          Sid: 'PublishToDeliveryAndEscalationTopics',
          Effect: 'Allow',
          Action: 'sns:Publish',
          Resource: [...Object.values(delivery), ...Object.values(escalation)],
        },
        {
          Sid: 'EncryptForTopics',
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: notificationsKey,
        },
        // DescribeAlarms returns composite alarms only when allowed on every alarm.
        { Sid: 'ReadAlarmStates', Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: '*' },
        {
          // The metrics function's "worst domains" records name the domains of a worst-domain alarm.
          Sid: 'ReadWorstDomainRecords',
          Effect: 'Allow',
          Action: 'logs:FilterLogEvents',
          // Both ARN forms, as for StartQuery: the log group ARN with and without the trailing :*.
          Resource: [
            sub(
              `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:${n.logGroup.lambda('custom-metrics')}`,
            ),
            FN.Metrics.logs.arn,
          ],
        },
        notifierEpisodeStatement(),
      ],
      environment: writeNotifierEnv({
        alarmTopics: { P1: ctx.alarmTopic('P1'), P2: ctx.alarmTopic('P2'), P3: ctx.alarmTopic('P3') },
        deliveryTopics: delivery,
        escalationTopics: escalation,
        alarmNamePrefix: n.alarmPrefix,
        sceptreEnvironment: cfg.sceptreEnv,
        episodeTable: EPISODE_TABLE.ref,
        p1RenotifyMinutes: cfg.notifications.escalation.p1RenotifyMinutes,
        p2AutoEscalateMinutes: cfg.notifications.escalation.p2AutoEscalateMinutes,
        domains,
        sesEventsLogGroup: n.logGroup.sesEvents,
        metricsLogGroup: n.logGroup.lambda('custom-metrics'),
      }),
      timeoutSeconds: 30,
      memoryMb: 256,
      // If the notifier fails, the raw alarm still reaches the P1 delivery topic: a page is never lost.
      onFailure: delivery.P1,
      errorSeverity: 'P1',
    }),
    ...schedule(ctx, {
      id: 'Escalation',
      name: 'escalation-check',
      expression: 'cron(0/5 * * * ? *)',
      functionId: FN.Notifier.fn,
      input: { action: 'escalate', scheduledTime: '<aws.scheduler.scheduled-time>' },
      description:
        'Every 5 minutes: re-notifies unacknowledged P1 alarms, sends requested P2 escalations to level 2',
    }),
  };
  Object.assign(out, driftDetection(ctx, delivery, notificationsKey));
  for (const s of sevs) {
    out[`NotifierSubscription${s}`] = res('AWS::SNS::Subscription', {
      TopicArn: ctx.alarmTopic(s),
      Protocol: 'lambda',
      Endpoint: FN.Notifier.fn.arn,
    });
    out[`NotifierInvokeFrom${s}`] = res('AWS::Lambda::Permission', {
      FunctionName: FN.Notifier.fn.ref,
      Action: 'lambda:InvokeFunction',
      Principal: 'sns.amazonaws.com',
      SourceArn: ctx.alarmTopic(s),
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  }
  return out;
}

/** Weekly CloudFormation drift detection inside AWS (seed 5.5.2): report to S3, summary to P3 (P2 on drift). */
function driftDetection(ctx: StackContext, delivery: Record<Severity, Ref>, notificationsKey: Ref) {
  const { cfg } = ctx;
  const bucket = ctx.fromStack('base', 'ArtifactsBucketName');
  return {
    ...lambdaFunction(ctx, {
      id: FN.DriftDetection.prefix,
      fn: 'drift-detection',
      handler: 'drift-detection',
      description: 'Weekly CloudFormation drift detection of every stack; report to S3, summary to P3 or P2',
      statements: [
        // Drift detection reads resources through the caller's permissions (generators/lib/drift-read.ts). The
        // role decrypts under the logs key already (its own environment), which covers Lambda's GetFunction.
        ...driftReadStatements(cfg),
        {
          Sid: 'StoreReports',
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: sub(`arn:\${AWS::Partition}:s3:::\${${bucket.Ref}}/drift-reports/*`),
        },
        {
          Sid: 'EncryptReports',
          Effect: 'Allow',
          Action: 'kms:GenerateDataKey',
          Resource: ctx.fromStack('base', 'ArtifactsKeyArn'),
        },
        { Sid: 'Summaries', Effect: 'Allow', Action: 'sns:Publish', Resource: [delivery.P2, delivery.P3] },
        {
          Sid: 'EncryptForTopics',
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: notificationsKey,
        },
      ],
      environment: writeDriftEnv({
        stackNames: stackNames(cfg),
        reportBucket: bucket,
        topicP2Arn: delivery[ROUTING.driftFound],
        topicP3Arn: delivery[ROUTING.driftInSync],
        timeoutSeconds: 600,
      }),
      timeoutSeconds: 900,
      memoryMb: 256,
    }),
    ...schedule(ctx, {
      id: FN.DriftDetection.prefix,
      name: 'drift-detection',
      expression: 'cron(0 9 ? * MON *)',
      functionId: FN.DriftDetection.fn,
      input: { action: 'detect' },
      description: 'Mondays 09:00 JST: CloudFormation drift report of every stack (seed 5.5.2)',
    }),
  };
}
