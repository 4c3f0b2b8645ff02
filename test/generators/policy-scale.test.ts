/**
 * Issue #14: the IAM policies that used to list every domain stay within their size limits by construction.
 * Role inline policies do not grow with the domains at all (identities by stack tag, DKIM records by pattern);
 * the sending policy, which must name the From domains, is split over managed policies of at most 6,144
 * characters each. Measured at 1, 1,000 and 5,000 domains of 42 characters (one shared hosted zone).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_LIMITS } from '../../contracts/limits.js';
import { parseEnvConfig } from '../../generators/config/load.js';
import { resolvedLength } from '../../generators/lib/limits-check.js';
import { sendingPolicyParts } from '../../generators/stacks/security.js';
import { environmentTemplates } from '../../scripts/lib/cost-templates.js';
import type { Json } from '../support/templates.js';

const file = 'test/fixtures/environments/access-prod.yaml';
const base = parseEnvConfig(file, readFileSync(file, 'utf8'));
const domain = (i: number) => `m${String(i).padStart(4, '0')}.tenant-platform.example-mailer.co.jp`;

const policyLength = (doc: unknown) => resolvedLength(typeof doc === 'string' ? JSON.parse(doc) : doc);

/** Every role's inline-policy total and every managed policy's size, by "<stack>/<logical id>". */
function sizes(n: number) {
  const templates = environmentTemplates({ ...base, ses: { ...base.ses, identityStacks: 20 } }, n, domain);
  const roles = new Map<string, number>();
  const managed = new Map<string, number>();
  for (const [stack, t] of Object.entries(templates)) {
    for (const [id, r] of Object.entries((t as Json).Resources as Record<string, Json>)) {
      if (r.Type === 'AWS::IAM::Role') {
        const total = ((r.Properties.Policies ?? []) as Json[]).reduce(
          (sum, p) => sum + policyLength(p.PolicyDocument),
          0,
        );
        roles.set(`${stack}/${id}`, total);
      } else if (r.Type === 'AWS::IAM::ManagedPolicy') {
        managed.set(`${stack}/${id}`, policyLength(r.Properties.PolicyDocument));
      }
    }
  }
  return { roles, managed };
}

describe('policy sizes at 1, 1,000 and 5,000 domains (issue #14)', () => {
  const at = Object.fromEntries([1, 1000, 5000].map((n) => [n, sizes(n)])) as Record<
    number,
    ReturnType<typeof sizes>
  >;

  it('no role inline policy grows with the domain count', () => {
    for (const n of [1000, 5000]) {
      expect(Object.fromEntries(at[n]!.roles)).toEqual(Object.fromEntries(at[1]!.roles));
    }
    const largest = Math.max(...at[5000]!.roles.values());
    console.log(`largest role inline policies: ${largest} characters at 1, 1,000 and 5,000 domains`);
    expect(largest).toBeLessThanOrEqual(TEMPLATE_LIMITS.roleInlinePolicies.max);
  });

  it('every managed policy stays within 6,144 characters; the sending policy is split', () => {
    const lines: string[] = [];
    for (const n of [1, 1000, 5000]) {
      const sending = [...at[n]!.managed].filter(([id]) => id.startsWith('security/SendingPolicy'));
      const max = Math.max(...at[n]!.managed.values());
      lines.push(`${n} domains: ${sending.length} sending policies, largest managed policy ${max}`);
      expect(max).toBeLessThanOrEqual(TEMPLATE_LIMITS.managedPolicy.max);
    }
    console.log(lines.join('\n'));
    expect(at[1]!.managed.has('security/SendingPolicy')).toBe(true);
    expect(at[1]!.managed.has('security/SendingPolicy2')).toBe(false);
    expect(at[1000]!.managed.has('security/SendingPolicy2')).toBe(true);
  });
});

describe('the sending policy split over parts (1,000 domains)', () => {
  it('the parts name every domain once, each with the allowed-ranges Deny, and an output per part', () => {
    const t = environmentTemplates(base, 1000, domain).security as Json;
    const parts = Object.entries(t.Resources as Record<string, Json>).filter(
      ([, r]) =>
        r.Type === 'AWS::IAM::ManagedPolicy' && /-ses-sending(-\d+)?$/.test(r.Properties.ManagedPolicyName),
    );
    expect(parts.length).toBeGreaterThan(1);
    const from = parts.flatMap(([, r]) => {
      const [allow, deny] = r.Properties.PolicyDocument.Statement;
      expect(deny.Effect).toBe('Deny');
      expect(deny.Condition.NotIpAddress['aws:SourceIp']).toEqual(base.security.allowedSendingCidrs);
      return allow.Condition.StringLike['ses:FromAddress'] as string[];
    });
    expect(from).toEqual(Array.from({ length: 1000 }, (_, i) => `*@${domain(i)}`));
    for (const [id] of parts) expect(t.Outputs[`${id}Arn`].Value).toEqual({ Ref: id });
  });
});

describe('sendingPolicyParts', () => {
  const doc = (from: readonly string[]) => ({ Statement: [{ Condition: { from } }] });
  it('keeps the file order, fills each part up to the limit, and a domain added last changes only the last part', () => {
    const names = Array.from({ length: 300 }, (_, i) => domain(i));
    const parts = sendingPolicyParts(names, doc, 2000);
    expect(parts.flat()).toEqual(names);
    for (const p of parts) expect(resolvedLength(doc(p))).toBeLessThanOrEqual(2000);
    for (const p of parts.slice(0, -1)) {
      expect(resolvedLength(doc([...p, 'x'.repeat(40)]))).toBeGreaterThan(2000 - 50);
    }
    const more = sendingPolicyParts([...names, domain(300)], doc, 2000);
    expect(more.slice(0, parts.length - 1)).toEqual(parts.slice(0, -1));
  });
  it('a single domain too long for a part still gets its own part (the limits check reports it)', () => {
    expect(sendingPolicyParts(['a.jp', 'x'.repeat(300)], doc, 100)).toEqual([['a.jp'], ['x'.repeat(300)]]);
  });
});
