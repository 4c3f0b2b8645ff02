/**
 * Issue #14 review: the DNS-team mail permission (ses:Recipients `*@<mail domain>` per distinct DNS-team mail
 * domain) grows with the teams. At 1,000 domains each with `dnsTeam: [dns@<own domain>]` it used to put ~49,000
 * characters in the orchestrator's and updater's inline policies (10,240 together) and generate refused. It now
 * lives in customer managed policies split by size; the inline policies do not grow.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_LIMITS } from '../../contracts/limits.js';
import { parseEnvConfig } from '../../generators/config/load.js';
import type { EnvConfig } from '../../generators/config/schema.js';
import { generateAll } from '../../generators/generate.js';
import {
  checkTemplateLimits,
  describeLimitProblem,
  resolvedLength,
} from '../../generators/lib/limits-check.js';
import { dnsTeamMailParts } from '../../generators/stacks/byodkim.js';
import { fakeBundles, type Json } from '../support/templates.js';

const file = 'test/fixtures/environments/access-prod.yaml';
const base = parseEnvConfig(file, readFileSync(file, 'utf8'));
const domain = (i: number) => `m${String(i).padStart(4, '0')}.tenant-platform.example-mailer.co.jp`;

/** n domains, each with a DNS team at its own domain (teams: true) or none, the senders at the first. */
function env(n: number, teams: boolean): EnvConfig {
  const domains = Array.from({ length: n }, (_, i) => {
    const { dnsTeam: _team, ...rest } = base.ses.domains[0]!;
    return { ...rest, name: domain(i), ...(teams ? { dnsTeam: [`dns@${domain(i)}`] } : {}) };
  });
  return {
    ...base,
    ses: { ...base.ses, domains, identityStacks: 5 },
    byodkim: { ...base.byodkim, dnsRequestSender: `byodkim@${domain(0)}` },
    ...(base.reports ? { reports: { ...base.reports, sender: `reports@${domain(0)}` } } : {}),
  } as EnvConfig;
}

function byodkim(cfg: EnvConfig, checkLimits = true) {
  const { stacks } = generateAll([cfg], fakeBundles(), { checkLimits });
  return stacks.get(cfg.sceptreEnv)!.find((r) => r.definition.id === 'byodkim')!.template as Json;
}

const inline = (role: Json) =>
  ((role.Properties.Policies ?? []) as Json[]).reduce((n, p) => n + resolvedLength(p.PolicyDocument), 0);
const mailParts = (t: Json) =>
  Object.entries(t.Resources as Record<string, Json>).filter(([id]) => /^DnsTeamMailPolicy\d*$/.test(id));

describe('DNS-team mail at 1,000 domains with a team each', () => {
  it('generates (limits checked); the inline policies do not grow; every part within 6,144', () => {
    const one = byodkim(env(1, true));
    const many = byodkim(env(1000, true)); // throws LimitsError before the fix
    for (const role of ['OrchestratorRole', 'SesConfigUpdaterRole']) {
      expect(inline(many.Resources[role]), role).toBe(inline(one.Resources[role]));
      expect(inline(many.Resources[role])).toBeLessThanOrEqual(TEMPLATE_LIMITS.roleInlinePolicies.max);
    }
    const parts = mailParts(many);
    console.log(
      `1,000 domains with a team each: orchestrator inline ${inline(many.Resources.OrchestratorRole)} characters, ` +
        `${parts.length} DNS-team mail policies, largest ${Math.max(...parts.map(([, p]) => resolvedLength(p.Properties.PolicyDocument)))}`,
    );
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.length).toBeLessThanOrEqual(TEMPLATE_LIMITS.dnsTeamMailParts.max);
    for (const [, p] of parts) {
      expect(resolvedLength(p.Properties.PolicyDocument)).toBeLessThanOrEqual(
        TEMPLATE_LIMITS.managedPolicy.max,
      );
    }
    // Each team's pattern in exactly one part, attached to both roles (and no other).
    const patterns = parts.flatMap(
      ([, p]) =>
        p.Properties.PolicyDocument.Statement[0].Condition['ForAllValues:StringLike']['ses:Recipients'],
    );
    expect(patterns.sort()).toEqual(Array.from({ length: 1000 }, (_, i) => `*@${domain(i)}`).sort());
    const refs = parts.map(([id]) => ({ Ref: id }));
    for (const [id, r] of Object.entries(many.Resources as Record<string, Json>)) {
      if (r.Type !== 'AWS::IAM::Role') continue;
      const attached = r.Properties.ManagedPolicyArns ?? [];
      expect(attached, id).toEqual(['OrchestratorRole', 'SesConfigUpdaterRole'].includes(id) ? refs : []);
    }
  });

  it('refuses more parts than the managed policies a role may hold, naming the DNS-team mail domains', () => {
    const t = byodkim(env(1500, true), false);
    const problems = checkTemplateLimits('byodkim', t, '{}').filter(
      (p) => p.limit.id === 'dns-team-mail-parts',
    );
    expect(problems).toHaveLength(1);
    const line = describeLimitProblem('environments/prod.yaml', problems[0]!);
    expect(line).toContain('distinct mail domains of ses.domains[].dnsTeam');
    expect(line).toContain(`over the AWS limit of ${TEMPLATE_LIMITS.dnsTeamMailParts.max}`);
  });

  it('a DNS request sender without any team grants no mail at all', () => {
    const t = byodkim(env(3, false));
    expect(mailParts(t)).toEqual([]);
    expect(JSON.stringify(t)).not.toContain('MailDnsTeamFromConfiguredSender');
    expect(JSON.stringify(t)).not.toContain('ses:SendEmail');
  });
});

describe('dnsTeamMailParts', () => {
  const doc = (to: readonly string[]) => ({ to: [...to] });
  it("keeps a domain's patterns in one part (one mail, one statement), a shared pattern once per part", () => {
    const domains = [
      { dnsTeam: ['a@x.example', 'b@y.example'] },
      { dnsTeam: ['c@z.example'] },
      { dnsTeam: ['d@x.example', 'e@w.example'] },
      {},
    ];
    // Room for about two patterns per part.
    const parts = dnsTeamMailParts(domains, doc, resolvedLength(doc(['*@x.example', '*@y.example'])));
    expect(parts).toEqual([['*@x.example', '*@y.example'], ['*@z.example'], ['*@w.example', '*@x.example']]);
    // A team straddling the boundary moves whole to the next part (not split pattern by pattern).
    expect(
      dnsTeamMailParts(
        [{ dnsTeam: ['a@a.example'] }, { dnsTeam: ['b@b.example', 'c@c.example'] }],
        doc,
        resolvedLength(doc(['*@a.example', '*@b.example'])),
      ),
    ).toEqual([['*@a.example'], ['*@b.example', '*@c.example']]);
    expect(dnsTeamMailParts([{}, {}], doc)).toEqual([]);
  });
});
