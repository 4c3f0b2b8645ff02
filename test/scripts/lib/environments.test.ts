/** loadEnvironments across files: names unique per account, .yml/.yaml, ignored files (no process: unit tier). */
import { copyFileSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, problemLine } from '../../../generators/config/load.js';
import { loadEnvironments, notAnEnvironmentFile } from '../../../scripts/lib/environments.js';

const FIX = 'test/fixtures/environments';

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'envs-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

const prod = readFileSync(join(FIX, 'prod.yaml'), 'utf8');

function problems(d: string): string[] {
  try {
    loadEnvironments(d);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems.map(problemLine);
  }
  throw new Error('expected a ConfigError');
}

describe('environment files together', () => {
  it('refuses a copy in the same account, naming both files', () => {
    const d = dir({ 'prod.yaml': prod, 'prod-copy.yaml': prod });
    expect(problems(d)).toEqual([
      `${d}/prod-copy.yaml:5: environment is "production": it must differ from ${d}/prod.yaml:5, which has the same projectCode and environment: both would create the resources named ses-migration-production-... (give this file its own environment, e.g. environment: prod-copy)`,
      `${d}/prod-copy.yaml:11: ses.domains[0].name is "goo.ne.jp": it must not also be in ${d}/prod.yaml:11 (ses.domains[0].name): an SES identity is the domain itself, so two environments in one account would manage (and delete) the same identity`,
    ]);
  });

  it('accepts the same names in another account (names are unique per account)', () => {
    const other = prod.replace(/^accountId: .*$/m, "accountId: '999999999999'");
    expect(other).not.toBe(prod);
    const d = dir({ 'prod.yaml': prod, 'prod-b.yaml': other });
    expect(loadEnvironments(d).map((c) => c.sceptreEnv)).toEqual(['prod-b', 'prod']);
  });

  it('takes .yml, refuses .yml beside .yaml, and skips lock, backup and hidden files with a note', () => {
    const d = dir({
      'prod.yml': prod,
      'dev.yaml~': 'x',
      '#dev.yaml#': 'x',
      '.hidden.yaml': 'x',
      'notes.txt': 'x',
    });
    symlinkSync('user@host.1:1', join(d, '.#prod.yml'));
    const ignored: string[] = [];
    expect(
      loadEnvironments(d, { onIgnored: (f, why) => ignored.push(`${f}: ${why}`) }).map((c) => c.sceptreEnv),
    ).toEqual(['prod']);
    expect(ignored.sort()).toEqual(
      [
        `${d}/#dev.yaml#: an editor backup file`,
        `${d}/.#prod.yml: an editor lock file`,
        `${d}/.hidden.yaml: a hidden file`,
        `${d}/dev.yaml~: an editor backup file`,
      ].sort(),
    );
    copyFileSync(join(d, 'prod.yml'), join(d, 'prod.yaml'));
    expect(problems(d)).toEqual([
      `${d}/prod.yml: is a second file for the Sceptre environment "prod" (${d}/prod.yaml is the other): keep one of them`,
    ]);
    expect(notAnEnvironmentFile('dev.yaml.bak')).toBe('a backup or swap file');
  });
});
