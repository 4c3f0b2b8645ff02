/**
 * Issue #14 review: the sending policy parts are managed policies an application role attaches, all of them; IAM
 * allows at most 20 per role or user (10 by default). Generate refuses above 20 (limits table) and the generate
 * script warns above 10 and names added/removed parts (scripts/generate/sending-parts.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_LIMITS } from '../../contracts/limits.js';
import { parseEnvConfig } from '../../generators/config/load.js';
import { checkTemplateLimits, describeLimitProblem } from '../../generators/lib/limits-check.js';
import { environmentTemplates } from '../../scripts/lib/cost-templates.js';

const file = 'test/fixtures/environments/access-prod.yaml';
const base = parseEnvConfig(file, readFileSync(file, 'utf8'));
const domain = (i: number) => `m${String(i).padStart(4, '0')}.tenant-platform.example-mailer.co.jp`;

function securityProblems(n: number) {
  const t = environmentTemplates({ ...base, ses: { ...base.ses, identityStacks: 5 } }, n, domain).security;
  const parts = Object.keys(t.Resources).filter((id) => /^SendingPolicy\d*$/.test(id)).length;
  return { parts, problems: checkTemplateLimits('security', t, JSON.stringify(t)) };
}

describe('sending policy parts against managed policies per role', () => {
  it('1,000 domains of 42 characters: 9 parts, accepted', () => {
    const { parts, problems } = securityProblems(1000);
    expect(parts).toBe(9);
    expect(problems).toEqual([]);
  });

  it('2,500 domains: 23 parts, refused naming the limit, the value and what to change', () => {
    const { parts, problems } = securityProblems(2500);
    expect(parts).toBe(23);
    expect(problems.map((p) => p.limit.id)).toEqual(['sending-policy-parts']);
    const line = describeLimitProblem('environments/prod.yaml', problems[0]!);
    expect(line).toContain('would be 23 managed policies');
    expect(line).toContain(`over the AWS limit of ${TEMPLATE_LIMITS.sendingPolicyParts.max}`);
    expect(line).toContain('reference_iam-quotas.html');
    expect(line).toContain('ses.domains');
  });
});
