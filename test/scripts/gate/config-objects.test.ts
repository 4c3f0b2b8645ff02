/**
 * The deploy gate and the configuration objects (issue #14 item 2): before a create or update it uploads the
 * objects the template names from dist/<key> (once: keys are content hashes), refuses a missing or edited local
 * copy, and after the deploy keeps the objects a current or previous template names while tagging the others
 * for expiry, exactly like bundles.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import {
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { byodkimDomainsObject } from '../../../contracts/functions/byodkim.js';
import { configKeysOf } from '../../../scripts/gate/bundles.js';
import { type GateAction, type GateDeps, runGate } from '../../../scripts/gate/core.js';
import { templatesHash, writeStamp } from '../../../scripts/gate/lint-stamp.js';

const cf = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const ACCOUNT = '123456789012';
const OBJECT = byodkimDomainsObject('dev', [{ domain: 'dev.goo.ne.jp', rotationIntervalDays: 180 }]);
const OLD = byodkimDomainsObject('dev', [{ domain: 'old.goo.ne.jp', rotationIntervalDays: 180 }]);
const OLDER = byodkimDomainsObject('dev', [{ domain: 'older.goo.ne.jp', rotationIntervalDays: 180 }]);

/** A function whose environment names the object, and a policy whose ARN contains it (not a key by itself). */
const TEMPLATE = {
  Resources: {
    Fn: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Environment: { Variables: { CONFIG_BUCKET: { Ref: 'B' }, DOMAINS_CONFIG_KEY: OBJECT.key } },
      },
    },
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Policies: [
          {
            PolicyDocument: {
              Statement: [
                {
                  Action: 's3:GetObject',
                  Resource: { 'Fn::Sub': [`arn:\${AWS::Partition}:s3:::\${B}/${OBJECT.key}`, {}] },
                },
              ],
            },
          },
        ],
      },
    },
  },
};

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gate-config-'));
  mkdirSync(join(dir, 'config', 'dev'), { recursive: true });
  mkdirSync(join(dir, 'templates', 'dev'), { recursive: true });
  writeFileSync(join(dir, 'config', 'config.yaml'), 'project_code: ses-migration\nregion: ap-northeast-1\n');
  writeFileSync(join(dir, 'config', 'dev', 'config.yaml'), 'region: ap-northeast-1\n');
  for (const s of ['base', 'byodkim']) {
    writeFileSync(
      join(dir, 'config', 'dev', `${s}.yaml`),
      `template:\n  type: file\n  path: dev/${s}.json\n`,
    );
  }
  writeFileSync(join(dir, 'templates', 'dev', 'base.json'), JSON.stringify({ Resources: {} }));
  writeFileSync(join(dir, 'templates', 'dev', 'byodkim.json'), JSON.stringify(TEMPLATE));
  writeStamp(dir, templatesHash(dir), new Date(0));
  return dir;
}

function deps(dir: string, local: Record<string, string>) {
  const lines: string[] = [];
  const d: GateDeps = {
    account: { env: 'dev', accountId: ACCOUNT },
    callerAccount: async () => ACCOUNT,
    cloudformation: new CloudFormationClient({ region: 'ap-northeast-1' }),
    s3: new S3Client({ region: 'ap-northeast-1' }),
    run: async () => 0,
    manifest: () => ({}),
    readZip: () => new Uint8Array(),
    readConfigObject: (key) => local[key],
    ignore: [],
    allowDrift: [],
    allowReplace: [],
    log: (l) => lines.push(l),
    now: () => 0,
    sleep: async () => {},
    lintDir: dir,
  };
  return { d, lines };
}

const gate = (dir: string, action: GateAction, d: GateDeps) =>
  runGate({ env: 'dev', stack: 'byodkim', action, sceptreDir: dir }, d);

beforeEach(() => {
  cf.reset();
  s3.reset();
  cf.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'x',
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date(0),
        Outputs: [{ OutputKey: 'ArtifactsBucketName', OutputValue: 'artifacts' }],
      },
    ],
  });
});

describe('configKeysOf', () => {
  it('finds the key a function environment names, once, and nothing in an ARN or elsewhere', () => {
    expect(configKeysOf(TEMPLATE)).toEqual([OBJECT.key]);
    expect(configKeysOf({ a: `x/${OBJECT.key}`, b: 'config/dev/byodkim-domains/latest.json' })).toEqual([]);
  });
});

