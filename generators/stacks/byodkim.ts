/**
 * byodkim (seed 2.1.4, 2.1.5, 2.2.6, 3.1.6, 3.2.5, 3.2.6, 6): the BYODKIM rotation of handlers/byodkim/.
 * A symmetric KMS key under which KMS generates the RSA 2048 key pairs (GenerateDataKeyPairWithoutPlaintext;
 * an asymmetric KMS key cannot be used: its private half never leaves KMS), the per-domain state table holding
 * only ciphertexts and public keys, the five seed-named functions, their schedules in Asia/Tokyo, the seed's
 * alarms on account-wide metrics of the BYODKIM namespace and saved queries. No key material in the template.
 *
 * The seed's alarm table is in byodkim-alarms.ts. Over 400 lines still: the five functions' IAM statements (each
 * scoped by tag, pattern or size-split managed policy so it does not grow with the domains, issue #14) must be
 * read together with the functions they serve, one statement per line of intent.
 */

import type { ManagedPolicyProperties } from 'cloudform-types/types/iam/managedPolicy';
import { configObjectPrefix } from '../../contracts/artifacts.js';
import { byodkimDomainsObject, writeByodkimEnv } from '../../contracts/functions/byodkim.js';
import { TEMPLATE_LIMITS } from '../../contracts/limits.js';
import { SCHEDULES } from '../../contracts/names.js';
import type { CfnResource, CfnValue, PolicyStatement } from '../lib/cfn.js';
import { environmentIdentities } from '../lib/identity-scope.js';
import { lambdaFunction, lambdaIds, schedule } from '../lib/lambda.js';
import { logicalId, logicalIds } from '../lib/logical-id.js';
import { policyParts } from '../lib/policy-parts.js';
import { alarm, checkovSkip, kmsKey, policyDoc, res, sub } from '../lib/resources.js';
import type { StackContext, StackDefinition } from '../lib/template.js';
import { byodkimAlarms } from './byodkim-alarms.js';

/** The five functions: logical id prefix, name suffix (seed), handler folder. */
const FN = {
  orchestrator: { id: 'Orchestrator', fn: 'dkim-rotation-orchestrator' },
  keyGenerator: { id: 'KeyGenerator', fn: 'dkim-key-generator' },
  sesUpdater: { id: 'SesConfigUpdater', fn: 'ses-config-updater' },
  notifier: { id: 'NotificationManager', fn: 'notification-manager' },
  monitor: { id: 'ValidationMonitor', fn: 'validation-monitor' },
} as const;

const ID = {
  ...logicalIds('ByodkimKey', 'StateTable', 'OrchestratorInvokeConfig', 'ValidationMonitorInvokeConfig'),
  orchestrator: lambdaIds(FN.orchestrator.id),
  notifier: lambdaIds(FN.notifier.id),
  monitor: lambdaIds(FN.monitor.id),
};

/** Route 53 record names the rotation may change: `<selector>._domainkey.<domain>` (normalized, lower case). */
export const DKIM_RECORD_PATTERN = '*._domainkey.*';

