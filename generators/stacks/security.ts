/**
 * security (seed 3.4.2, 5.1.1, 5.2.2): what sending applications may do (only the configured identities and
 * the configuration set, only From addresses of those domains, only from the allowed ranges), the admin role
 * (may unmask logs and read raw archives) and the read-only monitoring role (may not), and a CloudTrail trail
 * recording every read of the archive so PII access is auditable.
 *
 * Over 400 lines: the policies and the trail's key and bucket policies must be read together (who may read
 * what, and that every such read is recorded); most lines are policy statements, one per line of intent.
 */
import type { TrailProperties } from 'cloudform-types/types/cloudTrail/trail';
import type { ManagedPolicyProperties } from 'cloudform-types/types/iam/managedPolicy';
import type { RoleProperties } from 'cloudform-types/types/iam/role';
import type { BucketPolicyProperties } from 'cloudform-types/types/s3/bucketPolicy';
import { TEMPLATE_LIMITS } from '../../contracts/limits.js';
import { SCHEDULES, stackName } from '../../contracts/names.js';
import type { CfnResource, CfnString, CfnValue, PolicyDocument, PolicyStatement } from '../lib/cfn.js';
import { driftReadStatements } from '../lib/drift-read.js';
import { logicalId, logicalIds } from '../lib/logical-id.js';
import { policyParts } from '../lib/policy-parts.js';
import {
  checkovSkip,
  denyInsecureTransport,
  kmsKey,
  policyDoc,
  res,
  secureBucket,
  sub,
} from '../lib/resources.js';
import type { StackContext, StackDefinition } from '../lib/template.js';
import { MASKED_PREFIX, RAW_PREFIXES } from './enhanced-kinesis.js';

/** The sending policy's parts: the first keeps the logical id it always had. */
const sendingPolicyId = (part: number) =>
  logicalId(part === 0 ? 'SendingPolicy' : `SendingPolicy${part + 1}`);

const ID = logicalIds(
  'AdminRole',
  'MonitoringRole',
  'AuditKey',
  'AuditTrailBucket',
  'AuditTrailBucketPolicy',
  'ArchiveAccessTrail',
  'GitHubOidcProvider',
);

const SEND_ACTIONS = [
  'ses:SendEmail',
  'ses:SendRawEmail',
  'ses:SendTemplatedEmail',
  'ses:SendBulkEmail',
  'ses:SendBulkTemplatedEmail',
];

