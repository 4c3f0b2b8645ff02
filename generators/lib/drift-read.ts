/**
 * What a drift role may read: CloudFormation's drift APIs plus the read-handler permissions of every resource
 * type the stacks use, from the CloudFormation resource schemas (snapshot of the pinned cfn-lint's schemas in
 * generators/data/drift-read-permissions.json; refresh with `npm run drift:permissions`). Actions that support
 * resource-level permissions are scoped to the project's ARNs; a few are excluded or conditioned because they
 * would reach PII or hand out roles (DRIFT_READ_EXCEPTIONS). Pure: no file system at generation time.
 */

import { names } from '../../contracts/names.js';
import type { EnvConfig } from '../config/schema.js';
import snapshot from '../data/drift-read-permissions.json' with { type: 'json' };
import type { CfnString, PolicyStatement, Sub } from './cfn.js';
import { ANY_IDENTITY, environmentIdentities, IDENTITY_TAG_ACTIONS } from './identity-scope.js';
import { sub } from './template.js';

/** CloudFormation's own drift APIs (the CLI and the weekly function). */
export const DRIFT_API_ACTIONS = [
  'cloudformation:DescribeStacks',
  'cloudformation:DetectStackDrift',
  'cloudformation:DetectStackResourceDrift',
  'cloudformation:DescribeStackResourceDrifts',
  'cloudformation:DescribeStackResources',
  'cloudformation:ListStackResources',
];
/** Drift API actions without resource-level permissions. */
const DRIFT_API_WILDCARD = ['cloudformation:DescribeStackDriftDetectionStatus'];

/** Read-handler permissions the drift roles do not get as the schema lists them, and why. */
export const DRIFT_READ_EXCEPTIONS: Record<
  string,
  { readonly why: string; readonly condition?: 'viaLambda' }
> = {
  'iam:PassRole': {
    why: 'not a read: it lets the caller hand a role to a service. AWS::Events::Rule drift may come back UNKNOWN (reported)',
  },
  'kms:Decrypt': {
    why: "AWS::Lambda::Function read returns the function's decrypted environment: allowed only through Lambda (kms:ViaService), never directly on a key that also encrypts PII log groups",
    condition: 'viaLambda',
  },
};

interface Snapshot {
  readonly source: string;
  readonly types: Record<string, string[]>;
  readonly wildcardOnly: string[];
}
const SNAPSHOT = snapshot as Snapshot;

/** IAM actions are case-insensitive; the schemas sometimes capitalise the prefix (CloudTrail:GetTrail). */
const norm = (a: string) => {
  const [service, action] = a.split(':') as [string, string];
  return `${service.toLowerCase()}:${action}`;
};

/** The read permissions the schema lists for `type` (undefined: the snapshot lacks the type). */
export function readPermissionsOf(type: string): readonly string[] | undefined {
  return SNAPSHOT.types[type]?.map(norm);
}

export function snapshotTypes(): string[] {
  return Object.keys(SNAPSHOT.types);
}

