import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addUnique, identityLogicalId } from '../../contracts/logical-ids.js';
import { parseEnvConfig } from '../../generators/config/load.js';
import { generateAll } from '../../generators/generate.js';
import { fakeBundles, loadEnv } from '../support/templates.js';

/** The derivation used until 2026-12-01 (not injective): today's ids must not change. */
const oldId = (domain: string) =>
  `${domain
    .split(/[^A-Za-z0-9]/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')}Identity`;

// labels of one or two characters from a tiny alphabet, joined by dots or hyphens: near-collisions abound
const label = fc.stringMatching(/^[a-z0-9]{1,2}$/);
const domain = fc
  .tuple(
    fc.array(fc.tuple(label, fc.constantFrom('.', '-')), { minLength: 1, maxLength: 3 }),
    label,
    fc.constantFrom('jp', 'com'),
  )
  .map(([parts, last, tld]) => `${parts.map(([l, sep]) => `${l}${sep}`).join('')}${last}.${tld}`)
  .filter((d) => /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(d));

describe('identity logical ids', () => {
  it("keep today's ids for the shipped environments and fixtures", () => {
    const files = [
      ...readdirSync('environments')
        .filter((f) => /^[a-z].*\.ya?ml$/.test(f))
        .map((f) => `environments/${f}`),
      ...readdirSync('test/fixtures/environments')
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => `test/fixtures/environments/${f}`),
    ];
    const domains = files.flatMap((f) =>
      parseEnvConfig(f.replace(/^.*\//, 'environments/'), readFileSync(f, 'utf8')).ses.domains.map(
        (d) => d.name,
      ),
    );
    expect(domains).toEqual(expect.arrayContaining(['goo.ne.jp', 'dev.goo.ne.jp']));
    for (const d of domains) expect(identityLogicalId(d)).toBe(oldId(d));
    expect(identityLogicalId('goo.ne.jp')).toBe('GooNeJpIdentity');
    expect(identityLogicalId('dev.goo.ne.jp')).toBe('DevGooNeJpIdentity');
  });

  it('tell dev.goo.ne.jp and dev-goo.ne.jp apart (the old derivation did not)', () => {
    expect(oldId('dev-goo.ne.jp')).toBe(oldId('dev.goo.ne.jp'));
    expect(identityLogicalId('dev-goo.ne.jp')).toBe('xdevHgooDneDjpIdentity');
    expect(identityLogicalId('dev-goo.ne.jp')).not.toBe(identityLogicalId('dev.goo.ne.jp'));
    expect(identityLogicalId('a1.b.jp')).not.toBe(identityLogicalId('a.1b.jp'));
  });

  it('never give two distinct domains one id, and always a valid CloudFormation id (property)', () => {
    let oldCollisions = 0;
    fc.assert(
      fc.property(fc.uniqueArray(domain, { minLength: 2, maxLength: 40 }), (generated) => {
        // each domain with its look-alikes: one separator swapped (dev.goo.ne.jp / dev-goo.ne.jp)
        const variants = generated.flatMap((d) =>
          [...d.matchAll(/[.-]/g)].map(
            (m) => `${d.slice(0, m.index)}${m[0] === '.' ? '-' : '.'}${d.slice(m.index + 1)}`,
          ),
        );
        const valid = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
        const domains = [...new Set([...generated, ...variants])].filter((d) => valid.test(d));
        const ids = domains.map(identityLogicalId);
        expect(new Set(ids).size).toBe(domains.length);
        for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{1,255}$/);
        if (new Set(domains.map(oldId)).size < domains.length) oldCollisions++;
      }),
      { numRuns: 500 },
    );
    // the generator does reach inputs that collided before: the property can fail
    expect(oldCollisions).toBeGreaterThan(50);
  });

  it('puts both identities in the ses template when the domains differ only by a dot and a hyphen', () => {
    const prod = loadEnv('prod');
    const cfg = {
      ...prod,
      ses: {
        ...prod.ses,
        domains: [
          { ...prod.ses.domains[0]!, name: 'dev.goo.ne.jp' },
          { ...prod.ses.domains[0]!, name: 'dev-goo.ne.jp' },
        ],
      },
    };
    const { files } = generateAll([cfg], fakeBundles());
    const ses = JSON.parse(files.get('templates/prod/ses.json')!) as {
      Resources: Record<string, { Type: string; Properties: { EmailIdentity?: string } }>;
    };
    const identities = Object.entries(ses.Resources)
      .filter(([, r]) => r.Type === 'AWS::SES::EmailIdentity')
      .map(([id, r]) => [id, r.Properties.EmailIdentity]);
    expect(identities).toEqual([
      ['DevGooNeJpIdentity', 'dev.goo.ne.jp'],
      ['xdevHgooDneDjpIdentity', 'dev-goo.ne.jp'],
    ]);
  });

  it('refuse to overwrite an id, naming both inputs', () => {
    const record: Record<string, number> = {};
    const inputs = new Map<string, string>();
    addUnique(record, 'AIdentity', 1, 'environments/prod.yaml ses.domains[0].name "a.jp"', inputs);
    expect(() =>
      addUnique(record, 'AIdentity', 2, 'environments/prod.yaml ses.domains[1].name "a-jp"', inputs),
    ).toThrow(
      'logical id AIdentity would be used twice: by environments/prod.yaml ses.domains[0].name "a.jp" and by environments/prod.yaml ses.domains[1].name "a-jp"',
    );
    expect(record).toEqual({ AIdentity: 1 });
  });
});
