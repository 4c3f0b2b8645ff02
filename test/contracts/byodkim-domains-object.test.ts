/**
 * The BYODKIM domain list object (issue #14 item 2): one codec for DOMAINS_JSON and the object, deterministic
 * bytes whose SHA-256 names the key, refused when the bytes do not match the key; generate writes the same bytes
 * every run and a new key when the list changes.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CONFIG_OBJECT_KEY, sha256Hex } from '../../contracts/artifacts.js';
import {
  type ByodkimDomain,
  byodkimDomainsObject,
  decodeByodkimDomainsObject,
  encodeByodkimDomains,
  parseByodkimDomains,
} from '../../contracts/functions/byodkim.js';
import { generateAll } from '../../generators/generate.js';
import { pruneConfigObjects, writeConfigObjects } from '../../scripts/lib/config-objects.js';
import { fakeBundles, loadEnv } from '../support/templates.js';

const fail = (m: string) => new RangeError(m);
const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const domains = fc.uniqueArray(
  fc.record(
    {
      domain: fc.tuple(label, label, fc.constantFrom('jp', 'com', 'co.jp')).map((p) => p.join('.')),
      rotationIntervalDays: fc.integer({ min: 30, max: 730 }),
      hostedZoneId: fc.stringMatching(/^Z[A-Z0-9]{1,31}$/),
    },
    { requiredKeys: ['domain', 'rotationIntervalDays'] },
  ),
  { selector: (d) => d.domain, maxLength: 30 },
);

describe('domain list codec', () => {
  it('round trip: encode, then decode through the object or DOMAINS_JSON, gives the list back', () => {
    fc.assert(
      fc.property(domains, (list: ByodkimDomain[]) => {
        const o = byodkimDomainsObject('prod', list);
        expect(decodeByodkimDomainsObject(o.key, o.body, fail)).toEqual(list);
        expect(parseByodkimDomains(encodeByodkimDomains(list), fail)).toEqual(list);
      }),
    );
  });

  it('same list, same bytes and key whatever the order of fields; another list, another key', () => {
    const a = byodkimDomainsObject('prod', [
      { domain: 'goo.ne.jp', rotationIntervalDays: 365, hostedZoneId: 'Z1' },
    ]);
    const b = byodkimDomainsObject('prod', [
      { hostedZoneId: 'Z1', rotationIntervalDays: 365, domain: 'goo.ne.jp' },
    ]);
    expect(b).toEqual(a);
    expect(a.body).toBe('[\n{"domain":"goo.ne.jp","hostedZoneId":"Z1","rotationIntervalDays":365}\n]\n');
    expect(a.key).toBe(`config/prod/byodkim-domains/${sha256Hex(a.body)}.json`);
    expect(a.key).toMatch(CONFIG_OBJECT_KEY);
    const c = byodkimDomainsObject('prod', [
      { domain: 'goo.ne.jp', rotationIntervalDays: 180, hostedZoneId: 'Z1' },
    ]);
    expect(c.key).not.toBe(a.key);
    expect(
      byodkimDomainsObject('dev', [{ domain: 'goo.ne.jp', rotationIntervalDays: 365, hostedZoneId: 'Z1' }])
        .key,
    ).not.toBe(a.key);
    expect(byodkimDomainsObject('prod', []).body).toBe('[]\n');
  });

  it('refuses bytes that do not hash to the key, a key that names no hash, and invalid entries', () => {
    const o = byodkimDomainsObject('prod', [{ domain: 'goo.ne.jp', rotationIntervalDays: 365 }]);
    expect(() => decodeByodkimDomainsObject(o.key, `${o.body} `, fail, 's3://b/k')).toThrow(
      /^s3:\/\/b\/k: the object's SHA-256 is [0-9a-f]{64} \(\d+ bytes\) but its key names [0-9a-f]{64}: the object was changed/,
    );
    expect(() => decodeByodkimDomainsObject(o.key, '', fail)).toThrow(/SHA-256/);
    expect(() => decodeByodkimDomainsObject('config/prod/byodkim-domains/x.json', o.body, fail)).toThrow(
      'DOMAINS_CONFIG_KEY is "config/prod/byodkim-domains/x.json"; allowed: config/<env>/byodkim-domains/<sha256>.json',
    );
    const bad = byodkimDomainsObject('prod', [{ domain: 'goo.ne.jp', rotationIntervalDays: 5 }]);
    expect(() => decodeByodkimDomainsObject(bad.key, bad.body, fail, 's3://b/k')).toThrow(
      /^s3:\/\/b\/k is invalid \(0\.rotationIntervalDays: whole days from/,
    );
  });
});

describe('generate and the domain list object', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('writes the same bytes every run, names them in the template, and a new key when a domain changes', () => {
    const run = () => generateAll([loadEnv('prod'), loadEnv('dev')], fakeBundles());
    const [first, second] = [run(), run()];
    expect([...second.configObjects]).toEqual([...first.configObjects]);
    expect([...second.files]).toEqual([...first.files]);
    const domainLists = [...first.configObjects].filter(([k]) => k.includes('/byodkim-domains/'));
    expect(domainLists.map(([k]) => k.split('/').slice(0, 3).join('/'))).toEqual([
      'config/dev/byodkim-domains',
      'config/prod/byodkim-domains',
    ]);
    for (const [key, body] of domainLists) {
      expect(key.endsWith(`/${sha256Hex(body)}.json`)).toBe(true);
      const env = key.split('/')[1]!;
      expect(first.files.get(`templates/${env}/byodkim.json`)).toContain(`"DOMAINS_CONFIG_KEY": "${key}"`);
    }
    const prod = loadEnv('prod');
    const changed = {
      ...prod,
      ses: {
        ...prod.ses,
        domains: [{ ...prod.ses.domains[0]!, rotationIntervalDays: 200 }, ...prod.ses.domains.slice(1)],
      },
    };
    const other = generateAll([changed], fakeBundles());
    const [key] = [...other.configObjects.keys()].filter((k) => k.includes('/byodkim-domains/'));
    expect(first.configObjects.has(key!)).toBe(false);
    expect(other.files.get('templates/prod/byodkim.json')).toContain(key);
  });

  it('local copies: written once under dist/, rewritten never, removed when no template names them', () => {
    dir = mkdtempSync(join(tmpdir(), 'config-objects-'));
    const a = byodkimDomainsObject('prod', [{ domain: 'goo.ne.jp', rotationIntervalDays: 365 }]);
    const b = byodkimDomainsObject('prod', [{ domain: 'goo.ne.jp', rotationIntervalDays: 180 }]);
    expect(writeConfigObjects(new Map([[a.key, a.body]]), dir)).toEqual({ written: [a.key], unchanged: 0 });
    expect(readFileSync(join(dir, 'dist', a.key), 'utf8')).toBe(a.body);
    expect(writeConfigObjects(new Map([[a.key, a.body]]), dir)).toEqual({ written: [], unchanged: 1 });
    writeConfigObjects(new Map([[b.key, b.body]]), dir);
    expect(pruneConfigObjects(new Map([[b.key, b.body]]), dir)).toEqual([join('dist', a.key)]);
    expect(readdirSync(join(dir, 'dist/config/prod/byodkim-domains'))).toEqual([b.key.split('/').pop()]);
    expect(() => writeConfigObjects(new Map([[a.key, b.body]]), dir)).toThrow(/does not name the SHA-256/);
  });
});