function build(ctx: StackContext) {
  const { cfg, n } = ctx;
  const resources: Record<string, CfnResource> = {};
  const arn = (service: string, resource: string) =>
    sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
  const roleArn = (fn: string) =>
    sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${n.role(`${fn}-fn`)}`);
  const rotationRoles = [FN.orchestrator, FN.keyGenerator, FN.sesUpdater, FN.monitor].map((f) =>
    roleArn(f.fn),
  );

  Object.assign(
    resources,
    kmsKey(
      ctx,
      ID.ByodkimKey,
      'byodkim',
      'wraps the BYODKIM private keys (GenerateDataKeyPairWithoutPlaintext)',
      [
        {
          // Administration stays with IAM (statement above: no lockout); key use only by the rotation roles.
          Sid: 'OnlyRotationFunctionsUseTheKey',
          Effect: 'Deny',
          Principal: '*',
          Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalArn': rotationRoles } },
        },
      ],
    ),
  );
  const keyArn = ID.ByodkimKey.arn;

  resources[ID.StateTable.id] = res(
    'AWS::DynamoDB::Table',
    {
      TableName: n.stateTable,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      DeletionProtectionEnabled: cfg.retain,
      Tags: ctx.tags(),
    },
    {
      ...ctx.retention,
      Metadata: checkovSkip([
        'CKV_AWS_119',
        'Items hold only KMS ciphertexts (under ByodkimKey) and public keys; the AWS managed table key adds nothing',
      ]),
    },
  );
  const tableArn = ID.StateTable.arn;

  const delivery = ctx.deliveryTopics();
  // This environment's identities by their CloudFormation stack tag: a fixed size at any domain count.
  const identities = environmentIdentities(cfg);
  // Each configured hosted zone once (domains often share one), in a stable order.
  const zones = [...new Set(cfg.ses.domains.flatMap((d) => (d.hostedZoneId ? [d.hostedZoneId] : [])))].sort();
  // The domain list grows with the domains: a configuration object in the artifacts bucket, not the environment
  // (4 KB per function). The environment names its key; the key changes with the list.
  const domainsObject = ctx.configObject(
    byodkimDomainsObject(
      cfg.sceptreEnv,
      cfg.ses.domains.map((d) => ({
        domain: d.name,
        rotationIntervalDays: d.rotationIntervalDays,
        ...(d.hostedZoneId ? { hostedZoneId: d.hostedZoneId } : {}),
        ...(cfg.byodkim.rotationSpreadDays ? { rotationSpreadDays: cfg.byodkim.rotationSpreadDays } : {}),
        ...(d.dnsTeam?.length ? { dnsTeam: d.dnsTeam } : {}),
      })),
    ),
  );
  const settings = {
    ...(cfg.byodkim.dnsRequestSender ? { dnsSender: cfg.byodkim.dnsRequestSender } : {}),
    stateTable: ID.StateTable.ref,
    kmsKeyId: keyArn,
    metricsNamespace: n.namespace.byodkim,
    topics: delivery,
    deadlines: cfg.byodkim,
  };
  const environment = writeByodkimEnv({ ...settings, domainsObject });
  // The notification manager handles no domain: no domain list, no access to it.
  const noticeEnvironment = writeByodkimEnv(settings);

  // The DNS team's mail (ses.domains[].dnsTeam): from the configured sender only, through its identity and
  // the configuration set SES applies to it by default, to addresses at the teams' mail domains only. The
  // recipient patterns grow with the distinct mail domains (1,000 domains with a team at their own domain: about
  // 49,000 characters), too many for the roles' inline policies (10,240 together): they are in customer managed
  // policies of at most 6,144 characters (DnsTeamMailPolicy, DnsTeamMailPolicy2, ...) attached to the orchestrator
  // and the updater. A domain's patterns stay within one part, so a mail to one domain's team (one SendEmail per
  // domain) matches one statement (ForAllValues). No team, no statement (a sender alone grants nothing).
  const dnsSender = cfg.byodkim.dnsRequestSender;
  const mailParts = dnsSender ? dnsTeamMailParts(cfg.ses.domains, (to) => dnsTeamMailDocument(to)) : [];
  function dnsTeamMailDocument(to: readonly string[]) {
    const sender = dnsSender!;
    return policyDoc({
      Sid: 'MailDnsTeamFromConfiguredSender',
      Effect: 'Allow',
      Action: 'ses:SendEmail',
      Resource: [
        arn(
          'ses',
          `identity/${cfg.ses.domains.find((d) => sender.toLowerCase().endsWith(`@${d.name}`))!.name}`,
        ),
        arn('ses', `configuration-set/${n.configurationSet}`),
      ],
      Condition: {
        StringEquals: { 'ses:FromAddress': sender },
        'ForAllValues:StringLike': { 'ses:Recipients': [...to] },
      },
    });
  }
  const mailPolicyIds = mailParts.map((_, i) => dnsTeamMailPolicyId(i));
  mailParts.forEach((to, i) => {
    resources[mailPolicyIds[i]!.id] = res<ManagedPolicyProperties>('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: n.policy(i === 0 ? 'byodkim-dns-team-mail' : `byodkim-dns-team-mail-${i + 1}`),
      Description: `BYODKIM DNS-team mail from ${dnsSender} to the teams' mail domains (part ${i + 1} of ${mailParts.length}: ${to.length} patterns)`,
      PolicyDocument: dnsTeamMailDocument(to),
    });
  });
  const mailPolicyArns = mailPolicyIds.map((id) => id.ref);
  const st = {
    state: (write: boolean): PolicyStatement => ({
      Sid: write ? 'RotationState' : 'ReadRotationState',
      Effect: 'Allow',
      Action: write ? ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'] : ['dynamodb:GetItem'],
      Resource: tableArn,
    }),
    kms: (actions: string[]): PolicyStatement => ({
      Sid: 'ByodkimKey',
      Effect: 'Allow',
      Action: actions,
      Resource: keyArn,
      ...(actions.includes('kms:DescribeKey')
        ? {}
        : { Condition: { StringEquals: { 'kms:EncryptionContext:purpose': 'ses-byodkim' } } }),
    }),
    ses: (write: boolean): PolicyStatement => ({
      Sid: write ? 'SwitchDkimSigningKey' : 'ReadIdentities',
      Effect: 'Allow',
      Action: write
        ? ['ses:GetEmailIdentity', 'ses:PutEmailIdentityDkimSigningAttributes']
        : ['ses:GetEmailIdentity'],
      ...identities,
    }),
    publish: [
      {
        Sid: 'PublishNotices',
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: Object.values(delivery),
      },
      {
        Sid: 'EncryptForTopics',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: ctx.fromStack('base', 'NotificationsKeyArn'),
      },
    ] satisfies PolicyStatement[],
    route53: zones.length
      ? [
          {
            Sid: 'DkimTxtRecordsOnly',
            Effect: 'Allow',
            Action: 'route53:ChangeResourceRecordSets',
            // The configured zones only; in them, TXT records under a `_domainkey` label only (DKIM selectors):
            // one pattern instead of one per domain, so the size grows with the zones, not the domains.
            Resource: zones.map((z) => sub(`arn:\${AWS::Partition}:route53:::hostedzone/${z}`)),
            Condition: {
              'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'] },
              'ForAllValues:StringLike': {
                'route53:ChangeResourceRecordSetsNormalizedRecordNames': [DKIM_RECORD_PATTERN],
              },
            },
          } satisfies PolicyStatement,
        ]
      : [],
    // The domain list object (its versions: the role is updated before the function, contracts/artifacts.ts), and
    // the artifacts key only through S3.
    domainsObject: [
      {
        Sid: 'ReadDomainList',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: {
          'Fn::Sub': [
            `arn:\${AWS::Partition}:s3:::\${Bucket}/${configObjectPrefix(domainsObject.key)}*`,
            { Bucket: domainsObject.bucket },
          ],
        },
      },
      {
        Sid: 'DecryptDomainList',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: ctx.fromStack('base', 'ArtifactsKeyArn'),
        Condition: { StringEquals: { 'kms:ViaService': sub('s3.${AWS::Region}.amazonaws.com') } },
      },
    ],
    invokeNotifier: {
      Sid: 'FailureDestination',
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: arn('lambda', `function:${n.lambda(FN.notifier.fn)}`),
    } satisfies PolicyStatement,
  };

  Object.assign(
    resources,
    lambdaFunction(ctx, {
      ...FN.orchestrator,
      handler: `byodkim/${FN.orchestrator.fn}`,
      description: 'Drives each domain through the BYODKIM rotation (hourly tick) and operator actions',
      managedPolicyArns: mailPolicyArns,
      statements: [
        st.state(true),
        st.kms(['kms:GenerateDataKeyPairWithoutPlaintext', 'kms:Decrypt']),
        st.ses(true),
        ...st.publish,
        ...st.route53,
        st.invokeNotifier,
        ...st.domainsObject,
      ],
      environment,
      timeoutSeconds: 300,
      memoryMb: 512,
      errorSeverity: 'P3',
    }),
    lambdaFunction(ctx, {
      ...FN.keyGenerator,
      handler: `byodkim/${FN.keyGenerator.fn}`,
      description: 'Starts a rotation or onboarding for one domain and generates its key pair in KMS',
      statements: [
        st.state(true),
        st.kms(['kms:GenerateDataKeyPairWithoutPlaintext']),
        st.ses(false),
        ...st.publish,
        ...st.domainsObject,
      ],
      environment,
      timeoutSeconds: 60,
      memoryMb: 256,
    }),
    lambdaFunction(ctx, {
      ...FN.sesUpdater,
      handler: `byodkim/${FN.sesUpdater.fn}`,
      description: 'Switches SES to the new key once DNS publishes it, or rolls back',
      managedPolicyArns: mailPolicyArns,
      statements: [
        st.state(true),
        st.kms(['kms:Decrypt']),
        st.ses(true),
        ...st.publish,
        ...st.route53,
        ...st.domainsObject,
      ],
      environment,
      timeoutSeconds: 60,
      memoryMb: 256,
    }),
    lambdaFunction(ctx, {
      ...FN.notifier,
      handler: `byodkim/${FN.notifier.fn}`,
      description: 'Japanese notices for failed BYODKIM functions (Lambda OnFailure destination)',
      statements: [...st.publish],
      environment: noticeEnvironment,
      timeoutSeconds: 30,
      memoryMb: 256,
      // If this one fails too, the raw failure record still reaches the P1 delivery topic.
      onFailure: delivery.P1,
    }),
    lambdaFunction(ctx, {
      ...FN.monitor,
      handler: `byodkim/${FN.monitor.fn}`,
      description: 'BYODKIM status check: verification status, selector, DNS consistency, KMS key state',
      statements: [
        st.state(false),
        st.kms(['kms:DescribeKey']),
        st.ses(false),
        st.invokeNotifier,
        ...st.domainsObject,
      ],
      environment,
      timeoutSeconds: 120,
      memoryMb: 256,
    }),
    schedule(ctx, {
      id: 'RotationTick',
      name: SCHEDULES.rotationTick,
      expression: 'cron(0 * * * ? *)',
      functionId: ID.orchestrator.fn,
      input: { action: 'tick' },
      description:
        'Hourly: advances every domain (due rotations, 30-day notice, DNS checks, switch, verification, cleanup)',
    }),
    schedule(ctx, {
      id: 'ValidationCheck',
      name: SCHEDULES.validationCheck,
      // Minutes 7, 22, 37, 52: never together with the hourly tick (minute 0, at most 290 s), which needs SES's
      // one request a second (issue #14 item 5).
      expression: 'cron(7/15 * * * ? *)',
      functionId: ID.monitor.fn,
      input: { action: 'check' },
      description: 'Every 15 minutes: BYODKIM verification status, DNS consistency and KMS key state metrics',
    }),
  );

  // Scheduled (asynchronous) invocations that fail go to the notification manager (Japanese P2 notice).
  resources[ID.OrchestratorInvokeConfig.id] = res('AWS::Lambda::EventInvokeConfig', {
    FunctionName: ID.orchestrator.fn.ref,
    Qualifier: '$LATEST',
    // Every step is resumable and the next hourly tick retries: no immediate retries.
    MaximumRetryAttempts: 0,
    DestinationConfig: { OnFailure: { Destination: ID.notifier.fn.arn } },
  });
  resources[ID.ValidationMonitorInvokeConfig.id] = res('AWS::Lambda::EventInvokeConfig', {
    FunctionName: ID.monitor.fn.ref,
    Qualifier: '$LATEST',
    MaximumRetryAttempts: 0,
    DestinationConfig: { OnFailure: { Destination: ID.notifier.fn.arn } },
  });

  for (const a of byodkimAlarms(cfg.byodkim)) {
    resources[`${a.id}Alarm`] = alarm(ctx, {
      name: n.alarm(a.suffix),
      severity: a.severity,
      description: a.description,
      threshold: a.threshold,
      comparison: a.comparison,
      evaluationPeriods: a.evaluationPeriods,
      treatMissingData: a.missing,
      event: a.event,
      silent: a.silent,
      metric: { namespace: n.namespace.byodkim, name: a.metric, statistic: a.statistic, period: a.period },
    });
  }

  const group = (f: { fn: string }) => n.logGroup.lambda(f.fn);
  const queries: { id: string; name: string; groups: string[]; query: string[] }[] = [
    {
      id: 'VerificationStatus',
      name: 'byodkim/verification-status',
      groups: [group(FN.monitor)],
      query: [
        'fields @timestamp, domain, verification_status, selector, dns_consistent, stage',
        '| filter message = "BYODKIM status"',
        '| stats count() as checks by domain, verification_status, bin(1h)',
      ],
    },
    {
      id: 'NotSuccess',
      name: 'byodkim/not-success',
      groups: [group(FN.monitor)],
      query: [
        'fields @timestamp, domain, verification_status, selector, dns_consistent',
        '| filter message = "BYODKIM status" and verification_status != "SUCCESS"',
        '| sort @timestamp desc',
        '| limit 50',
      ],
    },
    {
      id: 'RotationSteps',
      name: 'byodkim/rotation-steps',
      groups: [group(FN.orchestrator), group(FN.keyGenerator), group(FN.sesUpdater)],
      query: [
        'fields @timestamp, domain, from, to',
        '| filter message = "rotation step done"',
        '| stats count() as steps by domain, to, bin(1h)',
      ],
    },
    {
      id: 'Errors',
      name: 'byodkim/errors',
      groups: Object.values(FN).map(group),
      query: [
        'fields @timestamp, @log, domain, stage, errorName, errorMessage, message',
        '| filter level = "ERROR" or level = "WARN"',
        '| sort @timestamp desc',
        '| limit 100',
      ],
    },
  ];
  for (const q of queries) {
    resources[`${q.id}Query`] = res('AWS::Logs::QueryDefinition', {
      Name: n.query(q.name),
      QueryString: q.query.join('\n'),
      LogGroupNames: q.groups,
      QueryLanguage: 'CWLI',
    });
  }

  return {
    description: 'BYODKIM rotation: KMS key, state table, five functions, schedules, alarms, saved queries',
    resources,
    outputs: {
      ByodkimKeyArn: { value: keyArn, description: 'Symmetric KMS key wrapping the BYODKIM private keys' },
      StateTableName: {
        value: ID.StateTable.ref,
        description: 'Per-domain rotation state (encrypted keys only)',
      },
      OrchestratorFunctionName: {
        value: ID.orchestrator.fn.ref,
        description: 'Operator commands: aws lambda invoke with {"action":"status"} etc. (docs/byodkim.md)',
      },
    },
  };
}