describe('before-create: configuration objects uploaded', () => {
  it('uploads the object from its local copy, records it as pending, and skips it once it is there', async () => {
    const dir = project();
    let present = false;
    s3.on(HeadObjectCommand).callsFake(async () => {
      if (!present) throw Object.assign(new Error('nf'), { name: 'NotFound' });
      return {};
    });
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('nk'), { name: 'NoSuchKey' }));
    s3.on(PutObjectCommand).resolves({});
    const { d, lines } = deps(dir, { [OBJECT.key]: OBJECT.body });
    await gate(dir, 'before-create', d);
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.find((p) => p.Key === OBJECT.key)).toEqual({
      Bucket: 'artifacts',
      Key: OBJECT.key,
      Body: OBJECT.body,
      ContentType: 'application/json',
      ChecksumAlgorithm: 'SHA256',
    });
    expect(JSON.parse(String(puts.find((p) => p.Key?.startsWith('deploy-state/'))!.Body))).toMatchObject({
      pending: [OBJECT.key],
    });
    expect(lines.join('\n')).toContain(`config ${OBJECT.key}: uploaded to s3://artifacts/${OBJECT.key}`);

    present = true;
    s3.resetHistory();
    await gate(dir, 'before-create', d);
    expect(s3.commandCalls(PutObjectCommand).filter((c) => c.args[0].input.Key === OBJECT.key)).toEqual([]);
    expect(lines.join('\n')).toContain(`config ${OBJECT.key}: already uploaded`);
  });

  it('refuses a missing local copy and one edited after generate, uploading nothing', async () => {
    const dir = project();
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('nf'), { name: 'NotFound' }));
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('nk'), { name: 'NoSuchKey' }));
    s3.on(PutObjectCommand).resolves({});
    await expect(gate(dir, 'before-create', deps(dir, {}).d)).rejects.toThrow(
      `the template names configuration object ${OBJECT.key}, but dist/${OBJECT.key} does not exist: run npm run generate`,
    );
    const edited = { [OBJECT.key]: OBJECT.body.replace('180', '365') };
    await expect(gate(dir, 'before-create', deps(dir, edited).d)).rejects.toThrow(
      new RegExp(
        `dist/${OBJECT.key.replace(/[/.]/g, '\\$&')} hashes to [0-9a-f]{64}, not to the SHA-256 its name gives`,
      ),
    );
    expect(s3.commandCalls(PutObjectCommand).filter((c) => c.args[0].input.Key === OBJECT.key)).toEqual([]);
  });
});

describe('after-update: configuration objects kept while referenced, expired when not', () => {
  it('records the object with the bundles and tags only the objects no current or previous template names', async () => {
    const dir = project();
    cf.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(TEMPLATE) });
    const records: Record<string, string> = {
      'deploy-state/ses-migration-dev-byodkim.json': JSON.stringify({
        current: [OLD.key],
        previous: [OLDER.key],
      }),
    };
    s3.on(GetObjectCommand).callsFake(async (input: { Key: string }) => {
      const body = records[input.Key];
      if (!body) throw Object.assign(new Error('nk'), { name: 'NoSuchKey' });
      return { Body: { transformToString: async () => body } };
    });
    s3.on(PutObjectCommand).callsFake(async (input: { Key: string; Body: string }) => {
      records[input.Key] = input.Body;
      return {};
    });
    s3.on(ListObjectsV2Command).callsFake(async (input: { Prefix: string }) => ({
      Contents: [...Object.keys(records), OBJECT.key, OLD.key, OLDER.key]
        .filter((k) => k.startsWith(input.Prefix))
        .map((Key) => ({ Key })),
    }));
    s3.on(GetObjectTaggingCommand).callsFake(async (input: { Key: string }) => ({
      TagSet: input.Key === OBJECT.key ? [{ Key: 'ses-migration-unreferenced', Value: 'true' }] : [],
    }));
    s3.on(PutObjectTaggingCommand).resolves({});
    await gate(dir, 'after-update', deps(dir, {}).d);
    expect(JSON.parse(records['deploy-state/ses-migration-dev-byodkim.json']!)).toEqual({
      current: [OBJECT.key],
      previous: [OLD.key],
    });
    const tagged = s3
      .commandCalls(PutObjectTaggingCommand)
      .map((c) => [c.args[0].input.Key, c.args[0].input.Tagging!.TagSet]);
    expect(tagged).toEqual([
      [OLDER.key, [{ Key: 'ses-migration-unreferenced', Value: 'true' }]],
      [OBJECT.key, []],
    ]);
  });
});
