/**
 * Static wiring of the generated Sceptre project (free, unit tier): every `!stack_output` names an output its
 * exporting template has, every template over the inline limit goes through the artifacts bucket, every bundle key
 * a template names is one the bundle manifest holds, every hook runs a command that exists with an action it
 * knows; plus the artifacts lifecycle rule and the production stack policy over the real templates.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { UNREFERENCED_TAG } from '../../contracts/artifacts.js';
import { generateAll, needsTemplateBucket } from '../../generators/generate.js';
import { bundleKeysOf } from '../../scripts/gate/bundles.js';
import { GATE_ACTIONS } from '../../scripts/gate/core.js';
import { stackPolicyFor } from '../../scripts/gate/protect.js';
import { fakeBundles, loadEnv, templates } from '../support/templates.js';

const tags = [
  { tag: '!stack_output', resolve: (v: string) => ({ stack_output: v }) },
  { tag: '!cmd', resolve: (v: string) => ({ cmd: v }) },
];

function project() {
  const bundles = fakeBundles();
  const { files } = generateAll([loadEnv('prod'), loadEnv('dev')], bundles);
  const configs = [...files].filter(([p]) => /^config\/(prod|dev)\/(?!config\.yaml).+\.yaml$/.test(p));
  return { bundles, files, configs };
}

type Cfg = Record<string, unknown> & {
  parameters?: Record<string, { stack_output?: string }>;
  template_bucket_name?: { stack_output?: string };
  hooks?: Record<string, { cmd: string }[]>;
  template: { path: string };
};

describe('static wiring of the generated project', () => {
  const { bundles, files, configs } = project();
  const cfgOf = (body: string) => parse(body, { customTags: tags }) as Cfg;
  const templateOf = (path: string) => JSON.parse(files.get(`templates/${path}`)!);

  it('every !stack_output names a stack config and an output its template declares', () => {
    let checked = 0;
    for (const [path, body] of configs) {
      const cfg = cfgOf(body);
      const refs = [
        ...Object.values(cfg.parameters ?? {}).map((v) => v.stack_output),
        cfg.template_bucket_name?.stack_output,
      ].filter((r): r is string => typeof r === 'string');
      for (const ref of refs) {
        const [stackFile, output] = ref.split('::');
        const exporter = files.get(`config/${stackFile}`);
        expect(exporter, `${path}: ${ref}: no config/${stackFile}`).toBeDefined();
        const outputs = templateOf(cfgOf(exporter!).template.path).Outputs ?? {};
        expect(Object.keys(outputs), `${path}: ${ref}`).toContain(output);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('every template over the inline limit (and only those) sets template_bucket_name', () => {
    for (const [path, body] of configs) {
      const cfg = cfgOf(body);
      const big = needsTemplateBucket(files.get(`templates/${cfg.template.path}`)!);
      expect(cfg.template_bucket_name !== undefined, `${path} (over the limit: ${big})`).toBe(big);
    }
    expect(configs.some(([, b]) => cfgOf(b).template_bucket_name)).toBe(true);
  });

  it('every bundle key a template names is in the bundle manifest, and every stack with functions names one', () => {
    const manifestKeys = new Set([...bundles.values()].map((b) => b.key));
    let named = 0;
    for (const [path, body] of files) {
      if (!path.startsWith('templates/')) continue;
      const template = JSON.parse(body);
      for (const key of bundleKeysOf(template)) {
        expect(manifestKeys, `${path} names ${key}`).toContain(key);
        named++;
      }
      const functions = Object.values(template.Resources as Record<string, { Type: string }>).filter(
        (r) => r.Type === 'AWS::Lambda::Function',
      );
      if (functions.length) expect(bundleKeysOf(template).length, path).toBeGreaterThan(0);
    }
    expect(named).toBeGreaterThan(0);
  });

  it('every hook runs a script that exists, with an action the gate knows', () => {
    let hooks = 0;
    for (const [path, body] of configs) {
      for (const [hook, list] of Object.entries(cfgOf(body).hooks ?? {})) {
        for (const { cmd } of list) {
          const scripts = [...cmd.matchAll(/\b(scripts\/[\w/.-]+\.(?:ts|mjs))\b/g)].map((m) => m[1]!);
          expect(scripts.length, `${path} ${hook}: ${cmd}`).toBeGreaterThan(0);
          for (const s of scripts) expect(existsSync(s), `${path} ${hook}: ${s}`).toBe(true);
          const action = cmd.match(/gate\.ts \S+ \S+ (\S+)/)?.[1];
          expect(GATE_ACTIONS as readonly string[], `${path} ${hook}`).toContain(action);
          expect(action).toBe(hook.replace('_', '-'));
          hooks++;
        }
      }
    }
    expect(hooks).toBe(configs.length * 5);
  });
});

describe('artifacts lifecycle rule', () => {
  it('expires objects the gate tagged unreferenced after the configured age, and nothing else by age', () => {
    for (const env of ['prod', 'dev'] as const) {
      const rules = templates(env).base.Resources.ArtifactsBucket.Properties.LifecycleConfiguration.Rules;
      const tagged = rules.find((r: { Id: string }) => r.Id === 'expire-unreferenced-artifacts');
      expect(tagged).toEqual({
        Id: 'expire-unreferenced-artifacts',
        Status: 'Enabled',
        TagFilters: [{ Key: 'ses-migration-unreferenced', Value: 'true' }],
        ExpirationInDays: 30,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      });
      expect(UNREFERENCED_TAG).toEqual(tagged.TagFilters[0]);
      // No rule expires current objects without the tag: a bundle in use is never expired by age.
      for (const r of rules) if (r.ExpirationInDays !== undefined) expect(r.TagFilters, r.Id).toBeDefined();
    }
  });

  it('takes its age from artifacts.unreferencedExpirationDays', () => {
    const cfg = { ...loadEnv('dev'), artifacts: { unreferencedExpirationDays: 7 } };
    const { files } = generateAll([loadEnv('prod'), cfg], fakeBundles());
    const base = JSON.parse(files.get('templates/dev/base.json')!);
    const rule = base.Resources.ArtifactsBucket.Properties.LifecycleConfiguration.Rules.find(
      (r: { Id: string }) => r.Id === 'expire-unreferenced-artifacts',
    );
    expect(rule.ExpirationInDays).toBe(7);
  });
});

describe('production stack policy', () => {
  const STATEFUL = [
    'AWS::SES::EmailIdentity',
    'AWS::KMS::Key',
    'AWS::Logs::LogGroup',
    'AWS::S3::Bucket',
    'AWS::DynamoDB::Table',
  ];

  /** Stack-policy evaluation for one resource: an explicit Deny wins, else an Allow, else denied. */
  function allowed(
    policy: ReturnType<typeof stackPolicyFor>,
    id: string,
    type: string,
    action: 'Update:Modify' | 'Update:Replace' | 'Update:Delete',
  ): boolean {
    const matches = (s: (typeof policy.Statement)[number]) => {
      const actions = ([] as string[]).concat(s.Action as string | string[]);
      const resources = ([] as string[]).concat(s.Resource as string | string[]);
      const types = s.Condition?.StringEquals.ResourceType;
      return (
        actions.some((a) => a === 'Update:*' || a === action) &&
        resources.some((r) => r === '*' || r === `LogicalResourceId/${id}`) &&
        (!types || types.includes(type))
      );
    };
    if (policy.Statement.some((s) => s.Effect === 'Deny' && matches(s))) return false;
    return policy.Statement.some((s) => s.Effect === 'Allow' && matches(s));
  }

  it('also denies deleting a stateful resource the new template drops (a removed or moved domain identity)', () => {
    const policy = stackPolicyFor(templates('prod').ses);
    expect(allowed(policy, 'IdentityOfARemovedDomain', 'AWS::SES::EmailIdentity', 'Update:Delete')).toBe(
      false,
    );
    expect(allowed(policy, 'RemovedAlarm', 'AWS::CloudWatch::Alarm', 'Update:Delete')).toBe(true);
  });

  it('denies Update:Replace and Update:Delete on exactly the stateful resources of each prod stack, allows the rest', () => {
    const tpls = templates('prod');
    const denied: string[] = [];
    for (const [stack, t] of Object.entries(tpls)) {
      const policy = stackPolicyFor(t);
      for (const [id, r] of Object.entries(t.Resources as Record<string, { Type: string }>)) {
        const stateful = STATEFUL.includes(r.Type);
        expect(allowed(policy, id, r.Type, 'Update:Modify'), `${stack}/${id}`).toBe(true);
        expect(allowed(policy, id, r.Type, 'Update:Replace'), `${stack}/${id}`).toBe(!stateful);
        expect(allowed(policy, id, r.Type, 'Update:Delete'), `${stack}/${id}`).toBe(!stateful);
        if (!allowed(policy, id, r.Type, 'Update:Replace')) denied.push(`${stack}/${id}`);
      }
    }
    // The named stateful resources of the seed: identity, keys, log groups, buckets, the BYODKIM state table.
    for (const id of [
      'base/ArtifactsBucket',
      'base/ArtifactsKey',
      'base/LogsKey',
      'enhanced-kinesis/ArchiveBucket',
    ]) {
      expect(denied).toContain(id);
    }
    expect(
      denied.some(
        (d) => d.startsWith('ses/') && tpls.ses.Resources[d.slice(4)].Type === 'AWS::SES::EmailIdentity',
      ),
    ).toBe(true);
    expect(
      denied.some(
        (d) => d.startsWith('byodkim/') && tpls.byodkim.Resources[d.slice(8)].Type === 'AWS::DynamoDB::Table',
      ),
    ).toBe(true);
    // Nothing stateless is protected (an alarm or a function must stay replaceable).
    for (const d of denied) {
      const [stack, id] = d.split('/') as [string, string];
      expect(STATEFUL).toContain(tpls[stack].Resources[id].Type);
    }
  });
});

describe('account per environment in the Sceptre project', () => {
  it('renders profile and roleArn as Sceptre profile and sceptre_role of that environment only', () => {
    const dev = { ...loadEnv('dev'), profile: 'ses-dev', roleArn: 'arn:aws:iam::123456789012:role/deploy' };
    const { files } = generateAll([loadEnv('prod'), dev], fakeBundles());
    expect(files.get('config/dev/config.yaml')).toContain(
      'profile: ses-dev\nsceptre_role: arn:aws:iam::123456789012:role/deploy\n',
    );
    expect(files.get('config/prod/config.yaml')).not.toMatch(/profile:|sceptre_role:/);
  });
});