/** Roles people assume: account principals, only with MFA. */
function humanTrust(): PolicyDocument {
  return policyDoc({
    Effect: 'Allow',
    Principal: { AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') },
    Action: 'sts:AssumeRole',
    Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
  });
}

function build(ctx: StackContext) {
  const { cfg, n } = ctx;
  const resources: Record<string, CfnResource> = {};
  const arn = (service: string, resource: string) =>
    sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
  const configSet = arn('ses', `configuration-set/${n.configurationSet}`);
  const archiveArn = ctx.fromStack('enhanced-kinesis', 'ArchiveBucketArn');
  const inArchive = (suffix: string) => sub(`\${${archiveArn.Ref}}${suffix}`);
  const archiveKey = ctx.fromStack('enhanced-kinesis', 'ArchiveKeyArn');
  const logsKey = ctx.fromStack('base', 'LogsKeyArn');
  const projectLogGroups = [
    arn('logs', `log-group:${n.logGroup.sesEvents}`),
    arn('logs', `log-group:${n.logGroup.sesEvents}:*`),
    arn('logs', `log-group:/aws/application/${cfg.projectCode}/${cfg.environment}*`),
    arn('logs', `log-group:/aws/lambda/${n.prefix}-*`),
    arn('logs', `log-group:/aws/monitoring/compliance/japanese/${cfg.projectCode}/${cfg.environment}*`),
    arn('logs', `log-group:/aws/kinesisfirehose/${n.prefix}-*`),
  ];

  const deny: PolicyStatement[] = [];
  if (cfg.security.allowedSendingCidrs.length) {
    deny.push({
      Sid: 'DenySendingFromOutsideAllowedRanges',
      Effect: 'Deny',
      Action: SEND_ACTIONS,
      Resource: '*',
      Condition: {
        NotIpAddress: { 'aws:SourceIp': cfg.security.allowedSendingCidrs },
        // Calls through a VPC endpoint carry no aws:SourceIp: only the listed endpoints are exempt.
        ...(cfg.security.allowedVpcEndpointIds.length
          ? { StringNotEqualsIfExists: { 'aws:SourceVpce': cfg.security.allowedVpcEndpointIds } }
          : {}),
      },
    });
  }
  // SES's sending actions take no aws:ResourceTag (Service Authorization Reference, SES v2: SendEmail,
  // SendRawEmail, ... list ses:FromAddress but no tag key), so the From domains are listed. SES authorizes a
  // send on the identity that covers the From address, hence Resource `identity/*` of this account and region
  // and the From condition alone say "as this environment's domains". One managed policy holds at most 6,144
  // characters: the domains are split over as many policies as they need (sendingPolicyParts), the first keeps
  // the logical id and name it always had; applications attach every part (outputs SendingPolicy<k>Arn).
  const parts = sendingPolicyParts(
    cfg.ses.domains.map((d) => d.name),
    (from) => sendingDocument(from, configSet, deny),
  );
  parts.forEach((from, i) => {
    const id = sendingPolicyId(i);
    resources[id.id] = res<ManagedPolicyProperties>('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: i === 0 ? n.policy('ses-sending') : n.policy(`ses-sending-${i + 1}`),
      Description:
        parts.length === 1
          ? `Send through ${n.configurationSet} as the configured domains only, from the allowed ranges`
          : `Send through ${n.configurationSet} as the configured domains only (part ${i + 1} of ${parts.length}: ${from.length} domains), from the allowed ranges`,
      PolicyDocument: sendingDocument(from, configSet, deny),
    });
  });

  const readLogs: PolicyStatement = {
    Sid: 'ReadProjectLogs',
    Effect: 'Allow',
    Action: [
      'logs:StartQuery',
      'logs:GetLogEvents',
      'logs:FilterLogEvents',
      'logs:DescribeLogStreams',
      'logs:GetLogGroupFields',
    ],
    Resource: projectLogGroups,
  };
  const readAnywhere: PolicyStatement = {
    Sid: 'ReadMonitoringState',
    Effect: 'Allow',
    Action: [
      'cloudwatch:DescribeAlarms',
      'cloudwatch:DescribeAlarmHistory',
      'cloudwatch:GetDashboard',
      'cloudwatch:GetMetricData',
      'cloudwatch:ListDashboards',
      'cloudwatch:ListMetrics',
      'logs:DescribeLogGroups',
      'logs:DescribeQueryDefinitions',
      'logs:GetQueryResults',
      'logs:StopQuery',
      'ses:GetAccount',
      'ses:GetEmailIdentity',
      'ses:ListEmailIdentities',
      'ses:GetConfigurationSet',
      // CloudTrail Event history: who unmasked PII (npm run status -- <env> --pii-access-days N).
      'cloudtrail:LookupEvents',
    ],
    // These read actions do not support resource-level permissions.
    Resource: '*',
  };
  // The PII access audit trail: readable by both human roles, changeable by neither (no write, delete or
  // retention action anywhere in their policies; the files are locked in production).
  // With security.existingTrail the account's own trail records the archive reads: no project trail.
  const projectTrail = cfg.security.auditArchiveReads && !cfg.security.existingTrail;
  const readAuditTrail: PolicyStatement[] = projectTrail
    ? [
        {
          Sid: 'ReadAuditTrail',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: [ID.AuditTrailBucket.arn, ID.AuditTrailBucket.arnSub('/*')],
        },
        {
          Sid: 'DecryptAuditTrail',
          Effect: 'Allow',
          Action: 'kms:Decrypt',
          Resource: ID.AuditKey.arn,
          Condition: { StringEquals: { 'kms:ViaService': sub('s3.${AWS::Region}.amazonaws.com') } },
        },
      ]
    : [];
  resources[ID.AdminRole.id] = res<RoleProperties>('AWS::IAM::Role', {
    RoleName: n.role('admin'),
    Description: 'SES administrators: full view (unmasked logs, raw archive), seed 3.4.2 Admin',
    AssumeRolePolicyDocument: humanTrust(),
    MaxSessionDuration: 3600,
    Policies: [
      {
        PolicyName: 'admin-read',
        PolicyDocument: policyDoc(
          readAnywhere,
          readLogs,
          { Sid: 'UnmaskProjectLogs', Effect: 'Allow', Action: 'logs:Unmask', Resource: projectLogGroups },
          { Sid: 'ListArchive', Effect: 'Allow', Action: 's3:ListBucket', Resource: archiveArn },
          {
            Sid: 'ReadWholeArchive',
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:GetObjectVersion'],
            Resource: inArchive('/*'),
          },
          {
            Sid: 'DecryptArchiveAndLogs',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: [archiveKey, logsKey],
          },
          ...readAuditTrail,
        ),
      },
    ],
    Tags: ctx.tags(),
  });
  // What `npm run status` reads beyond readAnywhere (scripts/status/*, checked by test/access: every SDK call the
  // command makes is allowed, nothing more). The episode table, the BYODKIM stack and its state table launch
  // after this stack, so they are named, not imported.
  const statusReads: PolicyStatement[] = [
    {
      Sid: 'StatusReadsAlarmEpisodes',
      Effect: 'Allow',
      Action: 'dynamodb:BatchGetItem',
      Resource: arn('dynamodb', `table/${n.alarmEpisodesTable}`),
    },
    {
      Sid: 'StatusReadsRotationState',
      Effect: 'Allow',
      Action: 'dynamodb:GetItem',
      Resource: arn('dynamodb', `table/${n.stateTable}`),
    },
    {
      Sid: 'StatusReadsByodkimStack',
      Effect: 'Allow',
      Action: 'cloudformation:DescribeStacks',
      Resource: arn('cloudformation', `stack/${stackName(cfg, 'byodkim')}/*`),
    },
    {
      Sid: 'StatusReadsAlarmSeverityTags',
      Effect: 'Allow',
      Action: 'cloudwatch:ListTagsForResource',
      Resource: arn('cloudwatch', `alarm:${n.alarmPrefix}*`),
    },
    {
      // The BYODKIM key is created after this stack (its id is not known here); DescribeKey is metadata only
      // and the key policy refuses every cryptographic use to all but the rotation roles.
      Sid: 'StatusReadsKeyState',
      Effect: 'Allow',
      Action: 'kms:DescribeKey',
      Resource: arn('kms', 'key/*'),
    },
    {
      Sid: 'StatusReadsRotationSchedule',
      Effect: 'Allow',
      Action: 'scheduler:GetSchedule',
      Resource: arn('scheduler', `schedule/*/${n.schedule(SCHEDULES.rotationTick)}*`),
    },
    // ListSchedules supports no resource-level permission.
    { Sid: 'StatusListsSchedules', Effect: 'Allow', Action: 'scheduler:ListSchedules', Resource: '*' },
  ];
  resources[ID.MonitoringRole.id] = res<RoleProperties>('AWS::IAM::Role', {
    RoleName: n.role('monitoring-readonly'),
    Description: 'Read-only monitoring: masked logs and masked archive only, seed 3.4.2 ReadOnly/Monitoring',
    AssumeRolePolicyDocument: humanTrust(),
    MaxSessionDuration: 3600,
    Policies: [
      {
        PolicyName: 'monitoring-read',
        PolicyDocument: policyDoc(
          readAnywhere,
          readLogs,
          {
            Sid: 'ListMaskedArchive',
            Effect: 'Allow',
            Action: 's3:ListBucket',
            Resource: archiveArn,
            Condition: { StringLike: { 's3:prefix': [`${MASKED_PREFIX}*`] } },
          },
          {
            Sid: 'ReadMaskedArchive',
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: inArchive(`/${MASKED_PREFIX}*`),
          },
          {
            Sid: 'DecryptMaskedArchive',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: archiveKey,
            Condition: { StringEquals: { 'kms:ViaService': sub('s3.${AWS::Region}.amazonaws.com') } },
          },
          ...statusReads,
          { Sid: 'NeverUnmask', Effect: 'Deny', Action: 'logs:Unmask', Resource: '*' },
          {
            Sid: 'NeverReadRawArchive',
            Effect: 'Deny',
            Action: ['s3:GetObject', 's3:GetObjectVersion'],
            Resource: RAW_PREFIXES.map((p) => inArchive(`/${p}*`)),
          },
          ...readAuditTrail,
        ),
      },
    ],
    Tags: ctx.tags(),
  });

  if (projectTrail) {
    const trailArn = arn('cloudtrail', `trail/${n.trail}`);
    const trailContext = {
      'kms:EncryptionContext:aws:cloudtrail:arn': sub(
        'arn:${AWS::Partition}:cloudtrail:*:${AWS::AccountId}:trail/*',
      ),
    };
    Object.assign(
      resources,
      kmsKey(ctx, ID.AuditKey, 'audit', 'encrypts the archive-access CloudTrail trail', [
        // AWS CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail": GenerateDataKey* with the
        // trail's encryption context, DescribeKey (no encryption context: a separate statement), and Decrypt
        // for the S3 Bucket Key data key CloudTrail reuses.
        {
          Sid: 'CloudTrailEncryptsLogs',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 'kms:GenerateDataKey*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceArn': trailArn }, StringLike: trailContext },
        },
        {
          Sid: 'CloudTrailDescribesKey',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 'kms:DescribeKey',
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
        },
        {
          Sid: 'CloudTrailDecryptsBucketKey',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 'kms:Decrypt',
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceArn': trailArn }, StringLike: trailContext },
        },
      ]),
    );
    const lockMode =
      cfg.security.auditObjectLock ?? (cfg.environment === 'production' ? 'governance' : 'off');
    resources[ID.AuditTrailBucket.id] = secureBucket(ctx, {
      name: n.auditTrailBucket,
      keyArn: ID.AuditKey.arn,
      accessLogsBucket: ctx.fromStack('base', 'AccessLogsBucketName'),
      lifecycle: [
        {
          Id: 'keep-audit-records',
          Status: 'Enabled',
          ExpirationInDays: cfg.archive.expirationDays,
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        },
      ],
      ...(lockMode === 'off'
        ? {}
        : {
            // Every log file is locked for auditLockDays from delivery; lifecycle expiry waits for the lock.
            extra: {
              ObjectLockEnabled: true,
              ObjectLockConfiguration: {
                ObjectLockEnabled: 'Enabled',
                Rule: {
                  DefaultRetention: {
                    Mode: lockMode === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE',
                    Days: cfg.security.auditLockDays,
                  },
                },
              },
            },
          }),
    });
    resources[ID.AuditTrailBucketPolicy.id] = res<BucketPolicyProperties>('AWS::S3::BucketPolicy', {
      Bucket: ID.AuditTrailBucket.ref,
      PolicyDocument: policyDoc(
        {
          Sid: 'CloudTrailAclCheck',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:GetBucketAcl',
          Resource: ID.AuditTrailBucket.arn,
          Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
        },
        {
          Sid: 'CloudTrailWrite',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: sub('${AuditTrailBucket.Arn}/AWSLogs/${AWS::AccountId}/*'),
          Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
        },
        denyInsecureTransport(ID.AuditTrailBucket),
        ...(lockMode === 'governance'
          ? [
              {
                // Governance mode can be bypassed with s3:BypassGovernanceRetention: nobody may, while this stands.
                Sid: 'NobodyBypassesTheLock',
                Effect: 'Deny',
                Principal: '*',
                Action: 's3:BypassGovernanceRetention',
                Resource: ID.AuditTrailBucket.arnSub('/*'),
              } satisfies PolicyStatement,
            ]
          : []),
      ),
    });
    resources[ID.ArchiveAccessTrail.id] = res<TrailProperties>(
      'AWS::CloudTrail::Trail',
      {
        TrailName: n.trail,
        IsLogging: true,
        S3BucketName: ID.AuditTrailBucket.ref,
        KMSKeyId: ID.AuditKey.arn,
        EnableLogFileValidation: true,
        IncludeGlobalServiceEvents: false,
        IsMultiRegionTrail: false,
        AdvancedEventSelectors: [
          {
            Name: 'Reads and writes of the SES archive objects (PII access audit)',
            FieldSelectors: [
              { Field: 'eventCategory', Equals: ['Data'] },
              { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
              { Field: 'resources.ARN', StartsWith: [inArchive('/')] },
            ],
          },
        ],
        Tags: ctx.tags(),
      },
      {
        DependsOn: [ID.AuditTrailBucketPolicy.id],
        Metadata: checkovSkip(
          ['CKV_AWS_67', 'Records data events of one regional bucket; the account trail covers all regions'],
          [
            'CKV2_AWS_10',
            'Audit records stay in the KMS-encrypted, versioned bucket; no log-group copy needed',
          ],
          ['CKV_AWS_252', 'No SNS delivery notifications: nobody acts on each trail file'],
        ),
      },
    );
  }

  Object.assign(resources, githubDriftRole(ctx));

  return {
    description:
      'sending policy with IP restriction, admin and read-only monitoring roles, archive-access audit trail',
    resources,
    outputs: {
      ...Object.fromEntries(
        parts.map((_, i) => {
          const id = sendingPolicyId(i);
          return [
            `${id.id}Arn`,
            {
              value: id.ref,
              description:
                parts.length === 1
                  ? 'Attach to sending applications'
                  : `Attach to sending applications (part ${i + 1} of ${parts.length}: attach every part)`,
            },
          ];
        }),
      ),
      AdminRoleArn: { value: ID.AdminRole.arn, description: 'Admin role (unmask, raw archive)' },
      MonitoringRoleArn: { value: ID.MonitoringRole.arn, description: 'Read-only monitoring role' },
    },
  };
}

