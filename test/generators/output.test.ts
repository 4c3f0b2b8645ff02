import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateAll, INLINE_TEMPLATE_LIMIT } from '../../generators/generate.js';
import { STACK_IDS } from '../../generators/lib/template.js';
import { STACKS } from '../../generators/stacks/index.js';
import { replaceDirectories } from '../../scripts/lib/fs-atomic.js';
import { fakeBundles, loadEnv } from '../support/templates.js';

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

describe('generated output', () => {
  it('is deterministic: same input, same bytes', () => {
    const a = generateAll(envs(), fakeBundles()).files;
    const b = generateAll(envs().reverse(), fakeBundles()).files;
    expect([...b.entries()].sort()).toEqual([...a.entries()].sort());
  });

  it('writes the 10 core templates and a complete Sceptre project', () => {
    const files = [...generateAll(envs(), fakeBundles()).files.keys()];
    for (const env of ['prod', 'dev']) {
      for (const s of ['base', 'ses', 'monitoring', 'enhanced-kinesis', 'security']) {
        expect(files).toContain(`templates/${env}/${s}.json`);
        expect(files).toContain(`config/${env}/${s}.yaml`);
      }
      expect(files).toContain(`config/${env}/config.yaml`);
    }
    expect(files).toContain('config/config.yaml');
  });

  it('every template fits the inline limit (51,200 bytes with Sceptre 4-byte prefix) or goes through the bucket', () => {
    const { files } = generateAll(envs(), fakeBundles());
    const viaBucket: string[] = [];
    for (const [path, body] of files) {
      const m = path.match(/^templates\/(\w+)\/(.+)\.json$/);
      if (!m) continue;
      const config = files.get(`config/${m[1]}/${m[2]}.yaml`)!;
      if (Buffer.byteLength(body) > INLINE_TEMPLATE_LIMIT) {
        viaBucket.push(path);
        expect(config, path).toContain(
          `template_bucket_name: !stack_output ${m[1]}/base.yaml::ArtifactsBucketName`,
        );
        expect(Buffer.byteLength(body)).toBeLessThan(1_000_000); // CloudFormation's limit for S3 templates
      } else {
        expect(config, path).not.toContain('template_bucket_name');
      }
    }
    expect(viaBucket).not.toContain('templates/prod/base.json');
  });

  it('the stack graph has no cycle and the registry order is a valid launch order', () => {
    const { stacks } = generateAll(envs(), fakeBundles());
    for (const rendered of stacks.values()) {
      const position = new Map(rendered.map((r, i) => [r.definition.id, i]));
      for (const r of rendered) {
        for (const d of r.dependencies) {
          expect(position.get(d), `${r.definition.id} depends on ${d}`).toBeLessThan(
            position.get(r.definition.id)!,
          );
        }
      }
    }
    expect(STACKS.map((s) => s.id)).toEqual(STACK_IDS.filter((id) => STACKS.some((s) => s.id === id)));
  });

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

describe('atomic writes', () => {
  it('a failure before the swap leaves the previous output as it was', () => {
    const dir = tempDir();
    replaceDirectories(dir, ['templates'], new Map([['templates/a.json', '{"v":1}\n']]));
    const before = hashTree(dir);
    expect(() =>
      replaceDirectories(
        dir,
        ['templates'],
        new Map([
          ['templates/a.json', '{"v":2}\n'],
          ['elsewhere/b.json', '{}'],
        ]),
      ),
    ).toThrow(/outside the generated directories/);
    expect(hashTree(dir)).toEqual(before);
    expect(readdirSync(dir)).toEqual(['templates']);
  });

  it('removes stale files and reports what changed', () => {
    const dir = tempDir();
    replaceDirectories(
      dir,
      ['templates'],
      new Map([
        ['templates/a.json', '1'],
        ['templates/old.json', '1'],
      ]),
    );
    const report = replaceDirectories(
      dir,
      ['templates'],
      new Map([
        ['templates/a.json', '1'],
        ['templates/b.json', '2'],
      ]),
    );
    expect(report).toEqual({ changed: ['templates/b.json'], unchanged: 1, removed: ['templates/old.json'] });
  });

  it('npm run generate with an invalid value names file, key, value and allowed values, and writes nothing', () => {
    const root = tempDir();
    for (const d of ['generators', 'handlers', 'scripts', 'node_modules'])
      symlinkSync(resolve(d), join(root, d));
    cpSync('environments', join(root, 'environments'), { recursive: true });
    cpSync('package.json', join(root, 'package.json'));
    const run = () =>
      spawnSync(process.execPath, ['scripts/run.mjs', 'scripts/generate.ts'], {
        cwd: root,
        encoding: 'utf8',
      });
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    const before = hashTree(join(root, 'sceptre'));
    expect(Object.keys(before)).toContain('templates/prod/monitoring.json');
    const again = run();
    expect(again.status).toBe(0);
    expect(hashTree(join(root, 'sceptre'))).toEqual(before);

    const prod = join(root, 'environments', 'prod.yaml');
    writeFileSync(prod, readFileSync(prod, 'utf8').replace('retentionInDays: 2557', 'retentionInDays: 2555'));
    const bad = run();
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(
      /environments\/prod\.yaml:\d+: logs\.retentionInDays: value 2555 is not allowed: must be one of 1, 3, 5/,
    );
    expect(bad.stderr).toContain('nothing was written');
    expect(hashTree(join(root, 'sceptre'))).toEqual(before);
  }, 60_000);
});

describe('bundle upload wiring', () => {
  it('stacks that run handler code upload their bundles before launch; the others do not', () => {
    const { files } = generateAll(envs(), fakeBundles());
    for (const s of STACKS) {
      const cfg = files.get(`config/prod/${s.id}.yaml`)!;
      if (s.handlers?.length) {
        expect(cfg, s.id).toContain(
          `node scripts/run.mjs scripts/upload-bundles.ts prod ${s.handlers.join(' ')}`,
        );
        expect(cfg).toContain('  - prod/base.yaml');
      } else {
        expect(cfg, s.id).not.toContain('hooks:');
      }
    }
  });
});
