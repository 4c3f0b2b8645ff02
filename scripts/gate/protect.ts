/**
 * Protection in production: a stack policy that denies `Update:Replace` and `Update:Delete` on the stateful
 * resource types of a stack (SES identities, KMS keys, log groups, buckets, the BYODKIM state table) and
 * allows every other update, plus termination protection. Applied by the gate after each create and update of
 * a production stack (and before each update, so an update never runs without it). The operator override for
 * one update is `DEPLOY_ALLOW_REPLACE=<stack>`: the gate then applies {@link OVERRIDE_POLICY} for that update
 * and says so; the after-update hook puts the deny policy back.
 */
import { SetStackPolicyCommand, UpdateTerminationProtectionCommand } from '@aws-sdk/client-cloudformation';
import { TEMPLATE_LIMITS } from '../../contracts/limits.js';

/** Resource types whose replacement or deletion loses data or identity. */
export const STATEFUL_TYPES = [
  'AWS::SES::EmailIdentity',
  'AWS::KMS::Key',
  'AWS::Logs::LogGroup',
  'AWS::S3::Bucket',
  'AWS::DynamoDB::Table',
] as const;

export interface StackPolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Principal: '*';
  readonly Resource: string | readonly string[];
  readonly Condition?: { readonly StringEquals: { readonly ResourceType: readonly string[] } };
}

export interface StackPolicy {
  readonly Statement: readonly StackPolicyStatement[];
}

/**
 * The production stack policy. The deny names the stateful resource TYPES (stack-policy condition key
 * `ResourceType`), not each logical id: its size does not grow with the domains (one identity per domain used to
 * add ~65 characters each, 25,414 at 1,000 domains over 3 identity stacks, over SetStackPolicy's 16,384), and it
 * also covers a stateful resource the new template drops (a removed or moved domain identity), which a list
 * taken from the new template did not. The same body for every stack; the template parameter stays so a
 * per-stack exception has a place.
 */
export function stackPolicyFor(_template: { Resources?: Record<string, { Type?: string }> }): StackPolicy {
  return {
    Statement: [
      { Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' },
      {
        Effect: 'Deny',
        Action: ['Update:Replace', 'Update:Delete'],
        Principal: '*',
        Resource: '*',
        Condition: { StringEquals: { ResourceType: [...STATEFUL_TYPES] } },
      },
    ],
  };
}

/** The StackPolicyBody of a policy; refuses one over SetStackPolicy's limit (contracts/limits.ts). */
export function stackPolicyBody(policy: StackPolicy): string {
  const body = JSON.stringify(policy);
  const limit = TEMPLATE_LIMITS.stackPolicy;
  if (body.length > limit.max) {
    throw new Error(
      `${limit.what} would be ${body.length} ${limit.unit}, over the AWS limit of ${limit.max} (${limit.source}); change: ${limit.fix}`,
    );
  }
  return body;
}

/** The policy an explicit `DEPLOY_ALLOW_REPLACE=<stack>` applies for one update. */
export const OVERRIDE_POLICY: StackPolicy = {
  Statement: [{ Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' }],
};

/** The two requests that protect a production stack. */
export function protectionRequests(stackName: string, policy: StackPolicy) {
  return [
    new SetStackPolicyCommand({ StackName: stackName, StackPolicyBody: stackPolicyBody(policy) }),
    new UpdateTerminationProtectionCommand({ StackName: stackName, EnableTerminationProtection: true }),
  ] as const;
}
