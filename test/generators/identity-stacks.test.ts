/**
 * Issue #14: the SES identities spread over `ses.identityStacks` stacks by a stable hash of the domain. Adding or
 * removing a domain never moves another domain's identity (a move deletes and recreates it); at 1 stack the
 * layout is today's (every identity in `ses`, same logical ids); the shard stacks are wired into the Sceptre
 * project (dependencies, `!stack_output`), and the limits check names ses.identityStacks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identityShard, stableHash } from '../../contracts/identity-stacks.js';
import { identityLogicalId } from '../../contracts/logical-ids.js';
import type { EnvConfig } from '../../generators/config/schema.js';
import { generateAll, LimitsError } from '../../generators/generate.js';
import { renderStack } from '../../generators/lib/template.js';
import { STACKS, stacksFor } from '../../generators/stacks/index.js';
import { fakeBundles, type Json, loadEnv } from '../support/templates.js';

const prod = loadEnv('prod');
const bundles = fakeBundles();

function withDomains(names: readonly string[], identityStacks: number): EnvConfig {
  return {
    ...prod,
    ses: {
      ...prod.ses,
      identityStacks,
      domains: names.map((name) => ({ ...prod.ses.domains[0]!, name })),
    },
  };
}

/** domain -> "<stack>/<logical id>" of its EmailIdentity, from the rendered identity stacks. */
function placement(cfg: EnvConfig): Map<string, string> {
  const out = new Map<string, string>();
  for (const def of stacksFor(cfg).filter((d) => d.id === 'ses' || d.id.startsWith('ses-identities-'))) {
    const t = renderStack(def, cfg, bundles).template as Json;
    for (const [id, r] of Object.entries(t.Resources as Record<string, Json>)) {
      if (r.Type !== 'AWS::SES::EmailIdentity') continue;
      expect(out.has(r.Properties.EmailIdentity), `${r.Properties.EmailIdentity} twice`).toBe(false);
      out.set(r.Properties.EmailIdentity, `${def.id}/${id}`);
    }
  }
  return out;
}

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/);
const domainName = fc
  .tuple(label, fc.constantFrom('jp', 'co.jp', 'ne.jp', 'com'))
  .map(([l, t]) => `${l}.${t}`);
const domainList = fc.uniqueArray(domainName, { minLength: 1, maxLength: 40 });