export const byodkimStack: StackDefinition = {
  id: 'byodkim',
  purpose: 'BYODKIM key rotation: KMS key, state table, five functions, schedules in Asia/Tokyo, alarms',
  // The identities must exist before the first tick gives them a key.
  after: ['ses'],
  handlers: Object.values(FN).map((f) => `byodkim/${f.fn}`),
  build,
};

/** The DNS-team mail policy's parts: the first is DnsTeamMailPolicy, then DnsTeamMailPolicy2, ... */
export const dnsTeamMailPolicyId = (part: number) =>
  logicalId(part === 0 ? 'DnsTeamMailPolicy' : `DnsTeamMailPolicy${part + 1}`);

/**
 * The DNS-team recipient patterns split into parts whose policy fits the managed-policy limit: domains in file
 * order, each domain's patterns (`*@<mail domain>` of its team) all in one part, a pattern once per part. Pure.
 */
export function dnsTeamMailParts(
  domains: readonly { dnsTeam?: readonly string[] }[],
  document: (to: readonly string[]) => CfnValue,
  max: number = TEMPLATE_LIMITS.managedPolicy.max,
): string[][] {
  return policyParts(
    domains.map((d) => dnsTeamRecipientPatterns([d])).filter((mine) => mine.length > 0),
    document,
    (part, mine) => [...new Set([...part, ...mine])].sort(),
    max,
  );
}

/** `*@<mail domain>` of every DNS team address (distinct, sorted): the recipients the functions may mail. */
export function dnsTeamRecipientPatterns(domains: readonly { dnsTeam?: readonly string[] }[]): string[] {
  const at = new Set(
    domains.flatMap((d) => (d.dnsTeam ?? []).map((a) => `*@${a.slice(a.lastIndexOf('@') + 1)}`)),
  );
  return [...at].sort();
}
