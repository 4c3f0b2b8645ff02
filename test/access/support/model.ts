/**
 * The access model of one environment: who the principals are (roles with their trust, inline and managed
 * policies, plus a few principals the templates do not create: an operator, an account administrator, a sending
 * application, AWS service principals) and which resource policy AWS consults for a resource ARN (KMS key
 * policies, S3 bucket policies, SNS topic policies, CloudWatch Logs resource policies, Lambda permissions, role
 * trust policies). Every policy is addressable ("<stack>/<logicalId>#<policy>") so a mutation test can remove
 * one statement and re-evaluate.
 */
import { STACK_NAME_TAG } from '../../../contracts/identity-stacks.js';
import { stackName } from '../../../contracts/names.js';
import type { Json } from '../../support/templates.js';
import { ACCOUNT, PARTITION, type Resolved } from './resolve.js';

export interface PolicyRef {
  /** "<stack>/<logicalId>#<policy name>", or "synthetic/<name>" for principals the templates do not create. */
  readonly id: string;
  readonly document: Json;
}

export interface Principal {
  /** Short name used in the matrix, e.g. "role:admin" or "service:cloudtrail". */
  readonly name: string;
  /** The principal as the request carries it: an IAM ARN or a service principal name. */
  readonly arn: string;
  readonly identityPolicies: PolicyRef[];
}

export interface Model {
  readonly principals: Map<string, Principal>;
  /** The resource policy AWS consults for `arn`, if any. */
  resourcePolicy(arn: string): PolicyRef | undefined;
  /** Every policy of the model (identity and resource), for mutation. */
  readonly policies: PolicyRef[];
  /** The resolved resources, for ARN look-ups in the matrix. */
  readonly resolved: Resolved;
  /**
   * The tags AWS reads for `aws:ResourceTag/...` on `arn`: CloudFormation's reserved stack-name tag on the SES
   * identities the templates create (only those are modelled: policies scope identities by it).
   */
  resourceTags(arn: string): Record<string, string>;
}

const iam = (path: string) => `arn:${PARTITION}:iam::${ACCOUNT}:${path}`;

/** Principals the templates do not create, with what they are given outside the project. */
export const SYNTHETIC: Record<string, { arn: string; policies: Json[] }> = {
  // A person who may assume the project's roles (their own IAM policy allows sts:AssumeRole).
  'user:operator': {
    arn: iam('user/operator'),
    policies: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
  },
  // An account administrator outside the project's roles (AdministratorAccess).
  'user:account-admin': {
    arn: iam('user/account-admin'),
    policies: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  },
  // An administrator of another account: its own policy allows everything, no key or bucket policy names it.
  'user:other-account-admin': {
    arn: 'arn:aws:iam::444455556666:user/admin',
    policies: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  },
  // A person with no project role and read-only access to the account (ReadOnlyAccess-like, without unmask).
  'user:nobody': { arn: iam('user/nobody'), policies: [] },
};

function doc(d: Json): Json {
  return typeof d === 'string' ? JSON.parse(d) : d;
}

