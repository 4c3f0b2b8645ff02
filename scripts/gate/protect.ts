/**
 * Protection in production: a stack policy that denies `Update:Replace` and `Update:Delete` on exactly the
 * stateful resources of a stack (SES identities, KMS keys, log groups, buckets, the BYODKIM state table) and
 * allows every other update, plus termination protection. Applied by the gate after each create and update of
 * a production stack (and before each update, so an update never runs without it). The operator override for
 * one update is `DEPLOY_ALLOW_REPLACE=<stack>`: the gate then applies {@link OVERRIDE_POLICY} for that update
 * and says so; the after-update hook puts the deny policy back.
 */
import { SetStackPolicyCommand, UpdateTerminationProtectionCommand } from '@aws-sdk/client-cloudformation';

/** Resource types whose replacement or deletion loses data or identity. */
export const STATEFUL_TYPES = [
  'AWS::SES::EmailIdentity',
  'AWS::KMS::Key',
  'AWS::Logs::LogGroup',
  'AWS::S3::Bucket',
  'AWS::DynamoDB::Table',
] as const;

export interface StackPolicy {
  readonly Statement: readonly {
    readonly Effect: 'Allow' | 'Deny';
    readonly Action: string | readonly string[];
    readonly Principal: '*';
    readonly Resource: string | readonly string[];
  }[];
}

/** Logical ids of the stateful resources of a template, sorted. */
export function statefulResources(template: { Resources?: Record<string, { Type?: string }> }): string[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, r]) => (STATEFUL_TYPES as readonly string[]).includes(r.Type ?? ''))
    .map(([id]) => id)
    .sort();
}

/** The production stack policy of a template. */
export function stackPolicyFor(template: { Resources?: Record<string, { Type?: string }> }): StackPolicy {
  const stateful = statefulResources(template);
  return {
    Statement: [
      { Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' },
      ...(stateful.length
        ? [
            {
              Effect: 'Deny' as const,
              Action: ['Update:Replace', 'Update:Delete'],
              Principal: '*' as const,
              Resource: stateful.map((id) => `LogicalResourceId/${id}`),
            },
          ]
        : []),
    ],
  };
}

/** The policy an explicit `DEPLOY_ALLOW_REPLACE=<stack>` applies for one update. */
export const OVERRIDE_POLICY: StackPolicy = {
  Statement: [{ Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' }],
};

/** The two requests that protect a production stack. */
export function protectionRequests(stackName: string, policy: StackPolicy) {
  return [
    new SetStackPolicyCommand({ StackName: stackName, StackPolicyBody: JSON.stringify(policy) }),
    new UpdateTerminationProtectionCommand({ StackName: stackName, EnableTerminationProtection: true }),
  ] as const;
}
