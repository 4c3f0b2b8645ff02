/** BYODKIM settings of the environment file added for rotation at scale (issue #14 item 5). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnvConfig, problemLine } from '../../generators/config/load.js';

const good = readFileSync('test/fixtures/environments/prod.yaml', 'utf8');
const DOMAIN = '      rotationIntervalDays: 365   # BYODKIM key rotation (seed: yearly)';

function lines(text: string): string[] {
  try {
    parseEnvConfig('environments/prod.yaml', text);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems.map(problemLine);
  }
  throw new Error('expected a ConfigError');
}
const withDomain = (extra: string) => good.replace(DOMAIN, `${DOMAIN}\n${extra}`);
const withByodkim = (extra: string) => `${good}\nbyodkim:\n${extra}\n`;

describe('byodkim spread and DNS team settings', () => {
  it('defaults: spread 30 days, no DNS team (the P2 list), no sender', () => {
    expect(good).toContain(DOMAIN);
    expect(good).not.toMatch(/^byodkim:/m);
    const c = parseEnvConfig('environments/prod.yaml', good);
    expect(c.byodkim.rotationSpreadDays).toBe(30);
    expect(c.byodkim.dnsRequestSender).toBeUndefined();
    expect(c.ses.domains[0]!.dnsTeam).toBeUndefined();
  });

  it('accepts a per-domain DNS team with a sender at one of the domains', () => {
    const c = parseEnvConfig(
      'environments/prod.yaml',
      withByodkim('  dnsRequestSender: byodkim@goo.ne.jp').replace(
        DOMAIN,
        `${DOMAIN}\n      dnsTeam: [dns@goo.ne.jp, dns-oncall@example.co.jp]`,
      ),
    );
    expect(c.ses.domains[0]!.dnsTeam).toEqual(['dns@goo.ne.jp', 'dns-oncall@example.co.jp']);
  });

  it('names file, key, value and what is allowed', () => {
    expect(lines(withByodkim('  rotationSpreadDays: 45'))).toEqual([
      expect.stringMatching(
        /^environments\/prod\.yaml:\d+: byodkim\.rotationSpreadDays is 45: .*0.*30.*days/,
      ),
    ]);
    expect(lines(withDomain('      dnsTeam: [not-an-address]'))[0]).toMatch(
      /^environments\/prod\.yaml:\d+: ses\.domains\[0\]\.dnsTeam\[0\] is "?not-an-address"?: .*email address/,
    );
    expect(lines(withDomain('      dnsTeam: []'))[0]).toMatch(
      /ses\.domains\[0\]\.dnsTeam.*at least one address/,
    );
    // A DNS team needs a sender; the sender must be at a configured domain.
    expect(lines(withDomain('      dnsTeam: [dns@goo.ne.jp]'))[0]).toMatch(
      /byodkim\.dnsRequestSender.*required because ses\.domains\[0\] \(goo\.ne\.jp\) has a dnsTeam/,
    );
    expect(lines(withByodkim('  dnsRequestSender: byodkim@other.example'))[0]).toMatch(
      /byodkim\.dnsRequestSender.*byodkim@other\.example.*at one of ses\.domains/,
    );
  });

  // Review findings (minor): wording, an example sender, the line of the dnsTeam, the spread's silent halving.
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

  it('a missing sender points at the line of the first dnsTeam and suggests an address at the first domain', () => {
    const text = withDomain('      dnsTeam: [dns@goo.ne.jp]');
    expect(lines(text)).toEqual([
      `environments/prod.yaml:${lineOf(text, 'dnsTeam:')}: byodkim.dnsRequestSender is missing: add it; it is required ` +
        'because ses.domains[0] (goo.ne.jp) has a dnsTeam (this line): the From address of the DNS request mail, ' +
        'at one of ses.domains, e.g. `byodkim: { dnsRequestSender: dns-requests@goo.ne.jp }`',
    ]);
    const other = withByodkim('  dnsRequestSender: byodkim@other.example');
    expect(lines(other)).toEqual([
      `environments/prod.yaml:${lineOf(other, 'dnsRequestSender:')}: byodkim.dnsRequestSender is "byodkim@other.example": ` +
        'it must be an address at one of ses.domains (e.g. dns-requests@goo.ne.jp): SES sends only from verified identities',
    ]);
  });

  it('a dnsTeam of 51 addresses: "it must have at most 50 addresses"', () => {
    const many = Array.from({ length: 51 }, (_, i) => `dns${i}@goo.ne.jp`).join(', ');
    const got = lines(
      withByodkim('  dnsRequestSender: byodkim@goo.ne.jp').replace(
        DOMAIN,
        `${DOMAIN}\n      dnsTeam: [${many}]`,
      ),
    );
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(
      /ses\.domains\[0\]\.dnsTeam is .*: it must have at most 50 addresses \(recipients of one SES message\)$/,
    );
  });

  it('an explicit rotationSpreadDays above half an interval is refused (naming the domain); the default is capped', () => {
    const short = good.replace(DOMAIN, '      rotationIntervalDays: 40');
    expect(short).not.toBe(good);
    // Left out: the default 30 is capped to 20 for this domain (handlers: effectiveSpreadDays), no error.
    expect(parseEnvConfig('environments/prod.yaml', short).byodkim.rotationSpreadDays).toBe(30);
    const text = `${short}\nbyodkim:\n  rotationSpreadDays: 30\n`;
    expect(lines(text)).toEqual([
      `environments/prod.yaml:${lineOf(text, 'rotationSpreadDays:')}: byodkim.rotationSpreadDays is 30: it must be at ` +
        "most half of every domain's rotationIntervalDays: ses.domains[0] goo.ne.jp (rotationIntervalDays 40: at most " +
        '20); set it to 20 or less, raise those intervals, or leave the key out (the default 30 is capped per domain ' +
        'to half its interval)',
    ]);
    expect(
      parseEnvConfig('environments/prod.yaml', `${short}\nbyodkim:\n  rotationSpreadDays: 20\n`).byodkim
        .rotationSpreadDays,
    ).toBe(20);
  });
});
