import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INLINE_TEMPLATE_LIMIT } from '../../contracts/limits.js';
import { generateAll } from '../../generators/generate.js';
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
});

describe('deploy gate wiring', () => {
  it('every stack runs the gate before and after create and update, and before delete (never before_launch)', () => {
    const { files } = generateAll(envs(), fakeBundles());
    for (const env of ['prod', 'dev']) {
      for (const s of STACKS) {
        const cfg = files.get(`config/${env}/${s.id}.yaml`)!;
        expect(cfg, s.id).not.toContain('before_launch');
        for (const [hook, action] of [
          ['before_create', 'before-create'],
          ['before_update', 'before-update'],
          ['after_create', 'after-create'],
          ['after_update', 'after-update'],
          ['before_delete', 'before-delete'],
        ]) {
          expect(cfg, `${env}/${s.id} ${hook}`).toContain(
            `  ${hook}:\n    - !cmd "[ -f scripts/run.mjs ] || cd ..; node scripts/run.mjs scripts/gate.ts ${env} ${s.id} ${action}"`,
          );
        }
      }
    }
  });
});