/** The project's ARNs per service, where drift reads are scoped. */
export function projectArns(
  cfg: Pick<EnvConfig, 'projectCode' | 'environment' | 'sceptreEnv' | 'ses'>,
): Sub[] {
  const n = names(cfg);
  const p = n.prefix;
  const arn = (service: string, resource: string) =>
    sub(`arn:\${AWS::Partition}:${service}:\${AWS::Region}:\${AWS::AccountId}:${resource}`);
  const groups = [
    n.logGroup.sesEvents,
    `/aws/application/${cfg.projectCode}/${cfg.environment}*`,
    `/aws/lambda/${p}-*`,
    `/aws/monitoring/compliance/japanese/${cfg.projectCode}/${cfg.environment}*`,
    `/aws/kinesisfirehose/${p}-*`,
  ];
  return [
    sub(`arn:\${AWS::Partition}:s3:::${p}-*`),
    arn('sns', `${p}-*`),
    ...groups.flatMap((g) => [arn('logs', `log-group:${g}`), arn('logs', `log-group:${g}:*`)]),
    arn('lambda', `function:${p}-*`),
    sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${p}-*`),
    sub(`arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${p}-*`),
    sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com'),
    // Key ids are not names: every key of the account and region, project aliases only.
    arn('kms', 'key/*'),
    arn('kms', `alias/${p}-*`),
    arn('cloudwatch', `alarm:${p}-*`),
    sub(`arn:\${AWS::Partition}:cloudwatch::\${AWS::AccountId}:dashboard/${p}-*`),
    arn('ses', `configuration-set/${n.configurationSet}`),
    arn('events', `rule/${p}-*`),
    arn('scheduler', `schedule/*/${p}-*`),
    arn('firehose', `deliverystream/${p}-*`),
    arn('dynamodb', `table/${p}-*`),
    arn('cloudtrail', `trail/${p}-*`),
  ];
}

/** The drift read statements of a role: scoped reads, reads without resource-level permissions, exceptions. */
export function driftReadStatements(
  cfg: Pick<EnvConfig, 'projectCode' | 'environment' | 'sceptreEnv' | 'ses'>,
  opts: {
    compareTemplates?: boolean;
    /** The key that encrypts the functions' environments; omit when the role may already decrypt under it. */
    environmentKey?: CfnString;
  } = {},
): PolicyStatement[] {
  const wildcard = new Set(SNAPSHOT.wildcardOnly.map(norm));
  const all = [...new Set(Object.values(SNAPSHOT.types).flat().map(norm))].sort();
  const regular = all.filter((a) => !DRIFT_READ_EXCEPTIONS[a]);
  const conditioned = all.filter((a) => DRIFT_READ_EXCEPTIONS[a]?.condition === 'viaLambda');
  const identityReads = (readPermissionsOf('AWS::SES::EmailIdentity') ?? []).filter((a) =>
    a.startsWith('ses:'),
  );
  return [
    {
      Sid: 'DetectDrift',
      Effect: 'Allow',
      Action: [...DRIFT_API_ACTIONS, ...(opts.compareTemplates ? ['cloudformation:GetTemplate'] : [])],
      Resource: sub(
        `arn:\${AWS::Partition}:cloudformation:\${AWS::Region}:\${AWS::AccountId}:stack/${cfg.projectCode}-*/*`,
      ),
    },
    {
      Sid: 'ReadProjectResources',
      Effect: 'Allow',
      Action: regular.filter((a) => !wildcard.has(a)),
      Resource: projectArns(cfg),
    },
    // The SES identities are not listed one by one (1,000 ARNs would not fit a role's inline policies): reads
    // that take aws:ResourceTag are scoped to this environment's identity stacks by CloudFormation's stack tag.
    {
      Sid: 'ReadEnvironmentIdentities',
      Effect: 'Allow',
      Action: identityReads.filter((a) => IDENTITY_TAG_ACTIONS.has(a)),
      ...environmentIdentities(cfg),
    },
    // ses:ListTagsForResource takes no aws:ResourceTag: the tags (not the settings) of any identity of the
    // account and region, so the drift of an identity's Tags can be compared.
    ...(identityReads.some((a) => !IDENTITY_TAG_ACTIONS.has(a))
      ? [
          {
            Sid: 'ListIdentityTags',
            Effect: 'Allow',
            Action: identityReads.filter((a) => !IDENTITY_TAG_ACTIONS.has(a)),
            Resource: ANY_IDENTITY,
          },
        ]
      : []),
    {
      // The IAM service reference lists no resource type for these: Resource must be "*".
      Sid: 'ReadWithoutResourceLevelPermissions',
      Effect: 'Allow',
      Action: [...DRIFT_API_WILDCARD, ...regular.filter((a) => wildcard.has(a))],
      Resource: '*',
    },
    ...(conditioned.length && opts.environmentKey
      ? [
          {
            Sid: 'DecryptFunctionEnvironmentThroughLambda',
            Effect: 'Allow',
            Action: conditioned,
            Resource: opts.environmentKey,
            Condition: { StringEquals: { 'kms:ViaService': sub('lambda.${AWS::Region}.amazonaws.com') } },
          } satisfies PolicyStatement,
        ]
      : []),
  ];
}
