/**
 * `npm run generate` as a process in a temporary copy of the project (never the real sceptre/): environment
 * files as a new operator would get them wrong, and randomly broken files (property). A refused run prints one
 * plain line per problem, exits 1 and leaves sceptre/ byte for byte as it was.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_ENV_DIR } from '../support/templates.js';
import { invalidConfig, UNPLAIN } from './invalid-configs.js';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function hashTree(dir: string, prefix = ''): Record<string, string> {
  if (!existsSync(dir)) return {};
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) Object.assign(out, hashTree(full, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = createHash('sha256').update(readFileSync(full)).digest('hex');
  }
  return out;
}

let root = '';
let env = '';
const sceptre = () => hashTree(join(root, 'sceptre'));

function generate(...args: string[]) {
  // after the first run, the bundled generate script is reused (no esbuild step per run)
  const built = join(root, '.build', 'generate.mjs');
  const argv = existsSync(built) ? [built, ...args] : ['scripts/run.mjs', 'scripts/generate.ts', ...args];
  const r = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Resets environments/ to the prod and dev fixtures. */
function resetEnvironments(): void {
  rmSync(env, { recursive: true, force: true });
  mkdirSync(env);
  for (const f of ['prod.yaml', 'dev.yaml']) cpSync(join(FIXTURE_ENV_DIR, f), join(env, f));
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'generate-envs-'));
  roots.push(root);
  for (const d of ['contracts', 'lib', 'generators', 'handlers', 'scripts', 'node_modules'])
    if (existsSync(d)) symlinkSync(resolve(d), join(root, d));
  cpSync('package.json', join(root, 'package.json'));
  env = join(root, 'environments');
  resetEnvironments();
  const first = generate();
  expect(first.status, first.stderr).toBe(0);
}, 120_000);

/** Runs generate on a broken environments/ and checks it is refused with `expected` and writes nothing. */
function expectRefused(expected: string) {
  const before = sceptre();
  const r = generate();
  expect(r.status, r.stdout).toBe(1);
  expect(r.stderr).toContain(expected);
  expect(r.stderr).toContain('nothing was written.');
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(sceptre()).toEqual(before);
  return r.stderr;
}

