import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnvConfig, problemLine } from '../../generators/config/load.js';

const good = readFileSync('test/fixtures/environments/prod.yaml', 'utf8');
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

function problemsOf(text: string, file = 'environments/prod.yaml') {
  try {
    parseEnvConfig(file, text);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

/** The one line printed for a file with one problem. */
function lineFor(text: string, file = 'environments/prod.yaml'): string {
  const problems = problemsOf(text, file);
  expect(problems).toHaveLength(1);
  return problemLine(problems[0]!);
}

/** prod.yaml with `find` replaced (which must occur). */
function edit(find: string, replace: string, base = good): string {
  expect(base).toContain(find);
  return base.replace(find, replace);
}

describe('environment config', () => {
  it('accepts the shipped environments and applies defaults', () => {
    const prod = parseEnvConfig('environments/prod.yaml', good);
    expect(prod.sceptreEnv).toBe('prod');
    expect(prod.retain).toBe(true);
    expect(prod.logs.retentionInDays).toBe(2557);
    const dev = parseEnvConfig(
      'environments/dev.yaml',
      readFileSync('test/fixtures/environments/dev.yaml', 'utf8'),
    );
    expect(dev.retain).toBe(false);
    expect(dev.alarms.bounceRate.P1).toEqual({ threshold: 5, evaluationPeriods: 2 });
    expect(dev.notifications.P2).toEqual([]);
    expect(dev.archive.transitionToGlacierDays).toBeNull();
  });

  it("fails on the seed's retention 2555 with file, line, key, value and the allowed values", () => {
    const text = edit('retentionInDays: 2557', 'retentionInDays: 2555');
    const [p, ...rest] = problemsOf(text);
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ file: 'environments/prod.yaml', path: 'logs.retentionInDays', value: '2555' });
    expect(p!.line).toBe(lineOf(text, 'retentionInDays'));
    expect(problemLine(p!)).toBe(
      `environments/prod.yaml:${p!.line}: logs.retentionInDays is 2555: it must be one of CloudWatch's retention ` +
        'periods: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (days)',
    );
  });

  it('accepts any environment name (staging, qa) and refuses one that cannot be part of a name', () => {
    expect(
      parseEnvConfig('environments/staging.yaml', edit('environment: production', 'environment: staging'))
        .environment,
    ).toBe('staging');
    expect(
      parseEnvConfig('environments/qa.yaml', edit('environment: production', 'environment: qa')).retain,
    ).toBe(true); // retainData: true in the file
    expect(lineFor(edit('environment: production', 'environment: Staging_1'))).toBe(
      'environments/prod.yaml:5: environment is "Staging_1": it must be a name such as production, development, ' +
        'staging or qa: lower-case letters, digits and hyphens, starting with a letter',
    );
  });

  it('refuses an environment name whose names would not fit AWS limits', () => {
    expect(lineFor(edit('environment: production', 'environment: production-copy-two'))).toBe(
      'environments/prod.yaml:5: environment is "production-copy-two": it must be shorter: the name prefix ' +
        '"ses-migration-production-copy-two" (projectCode-environment) has 33 characters, at most 30 fit every AWS ' +
        'name limit (e.g. the IAM role <prefix>-byodkim-validation-check-schedule, 64 at most)',
    );
  });

  it('reports an unknown key on its own line, with the known keys there', () => {
    expect(lineFor(edit('retainData: true', 'retainDta: true'))).toBe(
      'environments/prod.yaml:7: retainDta is not a known key: remove it or fix its spelling (known keys at the top ' +
        'level: projectCode, environment, accountId, profile, roleArn, region, retainData, ses, notifications, alarms, byodkim, logs, archive, security, ci, artifacts, reports, lambda)',
    );
    const text = edit('  minimumSendVolume: 100', '  minimumSendVolume: 100\n  bounceRat: 3');
    expect(lineFor(text)).toBe(
      `environments/prod.yaml:${lineOf(text, 'bounceRat:')}: alarms.bounceRat is not a known key: remove it or fix ` +
        'its spelling (known keys under alarms: bounceRate, complaintRate, sendSuccessRate, applicationErrors, ' +
        'minimumSendVolume, deliveryLatencyP90Ms, firehoseFreshnessSeconds)',
    );
  });

  it('fails on a malformed email address in a notification list, on the line of the item', () => {
    expect(lineFor(edit('P2: [admin@goo.ne.jp]', 'P2: [admin-at-goo.ne.jp]'))).toBe(
      'environments/prod.yaml:16: notifications.P2[0] is "admin-at-goo.ne.jp": it must be an email address such as ops@example.co.jp',
    );
  });

  it('says "missing" for a missing key, and what to add', () => {
    expect(lineFor(edit('  P1: [admin@goo.ne.jp]\n', ''))).toBe(
      'environments/prod.yaml:14: notifications.P1 is missing: add it; it must be a list of email addresses such as [ops@example.co.jp]',
    );
  });

  it('fails when P1 has nobody to page', () => {
    expect(lineFor(edit('P1: [admin@goo.ne.jp]', 'P1: []'))).toBe(
      'environments/prod.yaml:15: notifications.P1 is []: it needs at least one address: P1 pages must reach someone',
    );
  });

  it('fails when one address is listed twice (nobody is paged twice)', () => {
    const [p] = problemsOf(edit('P3: [admin@goo.ne.jp]', 'P3: [admin@goo.ne.jp, ADMIN@goo.ne.jp]'));
    expect(p!.path).toBe('notifications.P3');
    expect(p!.allowed).toContain('twice');
  });

  it('reads the account id, which must be 12 digits in quotes; a role must be in that account', () => {
    expect(parseEnvConfig('environments/prod.yaml', good).accountId).toBe('123456789012');
    const quoted = "accountId: '123456789012'";
    expect(lineFor(edit(quoted, 'accountId: 123456789012'))).toMatch(
      /accountId is 123456789012: it must be the 12-digit AWS account id in quotes/,
    );
    expect(lineFor(edit(quoted, "accountId: '12345'"))).toMatch(
      /accountId is "12345": it must be the 12-digit AWS account id in quotes/,
    );
    expect(lineFor(edit(quoted, `${quoted}\nroleArn: arn:aws:iam::222222222222:role/deploy`))).toMatch(
      /roleArn .*roleArn must be a role in the account accountId names/,
    );
  });

  it('fails on a threshold outside its range, on the line of the key, in plain words', () => {
    const text = edit(
      'P1: { threshold: 5, evaluationPeriods: 2 }',
      'P1:\n      threshold: 150\n      evaluationPeriods: 2',
    );
    expect(lineFor(text)).toBe(
      `environments/prod.yaml:${lineOf(text, 'threshold: 150')}: alarms.bounceRate.P1.threshold is 150: it must be a number from 0.01 to 100 percent`,
    );
  });

  it('names the kind of value wanted, never "a object"', () => {
    const text = edit(
      'alarms:                      # seed',
      'alarmz: 1\nalarms:                      # seed',
    );
    expect(problemsOf(text).map(problemLine)).toEqual([
      'environments/prod.yaml:24: alarmz is not a known key: remove it or fix its spelling (known keys at the top level: projectCode, environment, accountId, profile, roleArn, region, retainData, ses, notifications, alarms, byodkim, logs, archive, security, ci, artifacts, reports, lambda)',
    ]);
    expect(
      lineFor(
        edit(
          '  bounceRate:\n    P1: { threshold: 5, evaluationPeriods: 2 }\n    P2: { threshold: 2, evaluationPeriods: 3 }\n    P3: { threshold: 1, evaluationPeriods: 5 }',
          '  bounceRate: 3',
        ),
      ),
    ).toBe(
      'environments/prod.yaml:25: alarms.bounceRate is 3: it must be a mapping (indented `key: value` lines)',
    );
    expect(lineFor(edit('auditArchiveReads: true', 'auditArchiveReads: yes please'))).toBe(
      'environments/prod.yaml:51: security.auditArchiveReads is "yes please": it must be true or false',
    );
  });

  it('fails on a domain that is not a DNS name', () => {
    expect(lineFor(edit('- name: goo.ne.jp', '- name: Goo_NE.jp'))).toBe(
      'environments/prod.yaml:11: ses.domains[0].name is "Goo_NE.jp": it must be a lower-case DNS domain name such as goo.ne.jp',
    );
  });

  it('refuses a domain listed twice, naming both places', () => {
    const text = edit(
      '      rotationIntervalDays: 365   # BYODKIM key rotation (seed: yearly)',
      '      rotationIntervalDays: 365\n    - name: goo.ne.jp\n      rotationIntervalDays: 180',
    );
    expect(lineFor(text)).toBe(
      'environments/prod.yaml:13: ses.domains[1].name is "goo.ne.jp": it must be listed once: ses.domains[0].name (line 11) is the same domain',
    );
  });

  describe('CIDR ranges (parsed by ipaddr.js)', () => {
    const cidr = (range: string) => lineFor(edit('- 203.0.113.0/24', `- "${range}"`));
    it.each([
      '2001:db8:::::/64',
      ':::/1',
      '203.0.113.0/33',
      '2001:db8::/129',
      '127.1/8',
      '0x7f.0.0.0/8',
      '203.0.113.0',
      'goo.ne.jp/24',
    ])('refuses %s', (range) => {
      expect(cidr(range)).toBe(
        `environments/prod.yaml:49: security.allowedSendingCidrs[0] is "${range}": it must be an IPv4 or IPv6 CIDR range such as 203.0.113.0/24 or 2001:db8::/32`,
      );
    });
    it.each(['203.0.113.0/24', '2001:db8::/32', '10.0.0.0/8', '2001:db8:0:0::/64', '198.51.100.7/32'])(
      'accepts %s',
      (range) => {
        const cfg = parseEnvConfig('environments/prod.yaml', edit('- 203.0.113.0/24', `- "${range}"`));
        expect(cfg.security.allowedSendingCidrs).toEqual([range]);
      },
    );
    it('refuses a range with host bits set, naming the network', () => {
      expect(cidr('203.0.113.5/24')).toBe(
        'environments/prod.yaml:49: security.allowedSendingCidrs[0] is "203.0.113.5/24": it must start at its network address: with /24 that is 203.0.113.0/24 (the address given has host bits set)',
      );
    });
    it.each([
      ['0.0.0.0/0', 'IPv4'],
      ['::/0', 'IPv6'],
    ])('refuses the allow-all %s unless the file confirms it', (range, family) => {
      expect(cidr(range)).toBe(
        `environments/prod.yaml:49: security.allowedSendingCidrs[0] is "${range}": it must not be an allow-all range: it admits every ${family} address and lifts the sending IP restriction; list your senders' ranges, or confirm with security.allowAllSendingCidrsConfirmed: true`,
      );
      const confirmed = edit(
        '  allowedVpcEndpointIds: []',
        '  allowedVpcEndpointIds: []\n  allowAllSendingCidrsConfirmed: true',
        edit('- 203.0.113.0/24', `- "${range}"`),
      );
      expect(parseEnvConfig('environments/prod.yaml', confirmed).security.allowedSendingCidrs).toEqual([
        range,
      ]);
    });
  });

  describe('alarm tiers', () => {
    const alarmsBlock = good.slice(good.indexOf('alarms:'), good.indexOf('  minimumSendVolume'));
    const withAlarms = (yaml: string) => good.replace(alarmsBlock, `alarms:\n${yaml}`);

    it('merges a partial tier override with the defaults', () => {
      const cfg = parseEnvConfig(
        'environments/prod.yaml',
        withAlarms('  bounceRate:\n    P1: { threshold: 6 }\n'),
      );
      expect(cfg.alarms.bounceRate).toEqual({
        P1: { threshold: 6, evaluationPeriods: 2 },
        P2: { threshold: 2, evaluationPeriods: 3 },
        P3: { threshold: 1, evaluationPeriods: 5 },
      });
      expect(cfg.alarms.sendSuccessRate.P3).toEqual({ threshold: 99, evaluationPeriods: 3 });
    });

    it('refuses a P1 bounce threshold below P2 (P1 would fire first)', () => {
      const text = withAlarms('  bounceRate:\n    P1:\n      threshold: 0.5\n');
      expect(problemsOf(text).map(problemLine)).toEqual([
        `environments/prod.yaml:${lineOf(text, 'threshold: 0.5')}: alarms.bounceRate.P1.threshold is 0.5: it must be at least P2's threshold (2, the default), so that P1 fires only on the worst bounce rate (P1 ≥ P2 ≥ P3)`,
      ]);
    });

    it('blames the key the file sets when a default is on the other side', () => {
      const text = withAlarms('  complaintRate:\n    P3: { threshold: 0.2 }\n');
      expect(problemsOf(text).map((p) => [p.path, p.allowed])).toEqual([
        [
          'alarms.complaintRate.P3.threshold',
          "must be at most P2's threshold (0.05, the default), so that P1 fires only on the worst complaint rate (P1 ≥ P2 ≥ P3)",
        ],
      ]);
    });

    it('wants send success rate tiers the other way round (alarm below)', () => {
      const text = withAlarms('  sendSuccessRate:\n    P1: { threshold: 99.5 }\n');
      expect(problemsOf(text).map(problemLine)).toEqual([
        `environments/prod.yaml:${lineOf(text, '99.5')}: alarms.sendSuccessRate.P1.threshold is 99.5: it must be at most P2's threshold (98, the default), so that P1 fires only on the worst send success rate (P1 ≤ P2 ≤ P3)`,
      ]);
    });

    it('accepts equal tiers and the shipped order', () => {
      const cfg = parseEnvConfig(
        'environments/prod.yaml',
        withAlarms('  applicationErrors:\n    P1: { threshold: 20 }\n    P2: { threshold: 20 }\n'),
      );
      expect(cfg.alarms.applicationErrors.P1.threshold).toBe(20);
    });
  });

  describe('archive lifecycle', () => {
    const withArchive = (yaml: string) => `${good}\narchive:\n${yaml}`;
    it('refuses a Glacier transition at or after expiration', () => {
      const text = withArchive('  transitionToGlacierDays: 400\n  expirationDays: 365\n');
      expect(lineFor(text)).toBe(
        `environments/prod.yaml:${lineOf(text, 'transitionToGlacierDays')}: archive.transitionToGlacierDays is 400: it must be below archive.expirationDays (365): objects cannot move to Glacier after they expire; write null for no transition`,
      );
    });
    it('blames expirationDays when the transition is the default', () => {
      const text = withArchive('  expirationDays: 60\n');
      expect(lineFor(text)).toBe(
        `environments/prod.yaml:${lineOf(text, 'expirationDays')}: archive.expirationDays is 60: it must be above archive.transitionToGlacierDays (90, the default), or set archive.transitionToGlacierDays: null (no Glacier transition)`,
      );
    });
    it('accepts null: no transition', () => {
      const cfg = parseEnvConfig(
        'environments/prod.yaml',
        withArchive('  transitionToGlacierDays: null\n  expirationDays: 30\n'),
      );
      expect(cfg.archive).toEqual({ transitionToGlacierDays: null, expirationDays: 30 });
    });
  });

  it('reports every problem at once, not only the first', () => {
    const text = edit('retentionInDays: 2557', 'retentionInDays: 2555').replace(
      'environment: production',
      'environment: X',
    );
    expect(
      problemsOf(text)
        .map((p) => p.path)
        .sort(),
    ).toEqual(['environment', 'logs.retentionInDays']);
  });

  it('fails on invalid YAML with the line', () => {
    const [p] = problemsOf('ses: [\n');
    expect(p!.path).toBe('(YAML syntax)');
    expect(p!.line).toBeGreaterThan(0);
  });

  it('fails on a file name that cannot be a Sceptre environment', () => {
    const problems = problemsOf(good, 'environments/Prod Env.yaml');
    expect(problems.map(problemLine)).toEqual([
      'environments/Prod Env.yaml: the file name gives the Sceptre environment "Prod Env": it must be 1-20 lower-case letters, digits or hyphens, starting with a letter (rename the file, e.g. staging.yaml)',
    ]);
  });

  it('never words a message like a schema library', () => {
    const texts = [
      edit('p1RenotifyMinutes: 15', 'p1RenotifyMinutes: 2.5'),
      edit('p1RenotifyMinutes: 15', 'p1RenotifyMinutes: "15"'),
      edit('region: ap-northeast-1', 'region: us-east-1'),
      edit('  P1: [admin@goo.ne.jp]\n', ''),
      'environment: production\n',
      '- a list\n',
    ].flatMap((t) => problemsOf(t).map(problemLine));
    for (const line of texts) {
      expect(line).toMatch(/^environments\/prod\.yaml(:\d+)?: /);
      expect(line).not.toMatch(
        /a object|to be <=|to be >=|is missing; is not allowed|Invalid input|expected \w+, received|Too (small|big)/,
      );
    }
    expect(texts).toContain(
      'environments/prod.yaml:6: region is "us-east-1": it must be ap-northeast-1: only Tokyo is supported',
    );
    expect(texts).toContain(
      'environments/prod.yaml:19: notifications.escalation.p1RenotifyMinutes is 2.5: it must be a whole number from 5 to 1440 minutes',
    );
  });
});
