/**
 * Where the SES domain identities live, and how policies name them without listing them (issue #14).
 *
 * Stacks: `ses.identityStacks: N` (default 1). Shard 0 is the `ses` stack (today's layout: at N = 1 every
 * identity keeps its stack and logical id); shard k >= 1 is the stack `ses-identities-<k>`. A domain's shard is
 * a stable hash of its name mod N, so adding or removing a domain never moves another domain's identity (a move
 * would delete and recreate it). Changing N moves about (N-1)/N of them: a migration, never done by generate
 * silently (see README "Spreading identities over stacks").
 *
 * Policies: CloudFormation tags every resource it creates with `aws:cloudformation:stack-name`, a tag nobody can
 * set or change (the `aws:` prefix is reserved). SES v2 accepts `aws:ResourceTag/${TagKey}` on the identity
 * resource type for GetEmailIdentity and PutEmailIdentityDkimSigningAttributes (Service Authorization Reference,
 * Amazon Simple Email Service v2), so "this environment's identities" is `identity/*` of the account and region
 * whose stack-name tag is one of the N identity stacks: a condition of fixed size, whatever the domain count.
 * The sending actions (SendEmail, SendRawEmail, ...) do not take aws:ResourceTag: see the security stack.
 */
import { identityStackId, stackName } from './names.js';

export { identityStackId };

/** The reserved tag CloudFormation puts on every resource it creates (value: the stack name). */
export const STACK_NAME_TAG = 'aws:cloudformation:stack-name';
export const STACK_NAME_TAG_KEY = `aws:ResourceTag/${STACK_NAME_TAG}`;

/** Highest `ses.identityStacks`: 490 identities per stack × 20 stacks is far above SES's 10,000 identities. */
export const MAX_IDENTITY_STACKS = 20;

/** FNV-1a, 32 bits, over the UTF-8 bytes of the lower-case name: stable across Node versions and platforms. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text.toLowerCase(), 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The shard of a domain's identity among `stacks` identity stacks (0 when there is one). */
export function identityShard(domain: string, stacks: number): number {
  if (!Number.isInteger(stacks) || stacks < 1 || stacks > MAX_IDENTITY_STACKS) {
    throw new Error(`identity stacks must be an integer from 1 to ${MAX_IDENTITY_STACKS}, not ${stacks}`);
  }
  return stacks === 1 ? 0 : stableHash(domain) % stacks;
}

/** The stack ids holding identities, shard order. */
export function identityStackIds(stacks: number): string[] {
  return Array.from({ length: stacks }, (_, k) => identityStackId(k));
}

/** The CloudFormation stack names holding this environment's identities (values of the stack-name tag). */
export function identityStackNames(cfg: {
  readonly projectCode: string;
  readonly sceptreEnv: string;
  readonly ses: { readonly identityStacks: number };
}): string[] {
  return identityStackIds(cfg.ses.identityStacks).map((id) => stackName(cfg, id));
}