describe('environment files as an operator gets them wrong', () => {
  it('prod-copy.yaml (a copy of prod) is refused: it would reuse production names', () => {
    resetEnvironments();
    cpSync(join(env, 'prod.yaml'), join(env, 'prod-copy.yaml'));
    expectRefused(
      'environments/prod-copy.yaml:5: environment is "production": it must differ from environments/prod.yaml:5, which has the same projectCode and environment: both would create the resources named ses-migration-production-... (give this file its own environment, e.g. environment: prod-copy)',
    );
  });

  it('dev2.yaml (a copy of dev) is refused, and so is its domain', () => {
    resetEnvironments();
    cpSync(join(env, 'dev.yaml'), join(env, 'dev2.yaml'));
    const err = expectRefused(
      'environments/dev2.yaml:4: environment is "development": it must differ from environments/dev.yaml:4',
    );
    expect(err).toContain(
      'environments/dev2.yaml:10: ses.domains[0].name is "dev.goo.ne.jp": it must not also be in environments/dev.yaml:10 (ses.domains[0].name)',
    );
  });

  it('dev.yml beside dev.yaml is refused: never two files for one environment', () => {
    resetEnvironments();
    cpSync(join(env, 'dev.yaml'), join(env, 'dev.yml'));
    expectRefused(
      'environments/dev.yml: is a second file for the Sceptre environment "dev" (environments/dev.yaml is the other): keep one of them',
    );
  });

  it('a .yml file alone is an environment', () => {
    resetEnvironments();
    cpSync(join(env, 'dev.yaml'), join(env, 'dev.yml'));
    unlinkSync(join(env, 'dev.yaml'));
    const templates = () => hashTree(join(root, 'sceptre', 'templates'));
    const before = templates();
    const r = generate();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('generated 31 files for dev, prod');
    expect(templates()).toEqual(before); // the Sceptre config names the source file, the templates are the same
    resetEnvironments();
    expect(generate().status).toBe(0);
  });

  it('editor lock, backup and hidden files are ignored, with a note', () => {
    resetEnvironments();
    symlinkSync('user@host.1234:1700000000', join(env, '.#dev.yaml')); // what Emacs leaves: a dangling link
    cpSync(join(env, 'dev.yaml'), join(env, 'dev.yaml~'));
    cpSync(join(env, 'dev.yaml'), join(env, '.dev.yaml.swp'));
    cpSync(join(env, 'dev.yaml'), join(env, '#dev.yaml#'));
    const before = sceptre();
    const r = generate();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('ignored environments/.#dev.yaml (an editor lock file)');
    expect(r.stdout).toContain('ignored environments/dev.yaml~ (an editor backup file)');
    expect(r.stdout).toContain('ignored environments/.dev.yaml.swp (a hidden file)');
    expect(r.stdout).toContain('ignored environments/#dev.yaml# (an editor backup file)');
    expect(r.stdout).toContain('generated 31 files for dev, prod');
    expect(sceptre()).toEqual(before);
  });

  it('a staging environment is generated; removing its file removes its files only when asked, with a notice', () => {
    resetEnvironments();
    const staging = readFileSync(join(env, 'dev.yaml'), 'utf8')
      .replace('environment: development', 'environment: staging')
      .replace('dev.goo.ne.jp', 'staging.goo.ne.jp');
    writeFileSync(join(env, 'staging.yaml'), staging);
    const made = generate();
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toContain('for dev, prod, staging');
    const monitoring = readFileSync(join(root, 'sceptre/templates/staging/monitoring.json'), 'utf8');
    expect(monitoring).toContain('ses-migration-staging-dashboard');
    expect(monitoring).toContain('ステージング (Staging)');
    const count = Object.keys(sceptre()).filter((f) => f.includes('/staging/')).length;
    expect(count).toBeGreaterThan(5);

    unlinkSync(join(env, 'staging.yaml'));
    expectRefused(
      'environment staging has generated files in sceptre/ but no environments/<env>.yaml any more.\nRemoving the file does not delete its deployed stacks. To delete them, restore the file and run uv run sceptre --dir sceptre delete -y staging first',
    );

    const removed = generate('--remove-environment', 'staging');
    expect(removed.status, removed.stderr).toBe(0);
    expect(removed.stdout).toContain(
      `NOTICE: removed the ${count} generated files of environment "staging" (sceptre/config/staging, sceptre/templates/staging) as --remove-environment staging asked; its deployed stacks, if any, still exist.`,
    );
    expect(Object.keys(sceptre()).filter((f) => f.includes('/staging/'))).toEqual([]);
  });

  it('--remove-environment of an environment that has no generated files is refused, listing those that do', () => {
    resetEnvironments();
    expect(generate().status).toBe(0);
    const before = sceptre();
    const r = generate('--remove-environment', 'nosuch');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "--remove-environment nosuch: sceptre/ holds no generated files of an environment 'nosuch'; generated: dev, prod " +
        '(each still has its environment file: nothing to remove)\nnothing was written.\n',
    );
    expect(sceptre()).toEqual(before);
  });

  it('an unknown argument is one line, not a stack trace', () => {
    resetEnvironments();
    const r = generate('--frobnicate');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'unknown argument "--frobnicate"; usage: npm run generate [-- --remove-environment <env>]\nnothing was written.\n',
    );
  });
});

describe('randomly broken environment files (property, generate as a process)', () => {
  it('each is refused with plain one-line messages naming the key, and sceptre/ is untouched', () => {
    resetEnvironments();
    const before = sceptre();
    let runs = 0;
    fc.assert(
      fc.property(invalidConfig, (c) => {
        runs++;
        writeFileSync(join(env, 'prod.yaml'), c.text);
        const r = generate();
        expect(r.status, `${c.kind}\n${r.stdout}${r.stderr}`).toBe(1);
        const lines = r.stderr.trimEnd().split('\n');
        expect(lines[0]).toBe('invalid configuration:');
        expect(lines.at(-1)).toBe('nothing was written.');
        for (const line of lines.slice(1, -1)) {
          expect(line).toMatch(/^ {2}environments\/prod\.yaml(:\d+)?: \S+ (is|must) /);
          expect(line).not.toMatch(UNPLAIN);
        }
        expect(lines.some((l) => c.paths.some((p) => l.includes(`: ${p} is `)))).toBe(true);
        expect(sceptre()).toEqual(before);
      }),
      { numRuns: 15 },
    );
    expect(runs).toBe(15);
    resetEnvironments();
  }, 240_000);
});
