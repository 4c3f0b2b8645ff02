/**
 * Issue #14 review, blocker: the production stack policy must fit SetStackPolicy's StackPolicyBody (16,384
 * characters) whatever the number of domains. Measured on the prod fixture with ses.identityStacks: 3 at 1 and
 * 1,000 domains of 42 characters.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_LIMITS } from '../../../contracts/limits.js';
import { parseEnvConfig } from '../../../generators/config/load.js';
import { STATEFUL_TYPES, stackPolicyBody, stackPolicyFor } from '../../../scripts/gate/protect.js';
import { environmentTemplates } from '../../../scripts/lib/cost-templates.js';

const file = 'test/fixtures/environments/access-prod.yaml';
const base = parseEnvConfig(file, readFileSync(file, 'utf8'));
const domain = (i: number) => `m${String(i).padStart(4, '0')}.tenant-platform.example-mailer.co.jp`;

describe('production stack policy size (SetStackPolicy limit)', () => {
  it('every stack policy body fits 16,384 characters at 1 and 1,000 domains and does not grow with them', () => {
    const sizes: Record<number, Record<string, number>> = {};
    for (const n of [1, 1000]) {
      const templates = environmentTemplates({ ...base, ses: { ...base.ses, identityStacks: 3 } }, n, domain);
      sizes[n] = Object.fromEntries(
        Object.entries(templates).map(([stack, t]) => [
          stack,
          JSON.stringify(stackPolicyFor(t as { Resources?: Record<string, { Type?: string }> })).length,
        ]),
      );
      const largest = Math.max(...Object.values(sizes[n]!));
      console.log(`${n} domains: largest stack policy body ${largest} characters`);
      expect(largest).toBeLessThanOrEqual(TEMPLATE_LIMITS.stackPolicy.max);
    }
    // Independent of the resource count: the same body for every stack at 1 and 1,000 domains.
    expect(new Set([...Object.values(sizes[1]!), ...Object.values(sizes[1000]!)]).size).toBe(1);
  });

  it('denies Update:Replace and Update:Delete on the stateful resource types, allows every other update', () => {
    expect(JSON.parse(stackPolicyBody(stackPolicyFor({ Resources: {} })))).toEqual({
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
    });
  });

  it('refuses a body above the limit, naming the limit and the size', () => {
    const big = {
      Statement: [
        {
          Effect: 'Allow' as const,
          Action: 'Update:*',
          Principal: '*' as const,
          Resource: 'x'.repeat(16_400),
        },
      ],
    };
    expect(() => stackPolicyBody(big)).toThrow(/16384/);
  });
});