describe('identities over stacks', () => {
  it('the hash is fixed (FNV-1a 32): a change of it would move identities', () => {
    expect(stableHash('')).toBe(0x811c9dc5);
    expect(stableHash('a')).toBe(0xe40c292c);
    expect(stableHash('goo.ne.jp')).toBe(stableHash('GOO.NE.JP'));
    expect(identityShard('goo.ne.jp', 1)).toBe(0);
    expect(() => identityShard('goo.ne.jp', 0)).toThrow(/from 1 to 20/);
  });

  it('at 1 identity stack the layout is today: the same stacks, every identity in ses under its logical id', () => {
    expect(stacksFor(prod)).toBe(STACKS);
    const cfg = withDomains(['goo.ne.jp', 'mail.goo.ne.jp'], 1);
    expect(Object.fromEntries(placement(cfg))).toEqual({
      'goo.ne.jp': `ses/${identityLogicalId('goo.ne.jp')}`,
      'mail.goo.ne.jp': `ses/${identityLogicalId('mail.goo.ne.jp')}`,
    });
  });

  it('property: adding or removing one domain moves no other identity (stack and logical id)', () => {
    fc.assert(
      fc.property(
        domainList,
        domainName,
        fc.integer({ min: 1, max: 8 }),
        fc.boolean(),
        (names, extra, n, add) => {
          const after = add
            ? [...names.filter((d) => d !== extra), extra]
            : names.filter((_, i) => i !== Math.floor(names.length / 2));
          if (!after.length) return;
          const before = placement(withDomains(names, n));
          const now = placement(withDomains(after, n));
          for (const [domain, where] of now) {
            if (before.has(domain)) expect(where, domain).toBe(before.get(domain));
          }
          expect(now.size).toBe(after.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('1,000 domains over 3 stacks: each shard well under 500 resources, every domain once', () => {
    const names = Array.from(
      { length: 1000 },
      (_, i) => `mail${String(i).padStart(4, '0')}.tenant-platform.example-mail.co.jp`,
    );
    const where = placement(withDomains(names, 3));
    expect(where.size).toBe(1000);
    const counts = new Map<string, number>();
    for (const w of where.values()) counts.set(w.split('/')[0]!, (counts.get(w.split('/')[0]!) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['ses', 'ses-identities-1', 'ses-identities-2']);
    for (const c of counts.values()) expect(c).toBeGreaterThan(250);
    for (const c of counts.values()) expect(c).toBeLessThan(420);
  });

  it('the shard stacks are wired: after ses, the set name by !stack_output, later stacks after every shard', () => {
    const cfg = withDomains(['a.jp', 'b.jp', 'c.jp', 'd.jp', 'e.jp', 'f.jp'], 3);
    const { files, stacks } = generateAll([cfg], bundles);
    const ids = stacks.get('prod')!.map((r) => r.definition.id);
    expect(ids.slice(ids.indexOf('ses'), ids.indexOf('ses') + 3)).toEqual([
      'ses',
      'ses-identities-1',
      'ses-identities-2',
    ]);
    for (const k of [1, 2]) {
      const config = files.get(`config/prod/ses-identities-${k}.yaml`)!;
      expect(config).toContain('  - prod/ses.yaml');
      expect(config).toContain('SesConfigurationSetName: !stack_output prod/ses.yaml::ConfigurationSetName');
      expect(files.has(`templates/prod/ses-identities-${k}.json`)).toBe(true);
    }
    for (const later of ['security', 'byodkim', 'reports']) {
      const config = files.get(`config/prod/${later}.yaml`)!;
      expect(config, later).toContain('  - prod/ses-identities-1.yaml');
      expect(config, later).toContain('  - prod/ses-identities-2.yaml');
    }
    // The drift function checks every stack, shards included.
    const drift = stacks.get('prod')!.find((r) => r.definition.id === 'monitoring')!.template as Json;
    expect(JSON.stringify(drift)).toContain('ses-migration-prod-ses-identities-2');
  });

  it('a shard no domain hashes to still deploys (one no-op resource)', () => {
    const cfg = withDomains(['goo.ne.jp'], 4);
    const empty = stacksFor(cfg).filter((d) => d.id.startsWith('ses-identities-'));
    const templates = empty.map((d) => renderStack(d, cfg, bundles).template as Json);
    expect(
      templates.some((t) => t.Resources.EmptyShard?.Type === 'AWS::CloudFormation::WaitConditionHandle'),
    ).toBe(true);
  });

  it('over 500 resources in an identity stack, generate names ses.identityStacks as what to change', () => {
    const names = Array.from({ length: 520 }, (_, i) => `d${i}.example.jp`);
    let error: unknown;
    try {
      generateAll([withDomains(names, 1)], bundles);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LimitsError);
    const line = (error as LimitsError).lines.find((l) => l.includes('ses stack: resources per stack'));
    expect(line).toMatch(/raise ses\.identityStacks/);
  });

  it('over 10,240 characters in a rotation role (distinct hosted zones), generate names hostedZoneId', () => {
    const cfg = withDomains(
      Array.from({ length: 140 }, (_, i) => `z${i}.example.jp`),
      1,
    );
    const zoned = {
      ...cfg,
      ses: {
        ...cfg.ses,
        domains: cfg.ses.domains.map((d, i) => ({ ...d, hostedZoneId: `Z${String(i).padStart(20, '0')}` })),
      },
    };
    let error: unknown;
    try {
      generateAll([zoned], bundles);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LimitsError);
    const line = (error as LimitsError).lines.find((l) => l.includes('byodkim stack, OrchestratorRole'));
    expect(line).toMatch(
      /inline policies .* change: fewer distinct Route 53 hosted zones in ses\.domains\[\]\.hostedZoneId/,
    );
  });
});
