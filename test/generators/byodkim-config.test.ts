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
      /byodkim\.dnsRequestSender.*required when a domain of ses\.domains has a dnsTeam/,
    );
    expect(lines(withByodkim('  dnsRequestSender: byodkim@other.example'))[0]).toMatch(
      /byodkim\.dnsRequestSender.*byodkim@other\.example.*at one of ses\.domains/,
    );
  });
});
