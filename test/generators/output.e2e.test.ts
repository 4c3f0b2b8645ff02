/** End to end: Sceptre reads the generated project offline; `generate` runs as a process. */
import { execFileSync, spawnSync } from 'node:child_process';
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
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateAll } from '../../generators/generate.js';
import { STACKS } from '../../generators/stacks/index.js';
import { replaceDirectories } from '../../scripts/lib/fs-atomic.js';
import { FIXTURE_ENV_DIR, fakeBundles, loadEnv } from '../support/templates.js';

const envs = () => [loadEnv('prod'), loadEnv('dev')];
const tmp: string[] = [];
afterAll(() => {
  for (const d of tmp) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sesgen-'));
  tmp.push(d);
  return d;
}
function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, p: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${p}${e.name}/`);
      else
        out[`${p}${e.name}`] = createHash('sha256')
          .update(readFileSync(join(d, e.name)))
          .digest('hex');
    }
  };
  walk(dir, '');
  return out;
}

function mtimeTree(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (d: string, p: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${p}${e.name}/`);
      else out[`${p}${e.name}`] = statSync(join(d, e.name)).mtimeMs;
    }
  };
  walk(dir, '');
  return out;
}

describe('Sceptre over the generated project', () => {
  it('Sceptre resolves every stack, template path and dependency offline', () => {
    const dir = tempDir();
    const { files } = generateAll(envs(), fakeBundles());
    replaceDirectories(dir, ['templates', 'config'], files);
    for (const env of ['prod', 'dev']) {
      const listed = execFileSync('uv', ['run', '--frozen', 'sceptre', '--dir', dir, 'list', 'stacks', env], {
        encoding: 'utf8',
      });
      for (const s of STACKS) expect(listed).toContain(`${env}/${s.id}.yaml: ses-migration-${env}-${s.id}`);
      const tpls = execFileSync('uv', ['run', '--frozen', 'sceptre', '--dir', dir, 'dump', 'template', env], {
        encoding: 'utf8',
      });
      expect(tpls.match(/AWSTemplateFormatVersion/g)).toHaveLength(STACKS.length);
      const config = execFileSync(
        'uv',
        ['run', '--frozen', 'sceptre', '--dir', dir, 'dump', 'config', `${env}/security.yaml`],
        {
          encoding: 'utf8',
        },
      );
      // The dependency chain resolves to the stacks the security stack reads outputs from.
      for (const dep of ['base', 'enhanced-kinesis', 'ses']) {
        expect(config).toContain(`name: ${env}/${dep}\n`);
        expect(config).toContain(`external_name: ses-migration-${env}-${dep}\n`);
      }
    }
  }, 120_000);
});

describe('generate as a process', () => {
  it('npm run generate: a no-op writes nothing; a deleted output is rewritten; an invalid value is named and writes nothing', () => {
    const root = tempDir();
    for (const d of ['contracts', 'lib', 'generators', 'handlers', 'scripts', 'node_modules'])
      if (existsSync(d)) symlinkSync(resolve(d), join(root, d));
    mkdirSync(join(root, 'environments'));
    for (const f of ['prod.yaml', 'dev.yaml'])
      cpSync(join(FIXTURE_ENV_DIR, f), join(root, 'environments', f));
    cpSync('package.json', join(root, 'package.json'));
    const run = () =>
      spawnSync(process.execPath, ['scripts/generate.mjs'], {
        cwd: root,
        encoding: 'utf8',
      });
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('bundled');
    const before = hashTree(join(root, 'sceptre'));
    expect(Object.keys(before)).toContain('templates/prod/monitoring.json');
    const written = { sceptre: mtimeTree(join(root, 'sceptre')), dist: mtimeTree(join(root, 'dist')) };

    // No-op: nothing changed, so nothing is bundled, rendered or written (same bytes, same mtimes).
    const again = run();
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(
      /^generate: nothing changed since the last run \(inputs [0-9a-f]{12}\); nothing was written$/m,
    );
    expect(hashTree(join(root, 'sceptre'))).toEqual(before);
    expect({ sceptre: mtimeTree(join(root, 'sceptre')), dist: mtimeTree(join(root, 'dist')) }).toEqual(
      written,
    );

    // A deleted output is not "nothing changed": the full path writes it again, byte for byte.
    rmSync(join(root, 'sceptre', 'templates', 'dev', 'ses.json'));
    const repaired = run();
    expect(repaired.status, repaired.stderr).toBe(0);
    expect(repaired.stdout).toContain('changed sceptre/templates/dev/ses.json');
    expect(hashTree(join(root, 'sceptre'))).toEqual(before);

    // The configuration objects (per-domain data the functions read): named by the SHA-256 of their bytes, and a
    // deleted one is written again by the next run (the stamp fingerprints dist/config too).
    const objects = hashTree(join(root, 'dist', 'config'));
    expect(
      Object.keys(objects)
        .map((k) => k.replace(/[0-9a-f]{64}/, '<sha>'))
        .sort(),
    ).toEqual([
      'dev/byodkim-domains/<sha>.json',
      'dev/report-config/<sha>.json',
      'prod/byodkim-domains/<sha>.json',
      'prod/report-config/<sha>.json',
    ]);
    for (const [path, sha] of Object.entries(objects)) expect(path).toContain(`/${sha}.json`);
    const [first1] = Object.keys(objects);
    rmSync(join(root, 'dist', 'config', first1!));
    const rewritten = run();
    expect(rewritten.status, rewritten.stderr).toBe(0);
    expect(rewritten.stdout).toContain(`new dist/config/${first1}`);
    expect(hashTree(join(root, 'dist', 'config'))).toEqual(objects);

    const prod = join(root, 'environments', 'prod.yaml');
    const good = readFileSync(prod, 'utf8');
    writeFileSync(prod, good.replace('retentionInDays: 2557', 'retentionInDays: 2555'));
    const bad = run();
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(
      /environments\/prod\.yaml:\d+: logs\.retentionInDays is 2555: it must be one of CloudWatch's retention periods: 1, 3, 5/,
    );
    expect(bad.stderr).toContain('nothing was written');
    expect(hashTree(join(root, 'sceptre'))).toEqual(before);

    // The failed run left the stamp alone: with the input restored, the outputs are still current.
    writeFileSync(prod, good);
    expect(run().stdout).toContain('nothing changed since the last run');
  }, 180_000);
});
