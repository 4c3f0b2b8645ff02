/**
 * The AWS limits of contracts/limits.ts (TEMPLATE_LIMITS), checked over rendered templates at generate time, so
 * a limit is never first discovered by CloudFormation halfway through a deploy. Pure.
 */
import { INTRINSIC_ESTIMATE, TEMPLATE_LIMITS, type TemplateLimit } from '../../contracts/limits.js';
import { isIntrinsic } from './cfn.js';

export interface LimitProblem {
  readonly limit: TemplateLimit;
  readonly stack: string;
  readonly resource?: string;
  readonly value: number;
}

/** Bytes of a function's environment as Lambda counts them (keys and values); an intrinsic as its estimate. */
export function environmentSize(vars: Readonly<Record<string, unknown>>): number {
  return Object.entries(vars).reduce(
    (n, [k, v]) =>
      n + Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : INTRINSIC_ESTIMATE),
    0,
  );
}

/** Longest values of the pseudo parameters (aws-us-gov, the longest region names, a 12-digit account). */
const PSEUDO: Readonly<Record<string, number>> = {
  'AWS::Partition': 10,
  'AWS::Region': 14,
  'AWS::AccountId': 12,
  'AWS::URLSuffix': 13,
};

/** An `Fn::Sub` string with each `${...}` replaced by its longest value (a pseudo parameter) or the estimate. */
function subLength(text: string): number {
  return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => 'x'.repeat(PSEUDO[name] ?? INTRINSIC_ESTIMATE))
    .length;
}

/** Length of a value as compact JSON, with each intrinsic counted as what it can resolve to at most. */
export function resolvedLength(v: unknown): number {
  if (isIntrinsic(v)) {
    const sub = 'Fn::Sub' in v ? v['Fn::Sub'] : undefined;
    return 2 + (typeof sub === 'string' ? subLength(sub) : INTRINSIC_ESTIMATE);
  }
  if (typeof v === 'string') return JSON.stringify(v).length;
  if (Array.isArray(v)) return 2 + v.reduce<number>((n, x, i) => n + resolvedLength(x) + (i ? 1 : 0), 0);
  if (typeof v === 'object' && v !== null) {
    return (
      2 +
      Object.entries(v).reduce<number>(
        (n, [k, x], i) => n + JSON.stringify(k).length + 1 + resolvedLength(x) + (i ? 1 : 0),
        0,
      )
    );
  }
  return JSON.stringify(v).length;
}

/** A policy document may be a JSON string (Fn::Sub bodies) or an object. */
function policyLength(doc: unknown): number {
  if (typeof doc === 'string') {
    try {
      return resolvedLength(JSON.parse(doc));
    } catch {
      return doc.length;
    }
  }
  return resolvedLength(doc);
}

/** Logical ids of the sending policy parts (generators/stacks/security.ts sendingPolicyId). */
const SENDING_POLICY_ID = /^SendingPolicy\d*$/;

/** Logical ids of the DNS-team mail policy parts (generators/stacks/byodkim.ts dnsTeamMailPolicyId). */
const DNS_TEAM_MAIL_ID = /^DnsTeamMailPolicy\d*$/;

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** Every limit one rendered template exceeds. */
export function checkTemplateLimits(
  stack: string,
  template: Record<string, unknown>,
  body: string,
): LimitProblem[] {
  const L = TEMPLATE_LIMITS;
  const problems: LimitProblem[] = [];
  const over = (limit: TemplateLimit, value: number, resource?: string) => {
    if (value > limit.max) problems.push({ limit, stack, value, ...(resource ? { resource } : {}) });
  };
  const resources = (template.Resources ?? {}) as Resources;
  over(L.resources, Object.keys(resources).length);
  over(L.parameters, Object.keys((template.Parameters ?? {}) as object).length);
  over(L.outputs, Object.keys((template.Outputs ?? {}) as object).length);
  over(L.templateS3, Buffer.byteLength(body));
  // The sending policy parts (security stack): an application attaches every one of them.
  over(L.sendingPolicyParts, Object.keys(resources).filter((id) => SENDING_POLICY_ID.test(id)).length);
  over(L.dnsTeamMailParts, Object.keys(resources).filter((id) => DNS_TEAM_MAIL_ID.test(id)).length);
  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::Lambda::Function') {
      const vars = ((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
        {}) as Record<string, unknown>;
      over(L.lambdaEnvironment, environmentSize(vars), id);
    } else if (r.Type === 'AWS::IAM::ManagedPolicy') {
      over(L.managedPolicy, policyLength(p.PolicyDocument), id);
    } else if (r.Type === 'AWS::IAM::Role') {
      const inline = ((p.Policies ?? []) as { PolicyDocument: unknown }[]).reduce(
        (n, x) => n + policyLength(x.PolicyDocument),
        0,
      );
      over(L.roleInlinePolicies, inline, id);
      over(L.roleTrustPolicy, policyLength(p.AssumeRolePolicyDocument), id);
    }
  }
  return problems;
}

/** One line per problem: the limit, the value, the stack (and resource) and what to change. */
export function describeLimitProblem(source: string, p: LimitProblem): string {
  const where = p.resource ? `${p.stack} stack, ${p.resource}` : `${p.stack} stack`;
  return (
    `${source}: ${where}: ${p.limit.what} would be ${p.value} ${p.limit.unit}, over the AWS limit of ` +
    `${p.limit.max} (${p.limit.source}); change: ${fixOf(p)}`
  );
}

/** The identity stacks hold one resource per domain: what to change there is the number of identity stacks. */
export const IDENTITY_STACKS_FIX =
  'raise ses.identityStacks in the environment file (the identities are spread over that many stacks by a ' +
  'stable hash of the domain; changing the number moves identities between stacks, a migration: README ' +
  '"Spreading identities over stacks")';

/** The rotation roles list each distinct hosted zone (Route 53 has no tag condition on zones): that is what grows. */
export const HOSTED_ZONES_FIX =
  'fewer distinct Route 53 hosted zones in ses.domains[].hostedZoneId (each adds about 60 characters to the ' +
  'rotation roles; about 125 fit), or leave hostedZoneId out where the DNS team publishes the DKIM records';

function fixOf(p: LimitProblem): string {
  const identityStack = p.stack === 'ses' || p.stack.startsWith('ses-identities-');
  if (p.limit.id === 'resources' && identityStack) return IDENTITY_STACKS_FIX;
  if (p.limit.id === 'role-inline-policies' && p.stack === 'byodkim') return HOSTED_ZONES_FIX;
  return p.limit.fix;
}