export function buildModel(resolved: Resolved, sendingAppPolicies = true): Model {
  const principals = new Map<string, Principal>();
  const policies: PolicyRef[] = [];
  const managed = new Map<string, PolicyRef>();
  const byArn = new Map<string, PolicyRef>();
  const logsPolicies: PolicyRef[] = [];
  const lambdaPermissions = new Map<string, Json[]>();
  const prefix = `${resolved.cfg.projectCode}-${resolved.cfg.environment}-`;

  for (const [key, r] of resolved.resources) {
    const p = r.properties;
    if (r.type === 'AWS::IAM::ManagedPolicy') {
      const ref = { id: `${key}#${p.ManagedPolicyName}`, document: doc(p.PolicyDocument) };
      managed.set(r.ref, ref);
      policies.push(ref);
    }
  }
  for (const [key, r] of resolved.resources) {
    const p = r.properties;
    switch (r.type) {
      case 'AWS::IAM::Role': {
        const inline = (p.Policies ?? []).map((x: Json) => ({
          id: `${key}#${x.PolicyName}`,
          document: doc(x.PolicyDocument),
        }));
        const attached = (p.ManagedPolicyArns ?? []).map((a: string) => {
          const m = managed.get(a);
          if (!m) throw new Error(`${key}: managed policy ${a} is not in the templates`);
          return m;
        });
        const trust = { id: `${key}#trust`, document: doc(p.AssumeRolePolicyDocument) };
        policies.push(...inline, trust);
        byArn.set(r.arn!, trust);
        const short = String(p.RoleName).startsWith(prefix)
          ? String(p.RoleName).slice(prefix.length)
          : p.RoleName;
        principals.set(`role:${short}`, {
          name: `role:${short}`,
          arn: r.arn!,
          identityPolicies: [...inline, ...attached],
        });
        break;
      }
      case 'AWS::KMS::Key': {
        const ref = { id: `${key}#KeyPolicy`, document: doc(p.KeyPolicy) };
        policies.push(ref);
        byArn.set(r.arn!, ref);
        break;
      }
      case 'AWS::S3::BucketPolicy': {
        const ref = { id: `${key}#PolicyDocument`, document: doc(p.PolicyDocument) };
        policies.push(ref);
        byArn.set(`arn:${PARTITION}:s3:::${p.Bucket}`, ref);
        break;
      }
      case 'AWS::SNS::TopicPolicy': {
        const ref = { id: `${key}#PolicyDocument`, document: doc(p.PolicyDocument) };
        policies.push(ref);
        for (const t of p.Topics) byArn.set(t, ref);
        break;
      }
      case 'AWS::Logs::ResourcePolicy': {
        const ref = { id: `${key}#${p.PolicyName}`, document: doc(p.PolicyDocument) };
        policies.push(ref);
        logsPolicies.push(ref);
        break;
      }
      case 'AWS::Lambda::Permission': {
        const fn = [...resolved.resources.values()].find(
          (f) => f.type === 'AWS::Lambda::Function' && (f.ref === p.FunctionName || f.arn === p.FunctionName),
        );
        if (!fn) throw new Error(`${key}: function ${p.FunctionName} is not in the templates`);
        const condition: Json = {};
        if (p.SourceArn) condition.ArnLike = { 'aws:SourceArn': p.SourceArn };
        if (p.SourceAccount) condition.StringEquals = { 'aws:SourceAccount': p.SourceAccount };
        const list = lambdaPermissions.get(fn.arn!) ?? [];
        list.push({
          Sid: r.id,
          Effect: 'Allow',
          Principal: String(p.Principal).includes('.') ? { Service: p.Principal } : { AWS: p.Principal },
          Action: p.Action,
          Resource: fn.arn,
          ...(Object.keys(condition).length ? { Condition: condition } : {}),
        });
        lambdaPermissions.set(fn.arn!, list);
        break;
      }
    }
  }
  for (const [fnArn, statements] of lambdaPermissions) {
    const ref = {
      id: `lambda-permissions:${fnArn.split(':').pop()}`,
      document: { Version: '2012-10-17', Statement: statements },
    };
    policies.push(ref);
    byArn.set(fnArn, ref);
  }
  // CloudWatch Logs resource policies are account-wide documents; AWS applies the statements whose Resource
  // matches. The model joins them into one document (built on each call, so a mutated statement shows).
  const logs = (): PolicyRef | undefined =>
    logsPolicies.length
      ? {
          id: logsPolicies.map((p) => p.id).join('+'),
          document: { Version: '2012-10-17', Statement: logsPolicies.flatMap((p) => p.document.Statement) },
        }
      : undefined;

  for (const [name, s] of Object.entries(SYNTHETIC)) {
    const ref = { id: `synthetic/${name}`, document: { Version: '2012-10-17', Statement: s.policies } };
    principals.set(name, { name, arn: s.arn, identityPolicies: s.policies.length ? [ref] : [] });
  }
  // Managed policies the templates attach to no role (people or applications attach them): one principal each,
  // `policy:<name without the environment prefix>`; the sending policy is also `role:sending-app`.
  const attached = new Set(
    [...resolved.resources.values()]
      .filter((r) => r.type === 'AWS::IAM::Role')
      .flatMap((r) => (r.properties.ManagedPolicyArns ?? []) as string[]),
  );
  for (const [arn, ref] of managed) {
    if (attached.has(arn)) continue;
    const short = arn.split('/').pop()!.replace(prefix, '');
    principals.set(`policy:${short}`, {
      name: `policy:${short}`,
      arn: iam(`role/with-${short}`),
      identityPolicies: [ref],
    });
    if (sendingAppPolicies && short === 'ses-sending') {
      principals.set('role:sending-app', {
        name: 'role:sending-app',
        arn: iam('role/sending-app'),
        identityPolicies: [ref],
      });
    }
  }

  const tags = new Map<string, Record<string, string>>();
  for (const r of resolved.resources.values()) {
    if (r.type === 'AWS::SES::EmailIdentity' && r.arn) {
      tags.set(r.arn, { [STACK_NAME_TAG]: stackName(resolved.cfg, r.stack) });
    }
  }

  return {
    principals,
    policies,
    resolved,
    resourceTags: (arn: string) => tags.get(arn) ?? {},
    resourcePolicy(arn: string) {
      if (byArn.has(arn)) return byArn.get(arn);
      const s3 = arn.match(/^arn:[^:]+:s3:::([^/]+)\//);
      if (s3) return byArn.get(`arn:${PARTITION}:s3:::${s3[1]}`);
      if (/^arn:[^:]+:logs:/.test(arn)) return logs();
      return undefined;
    },
  };
}
