/**
 * "This environment's SES identities" in a policy statement, in a size that does not grow with the domains:
 * `identity/*` of the account and region, whose `aws:cloudformation:stack-name` tag (set by CloudFormation,
 * reserved: nobody can set or change it) is one of the environment's identity stacks (contracts/identity-stacks).
 * Only for actions that take aws:ResourceTag on the identity (GetEmailIdentity,
 * PutEmailIdentityDkimSigningAttributes); the sending actions do not (security stack).
 */
import { identityStackNames, STACK_NAME_TAG_KEY } from '../../contracts/identity-stacks.js';
import type { EnvConfig } from '../config/schema.js';
import type { CfnObject, Sub } from './cfn.js';
import { sub } from './template.js';

/** Actions on an identity that take aws:ResourceTag (SES v2 Service Authorization Reference). */
export const IDENTITY_TAG_ACTIONS = new Set([
  'ses:GetEmailIdentity',
  'ses:PutEmailIdentityDkimSigningAttributes',
]);

/** Every SES identity ARN of the account and region. */
export const ANY_IDENTITY: Sub = sub('arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/*');

/** Resource and Condition of a statement on this environment's identities only. */
export function environmentIdentities(cfg: Pick<EnvConfig, 'projectCode' | 'sceptreEnv' | 'ses'>): {
  Resource: Sub;
  Condition: CfnObject;
} {
  return {
    Resource: ANY_IDENTITY,
    Condition: { StringEquals: { [STACK_NAME_TAG_KEY]: identityStackNames(cfg) } },
  };
}
