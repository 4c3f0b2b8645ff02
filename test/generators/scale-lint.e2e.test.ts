/**
 * Issue #14: a 1,000-domain environment (42-character names, each with its own DNS team, `ses.identityStacks: 3`) generates within every AWS
 * limit of contracts/limits.ts and its templates are cfn-lint clean (errors, warnings and informational, as
 * `npm run lint:templates`) and checkov clean (every suppression justified). The configuration exists only in
 * this test: the templates go to a temporary directory, never to sceptre/ or environments/.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEnvConfig } from '../../generators/config/load.js';
import { generateAll } from '../../generators/generate.js';
import { fakeBundles } from '../support/templates.js';

const DOMAINS = 1000;
const domain = (i: number) => `m${String(i).padStart(4, '0')}.tenant-platform.example-mailer.co.jp`;

const dir = mkdtempSync(join(tmpdir(), 'scale-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 900_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

describe(`${DOMAINS} sending domains of 42 characters`, () => {
  const files: string[] = [];

  it('generate accepts it: every template within the AWS limits', () => {
    const file = 'test/fixtures/environments/prod.yaml';
    const base = parseEnvConfig(file, readFileSync(file, 'utf8'));
    expect(domain(0)).toHaveLength(42);
    const cfg = {
      ...base,
      ses: {
        ...base.ses,
        identityStacks: 3,
        // Each domain with a DNS team at its own mail domain: the DNS-team mail policies at their largest.
        domains: Array.from({ length: DOMAINS }, (_, i) => ({
          ...base.ses.domains[0]!,
          name: domain(i),
          dnsTeam: [`dns@${domain(i)}`],
        })),
      },
      byodkim: { ...base.byodkim, dnsRequestSender: `byodkim@${domain(0)}` },
      ...(base.reports ? { reports: { ...base.reports, sender: `reports@${domain(0)}` } } : {}),
    };
    // Throws LimitsError, one line per limit, stack and resource, if anything is over.
    const generated = generateAll([cfg], fakeBundles());
    for (const [path, body] of generated.files) {
      if (!path.startsWith('templates/')) continue;
      const out = join(dir, path);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, body);
      files.push(out);
    }
    expect(files.map((f) => f.split('/').pop()).sort()).toEqual(
      expect.arrayContaining(['ses.json', 'ses-identities-1.json', 'ses-identities-2.json']),
    );
  });

  it('cfn-lint: clean, informational findings included', () => {
    expect(files.length).toBeGreaterThan(0);
    const r = run('uv', [
      'run',
      '--frozen',
      'cfn-lint',
      '--include-checks',
      'I',
      '--non-zero-exit-code',
      'informational',
      '--',
      ...files,
    ]);
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  }, 900_000);

  it('every checkov suppression carries its reason', () => {
    expect(files.length).toBeGreaterThan(0);
    const r = run(process.execPath, ['scripts/run.mjs', 'scripts/check-suppressions.ts', ...files]);
    expect(r.status, r.out).toBe(0);
  }, 300_000);

  it('checkov: clean', () => {
    expect(files.length).toBeGreaterThan(0);
    const r = run('uv', [
      'run',
      '--frozen',
      '--project',
      'tools/checkov',
      'checkov',
      '--quiet',
      '--compact',
      '--framework',
      'cloudformation',
      '--skip-download',
      '--skip-results-upload',
      '-d',
      join(dir, 'templates'),
    ]);
    expect(r.status, r.out.slice(-4000)).toBe(0);
    expect(r.out).toMatch(/Passed checks: [1-9]\d*, Failed checks: 0/);
  }, 900_000);
});