/** The sending policy document for the From domains `from` (one part). */
function sendingDocument(
  from: readonly string[],
  configSet: CfnString,
  deny: readonly PolicyStatement[],
): PolicyDocument {
  return policyDoc(
    {
      // SESv2 authorizes both the identity and the configuration set of a send.
      Sid: 'SendAsConfiguredDomainsThroughConfigurationSet',
      Effect: 'Allow',
      Action: SEND_ACTIONS,
      Resource: [sub('arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/*'), configSet],
      Condition: { StringLike: { 'ses:FromAddress': from.map((d) => `*@${d}`) } },
    },
    ...deny,
  );
}

/**
 * The From domains split into consecutive runs whose sending policy fits the managed-policy limit, in the
 * order of the environment file (a domain added at the end changes only the last part). Pure.
 */
export function sendingPolicyParts(
  domains: readonly string[],
  document: (from: readonly string[]) => CfnValue,
  max: number = TEMPLATE_LIMITS.managedPolicy.max,
): string[][] {
  return policyParts(
    domains.map((d) => [d]),
    document,
    undefined,
    max,
  );
}

const GITHUB_OIDC = 'token.actions.githubusercontent.com';

/** The read-only role the weekly drift workflow assumes through GitHub's OIDC provider (docs/operations.md). */
function githubDriftRole(ctx: StackContext): Record<string, CfnResource> {
  const { cfg, n } = ctx;
  const repo = cfg.ci.githubRepository;
  if (!repo) return {};
  const out: Record<string, CfnResource> = {};
  if (cfg.ci.createOidcProvider) {
    out.GitHubOidcProvider = res('AWS::IAM::OIDCProvider', {
      Url: `https://${GITHUB_OIDC}`,
      ClientIdList: ['sts.amazonaws.com'],
      Tags: ctx.tags(),
    });
  }
  out.GitHubDriftRole = res<RoleProperties>(
    'AWS::IAM::Role',
    {
      RoleName: n.role('github-drift'),
      Description: `Weekly drift report of ${repo} (${cfg.ci.branch}): read-only, no data reads`,
      MaxSessionDuration: 3600,
      AssumeRolePolicyDocument: policyDoc({
        Effect: 'Allow',
        Principal: {
          Federated: sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:oidc-provider/${GITHUB_OIDC}`),
        },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${GITHUB_OIDC}:aud`]: 'sts.amazonaws.com',
            [`${GITHUB_OIDC}:sub`]: `repo:${repo}:ref:refs/heads/${cfg.ci.branch}`,
          },
        },
      }),
      Policies: [
        {
          PolicyName: 'drift-read',
          // Read-only: drift APIs, the deployed templates, the read handlers of the stacks' types.
          PolicyDocument: policyDoc(
            ...driftReadStatements(cfg, {
              compareTemplates: true,
              environmentKey: ctx.fromStack('base', 'LogsKeyArn'),
            }),
          ),
        },
      ],
      Tags: ctx.tags(),
    },
    cfg.ci.createOidcProvider ? { DependsOn: [ID.GitHubOidcProvider.id] } : {},
  );
  return out;
}

export const securityStack: StackDefinition = {
  id: 'security',
  purpose:
    'Sending policy with IP restriction, admin and read-only monitoring roles, archive-access audit trail',
  after: ['ses'],
  build,
};
