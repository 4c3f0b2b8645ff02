import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnvConfig } from '../../generators/config/load.js';

const good = readFileSync('test/fixtures/environments/prod.yaml', 'utf8');

function problemsOf(text: string, file = 'environments/prod.yaml') {
  try {
    parseEnvConfig(file, text);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
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
  });

  it("fails on the seed's retention 2555 with file, line, key, value and the allowed values", () => {
    const [p, ...rest] = problemsOf(good.replace('retentionInDays: 2557', 'retentionInDays: 2555'));
    expect(rest).toEqual([]);
    expect(p).toMatchObject({
      file: 'environments/prod.yaml',
      path: 'logs.retentionInDays',
      value: 'value 2555',
    });
    expect(p!.line).toBe(good.split('\n').findIndex((l) => l.includes('retentionInDays')) + 1);
    expect(p!.allowed).toContain('1, 3, 5, 7, 14, 30');
    expect(p!.allowed).toContain('2557');
    const err = new ConfigError([p!]);
    expect(err.message).toMatch(
      /environments\/prod\.yaml:\d+: logs\.retentionInDays: value 2555 is not allowed/,
    );
  });

  it('fails on an unknown environment name, listing the allowed ones', () => {
    const [p] = problemsOf(good.replace('environment: production', 'environment: staging'));
    expect(p).toMatchObject({ path: 'environment', value: 'value "staging"' });
    expect(p!.allowed).toContain('"production", "development"');
  });

  it('fails on an unknown key (a typo must not be ignored)', () => {
    const [p] = problemsOf(good.replace('retainData: true', 'retainDta: true'));
    expect(p!.path).toBe('(top level)');
    expect(p!.allowed).toContain('"retainDta"');
  });

  it('fails on a malformed email address in a notification list', () => {
    const [p] = problemsOf(good.replace('P2: [admin@goo.ne.jp]', 'P2: [admin-at-goo.ne.jp]'));
    expect(p).toMatchObject({ path: 'notifications.P2[0]', value: 'value "admin-at-goo.ne.jp"' });
    expect(p!.allowed).toContain('email address');
  });

  it('fails when P1 has nobody to page', () => {
    const [p] = problemsOf(good.replace('P1: [admin@goo.ne.jp]', 'P1: []'));
    expect(p!.path).toBe('notifications.P1');
    expect(p!.allowed).toContain('P1 pages must reach someone');
  });

  it('fails when one address is listed twice (nobody is paged twice)', () => {
    const [p] = problemsOf(good.replace('P3: [admin@goo.ne.jp]', 'P3: [admin@goo.ne.jp, ADMIN@goo.ne.jp]'));
    expect(p!.path).toBe('notifications.P3');
    expect(p!.allowed).toContain('twice');
  });

  it('fails on a CIDR that is not one', () => {
    const [p] = problemsOf(good.replace('- 203.0.113.0/24', '- 203.0.113.0/33'));
    expect(p).toMatchObject({ path: 'security.allowedSendingCidrs[0]', value: 'value "203.0.113.0/33"' });
  });

  it('fails on a threshold outside its range', () => {
    const [p] = problemsOf(
      good.replace(
        'P1: { threshold: 5, evaluationPeriods: 2 }',
        'P1: { threshold: 150, evaluationPeriods: 2 }',
      ),
    );
    expect(p).toMatchObject({ path: 'alarms.bounceRate.P1.threshold', value: 'value 150' });
    expect(p!.allowed).toMatch(/<=\s*100/);
  });

  it('fails on a domain that is not a DNS name', () => {
    const [p] = problemsOf(good.replace('- name: goo.ne.jp', '- name: Goo_NE.jp'));
    expect(p).toMatchObject({ path: 'ses.domains[0].name', value: 'value "Goo_NE.jp"' });
  });

  it('reports every problem at once, not only the first', () => {
    const text = good
      .replace('retentionInDays: 2557', 'retentionInDays: 2555')
      .replace('environment: production', 'environment: x');
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
    expect(problems.map((p) => p.path)).toContain('(file name)');
  });
});
