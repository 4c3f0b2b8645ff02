/**
 * The deploy gate that every stack action runs through Sceptre hooks, driven with client mocks (emulators have
 * no drift API, no stack policies and no termination protection): wrong account refused, drifted update
 * refused with its properties, overrides recorded, lint stamp, bundles uploaded, production protection, dev
 * buckets emptied before delete (versions included), prod buckets retained.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  DetectStackDriftCommand,
  GetTemplateCommand,
  SetStackPolicyCommand,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AccountMismatchError } from '../../../contracts/account.js';
import { type GateAction, type GateDeps, GateRefusal, runGate } from '../../../scripts/gate/core.js';
import { templatesHash, writeStamp } from '../../../scripts/gate/lint-stamp.js';

const cf = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const ACCOUNT = '123456789012';
const BUNDLE = 'handlers/notifier/aaaa.zip';

const TEMPLATE = {
  AWSTemplateFormatVersion: '2010-09-09',
  Resources: {
    Alarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'a', Threshold: 3 } },
    Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 14 }, DeletionPolicy: 'Delete' },
    Archive: { Type: 'AWS::S3::Bucket', Properties: {}, DeletionPolicy: 'Delete' },
    Kept: { Type: 'AWS::S3::Bucket', Properties: {}, DeletionPolicy: 'Retain' },
    Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Bucket: { Ref: 'B' }, S3Key: BUNDLE } } },
  },
};

/** A Sceptre project with base and mon stacks in `env` (environment name from the config). */
function project(env: 'dev' | 'prod'): string {
  const dir = mkdtempSync(join(tmpdir(), 'gate-'));
  mkdirSync(join(dir, 'config', env), { recursive: true });
  mkdirSync(join(dir, 'templates', env), { recursive: true });
  writeFileSync(join(dir, 'config', 'config.yaml'), 'project_code: ses-migration\nregion: ap-northeast-1\n');
  writeFileSync(join(dir, 'config', env, 'config.yaml'), `region: ap-northeast-1\n`);
  for (const s of ['base', 'mon']) {
    writeFileSync(
      join(dir, 'config', env, `${s}.yaml`),
      `template:\n  type: file\n  path: ${env}/${s}.json\n`,
    );
  }
  writeFileSync(join(dir, 'templates', env, 'base.json'), JSON.stringify({ Resources: {} }));
  writeFileSync(join(dir, 'templates', env, 'mon.json'), JSON.stringify(TEMPLATE));
  writeStamp(dir, templatesHash(dir), new Date(0));
  return dir;
}

function deps(dir: string, over: Partial<GateDeps> = {}) {
  const lines: string[] = [];
  const runs: string[] = [];
  let t = 0;
  const d: GateDeps = {
    account: { env: 'dev', accountId: ACCOUNT },
    callerAccount: async () => ACCOUNT,
    cloudformation: new CloudFormationClient({ region: 'ap-northeast-1' }),
    s3: new S3Client({ region: 'ap-northeast-1' }),
    run: async (c, a) => {
      runs.push([c, ...a].join(' '));
      return 0;
    },
    manifest: () => ({ notifier: { key: BUNDLE, sha256: 'aaaa', zip: 'dist/handlers/notifier.zip' } }),
    readZip: () => new Uint8Array([1, 2, 3]),
    ignore: [],
    allowDrift: [],
    allowReplace: [],
    log: (l) => lines.push(l),
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
    lintDir: dir,
    ...over,
  };
  return { d, lines, runs };
}

const gate = (dir: string, env: string, action: GateAction, d: GateDeps) =>
  runGate({ env, stack: 'mon', action, sceptreDir: dir }, d);

function stacksExist(status: 'UPDATE_COMPLETE' | 'CREATE_COMPLETE' = 'UPDATE_COMPLETE') {
  cf.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'x',
        StackStatus: status,
        CreationTime: new Date(0),
        Outputs: [{ OutputKey: 'ArtifactsBucketName', OutputValue: 'artifacts' }],
      },
    ],
  });
}

function drifted() {
  cf.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'd-1' });
  cf.on(DescribeStackDriftDetectionStatusCommand).resolves({
    StackId: 'x',
    StackDriftDetectionId: 'd-1',
    DetectionStatus: 'DETECTION_COMPLETE',
    StackDriftStatus: 'DRIFTED',
    Timestamp: new Date(0),
  });
  cf.on(DescribeStackResourceDriftsCommand).resolves({
    StackResourceDrifts: [
      {
        StackId: 'x',
        LogicalResourceId: 'Alarm',
        PhysicalResourceId: 'a',
        ResourceType: 'AWS::CloudWatch::Alarm',
        StackResourceDriftStatus: 'MODIFIED',
        Timestamp: new Date(0),
        PropertyDifferences: [
          { PropertyPath: '/Threshold', ExpectedValue: '2', ActualValue: '5', DifferenceType: 'NOT_EQUAL' },
        ],
      },
    ],
  });
}

beforeEach(() => {
  cf.reset();
  s3.reset();
  // The deploy-state records in the artifacts bucket: none yet, writes accepted.
  s3.on(GetObjectCommand).rejects(Object.assign(new Error('nk'), { name: 'NoSuchKey' }));
  s3.on(PutObjectCommand).resolves({});
});

describe('account', () => {
  it('refuses a launch (before-create) with another account’s credentials, naming both ids, before any call', async () => {
    const dir = project('prod');
    const { d, runs } = deps(dir, {
      account: { env: 'prod', accountId: '111111111111' },
      callerAccount: async () => '222222222222',
    });
    const refused = gate(dir, 'prod', 'before-create', d);
    await expect(refused).rejects.toThrow(AccountMismatchError);
    await expect(refused).rejects.toThrow(
      'prod is pinned to account 111111111111, but the credentials belong to account 222222222222',
    );
    expect(cf.calls()).toHaveLength(0);
    expect(s3.calls()).toHaveLength(0);
    expect(runs).toEqual([]);
  });

  it('refuses when the environment names no account', async () => {
    const dir = project('dev');
    const { d } = deps(dir, { account: { env: 'dev', accountId: undefined } });
    await expect(gate(dir, 'dev', 'before-update', d)).rejects.toThrow(
      'environments/dev.yaml: accountId is not set',
    );
  });
});

describe('before-update: drift', () => {
  it('refuses to update a drifted stack, listing each drifted property, its live value and what the deploy would set', async () => {
    const dir = project('dev');
    stacksExist();
    drifted();
    s3.on(HeadObjectCommand).resolves({});
    const { d, lines } = deps(dir);
    await expect(gate(dir, 'dev', 'before-update', d)).rejects.toThrow(
      new GateRefusal('update of ses-migration-dev-mon refused by the drift check (above)'),
    );
    const text = lines.join('\n');
    expect(text).toContain('drift: ses-migration-dev-mon has drifted (1 property):');
    expect(text).toContain(
      '  - Alarm (AWS::CloudWatch::Alarm) /Threshold: live 5, deployed 2; this deploy would set 3',
    );
    expect(text).toContain('re-run with DEPLOY_ALLOW_DRIFT=mon to overwrite it');
    expect(cf.commandCalls(DetectStackDriftCommand)[0]!.args[0].input).toEqual({
      StackName: 'ses-migration-dev-mon',
    });
  });

  it('goes ahead with the explicit override and records it', async () => {
    const dir = project('dev');
    stacksExist();
    drifted();
    s3.on(HeadObjectCommand).resolves({});
    const { d, lines } = deps(dir, { allowDrift: ['mon'] });
    await gate(dir, 'dev', 'before-update', d);
    expect(lines.join('\n')).toContain('drift: OVERRIDE DEPLOY_ALLOW_DRIFT=mon given by the operator');
  });

  it('goes ahead when the drift ignore file covers the property', async () => {
    const dir = project('dev');
    stacksExist();
    drifted();
    s3.on(HeadObjectCommand).resolves({});
    const { d, lines } = deps(dir, {
      ignore: [
        {
          stack: 'mon',
          resource: 'Alarm',
          property: '/Threshold',
          reason: 'raised in incidents',
          source: 'f',
        },
      ],
    });
    await gate(dir, 'dev', 'before-update', d);
    expect(lines.join('\n')).toContain('drift: ignored Alarm (AWS::CloudWatch::Alarm): raised in incidents');
  });

  it('refuses when drift cannot be detected (unknown is not in sync)', async () => {
    const dir = project('dev');
    stacksExist();
    s3.on(HeadObjectCommand).resolves({});
    cf.on(DetectStackDriftCommand).rejects(
      Object.assign(new Error('not implemented'), { name: 'InternalFailure' }),
    );
    const { d, lines } = deps(dir);
    await expect(gate(dir, 'dev', 'before-update', d)).rejects.toThrow(GateRefusal);
    expect(lines.join('\n')).toContain('refusing to update a stack whose drift is unknown');
  });

  it('does not detect drift before a create', async () => {
    const dir = project('dev');
    stacksExist();
    s3.on(HeadObjectCommand).resolves({});
    const { d } = deps(dir);
    await gate(dir, 'dev', 'before-create', d);
    expect(cf.commandCalls(DetectStackDriftCommand)).toHaveLength(0);
  });
});

describe('before-create/update: lint stamp and bundles', () => {
  it('skips the lint while the stamp matches, lints when a template changed, refuses when the lint fails', async () => {
    const dir = project('dev');
    stacksExist();
    s3.on(HeadObjectCommand).resolves({});
    const fresh = deps(dir);
    await gate(dir, 'dev', 'before-create', fresh.d);
    expect(fresh.runs).toEqual([]);
    writeFileSync(join(dir, 'templates', 'dev', 'base.json'), JSON.stringify({ Resources: { X: {} } }));
    const stale = deps(dir, {
      run: async (c, a) => {
        stale.runs.push([c, ...a].join(' '));
        writeStamp(dir, templatesHash(dir), new Date(0)); // what lint-templates.sh does on success
        return 0;
      },
    });
    await gate(dir, 'dev', 'before-create', stale.d);
    expect(stale.runs).toEqual(['npm run -s lint:templates']);
    writeFileSync(join(dir, 'templates', 'dev', 'base.json'), JSON.stringify({ Resources: { Y: {} } }));
    const failing = deps(dir, { run: async () => 1 });
    await expect(gate(dir, 'dev', 'before-create', failing.d)).rejects.toThrow(
      'template lint failed (exit 1): refusing to deploy',
    );
  });

  it('uploads the bundle the template names when it is missing, before create and before update alike', async () => {
    const dir = project('dev');
    stacksExist();
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('nf'), { name: 'NotFound' }));
    s3.on(PutObjectCommand).resolves({});
    cf.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'd' });
    cf.on(DescribeStackDriftDetectionStatusCommand).resolves({
      StackId: 'x',
      StackDriftDetectionId: 'd',
      DetectionStatus: 'DETECTION_COMPLETE',
      StackDriftStatus: 'IN_SYNC',
      Timestamp: new Date(0),
    });
    cf.on(DescribeStackResourceDriftsCommand).resolves({ StackResourceDrifts: [] });
    for (const action of ['before-create', 'before-update'] as const) {
      s3.resetHistory();
      await gate(dir, 'dev', action, deps(dir).d);
      const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
      expect(puts.find((p) => p.Key === 'deploy-state/ses-migration-dev-mon.json')?.Body).toContain(BUNDLE);
      expect(puts.filter((p) => p.Key?.startsWith('handlers/'))).toEqual([
        { Bucket: 'artifacts', Key: BUNDLE, Body: new Uint8Array([1, 2, 3]), ChecksumAlgorithm: 'SHA256' },
      ]);
    }
  });

  it('refuses a template naming a bundle the manifest lacks', async () => {
    const dir = project('dev');
    stacksExist();
    const { d } = deps(dir, { manifest: () => ({}) });
    await expect(gate(dir, 'dev', 'before-create', d)).rejects.toThrow(
      `the template names bundle ${BUNDLE}, which dist/handlers/manifest.json lacks`,
    );
  });
});

describe('production protection (requests)', () => {
  const DENY = {
    Statement: [
      { Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' },
      {
        Effect: 'Deny',
        Action: ['Update:Replace', 'Update:Delete'],
        Principal: '*',
        Resource: '*',
        Condition: {
          StringEquals: {
            ResourceType: [
              'AWS::SES::EmailIdentity',
              'AWS::KMS::Key',
              'AWS::Logs::LogGroup',
              'AWS::S3::Bucket',
              'AWS::DynamoDB::Table',
            ],
          },
        },
      },
    ],
  };

  function quietArtifacts() {
    cf.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(TEMPLATE) });
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('nk'), { name: 'NoSuchKey' }));
    s3.on(PutObjectCommand).resolves({});
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
  }

  it('after a prod create: the stack policy and termination protection', async () => {
    const dir = project('prod');
    stacksExist('CREATE_COMPLETE');
    quietArtifacts();
    cf.on(SetStackPolicyCommand).resolves({});
    cf.on(UpdateTerminationProtectionCommand).resolves({});
    await gate(dir, 'prod', 'after-create', deps(dir, { account: { env: 'prod', accountId: ACCOUNT } }).d);
    expect(cf.commandCalls(SetStackPolicyCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: 'ses-migration-prod-mon', StackPolicyBody: JSON.stringify(DENY) },
    ]);
    expect(cf.commandCalls(UpdateTerminationProtectionCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: 'ses-migration-prod-mon', EnableTerminationProtection: true },
    ]);
  });

  it('before a prod update: the deny policy again, or the explicit override recorded', async () => {
    const dir = project('prod');
    stacksExist();
    s3.on(HeadObjectCommand).resolves({});
    cf.on(SetStackPolicyCommand).resolves({});
    cf.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'd' });
    cf.on(DescribeStackDriftDetectionStatusCommand).resolves({
      StackId: 'x',
      StackDriftDetectionId: 'd',
      DetectionStatus: 'DETECTION_COMPLETE',
      StackDriftStatus: 'IN_SYNC',
      Timestamp: new Date(0),
    });
    cf.on(DescribeStackResourceDriftsCommand).resolves({ StackResourceDrifts: [] });
    const account = { env: 'prod', accountId: ACCOUNT };
    await gate(dir, 'prod', 'before-update', deps(dir, { account }).d);
    const over = deps(dir, { account, allowReplace: ['mon'] });
    await gate(dir, 'prod', 'before-update', over.d);
    expect(
      cf.commandCalls(SetStackPolicyCommand).map((c) => JSON.parse(c.args[0].input.StackPolicyBody!)),
    ).toEqual([
      DENY,
      { Statement: [{ Effect: 'Allow', Action: 'Update:*', Principal: '*', Resource: '*' }] },
    ]);
    expect(over.lines.join('\n')).toContain('OVERRIDE DEPLOY_ALLOW_REPLACE given by the operator');
  });

  it('a dev stack gets neither', async () => {
    const dir = project('dev');
    stacksExist('CREATE_COMPLETE');
    quietArtifacts();
    await gate(dir, 'dev', 'after-create', deps(dir).d);
    expect(cf.commandCalls(SetStackPolicyCommand)).toHaveLength(0);
    expect(cf.commandCalls(UpdateTerminationProtectionCommand)).toHaveLength(0);
  });
});

describe('before-delete', () => {
  it('empties a bucket deleted with the stack, every version and delete marker across pages; names the retained one', async () => {
    const dir = project('dev');
    cf.on(DescribeStackResourcesCommand).resolves({
      StackResources: [
        {
          LogicalResourceId: 'Archive',
          PhysicalResourceId: 'archive-b',
          ResourceType: 'AWS::S3::Bucket',
          ResourceStatus: 'CREATE_COMPLETE',
          Timestamp: new Date(0),
        },
        {
          LogicalResourceId: 'Kept',
          PhysicalResourceId: 'kept-b',
          ResourceType: 'AWS::S3::Bucket',
          ResourceStatus: 'CREATE_COMPLETE',
          Timestamp: new Date(0),
        },
      ],
    });
    s3.on(ListObjectVersionsCommand, { Bucket: 'archive-b' })
      .resolvesOnce({
        Versions: [
          { Key: 'a', VersionId: 'v1' },
          { Key: 'a', VersionId: 'v2' },
        ],
        IsTruncated: true,
        NextKeyMarker: 'a',
        NextVersionIdMarker: 'v2',
      })
      .resolvesOnce({ DeleteMarkers: [{ Key: 'b', VersionId: 'm1' }], IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({});
    const { d, lines } = deps(dir);
    await gate(dir, 'dev', 'before-delete', d);
    expect(s3.commandCalls(ListObjectVersionsCommand)[1]!.args[0].input).toEqual({
      Bucket: 'archive-b',
      KeyMarker: 'a',
      VersionIdMarker: 'v2',
    });
    expect(s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input)).toEqual([
      {
        Bucket: 'archive-b',
        Delete: {
          Objects: [
            { Key: 'a', VersionId: 'v1' },
            { Key: 'a', VersionId: 'v2' },
          ],
          Quiet: true,
        },
      },
      { Bucket: 'archive-b', Delete: { Objects: [{ Key: 'b', VersionId: 'm1' }], Quiet: true } },
    ]);
    expect(lines.join('\n')).toContain('s3://archive-b (Archive) emptied for deletion: 3 object version(s)');
    expect(lines.join('\n')).toContain('s3://kept-b (Kept) is RETAINED (DeletionPolicy Retain)');
    expect(s3.commandCalls(ListObjectVersionsCommand, { Bucket: 'kept-b' })).toHaveLength(0);
  });
});

describe('after-update: artifacts hygiene', () => {
  it('records current and previous bundle keys and tags only what neither needs, plus uploaded templates', async () => {
    const dir = project('dev');
    stacksExist();
    cf.on(GetTemplateCommand).resolves({ TemplateBody: JSON.stringify(TEMPLATE) });
    const records: Record<string, string> = {
      'deploy-state/ses-migration-dev-mon.json': JSON.stringify({
        current: ['handlers/notifier/old.zip'],
        previous: ['handlers/notifier/older.zip'],
      }),
      // A parallel stack's create in progress: its bundles count as needed.
      'deploy-state/ses-migration-dev-other.json': JSON.stringify({
        current: [],
        previous: [],
        pending: ['handlers/other/new.zip'],
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
      Contents: [
        ...Object.keys(records),
        BUNDLE,
        'handlers/notifier/old.zip',
        'handlers/notifier/older.zip',
        'handlers/notifier/ancient.zip',
        'handlers/other/new.zip',
        'templates/ap-northeast-1/ses-migration-dev-mon-2026.json',
      ]
        .filter((k) => k.startsWith(input.Prefix))
        .map((Key) => ({ Key })),
    }));
    s3.on(GetObjectTaggingCommand).callsFake(async (input: { Key: string }) => ({
      TagSet:
        input.Key === 'handlers/notifier/old.zip'
          ? [{ Key: 'ses-migration-unreferenced', Value: 'true' }]
          : [],
    }));
    s3.on(PutObjectTaggingCommand).resolves({});
    await gate(dir, 'dev', 'after-update', deps(dir).d);
    expect(JSON.parse(records['deploy-state/ses-migration-dev-mon.json']!)).toEqual({
      current: [BUNDLE],
      previous: ['handlers/notifier/old.zip'],
    });
    const tagged = s3
      .commandCalls(PutObjectTaggingCommand)
      .map((c) => [c.args[0].input.Key, c.args[0].input.Tagging!.TagSet]);
    expect(tagged).toEqual([
      ['handlers/notifier/ancient.zip', [{ Key: 'ses-migration-unreferenced', Value: 'true' }]],
      ['handlers/notifier/older.zip', [{ Key: 'ses-migration-unreferenced', Value: 'true' }]],
      [
        'templates/ap-northeast-1/ses-migration-dev-mon-2026.json',
        [{ Key: 'ses-migration-unreferenced', Value: 'true' }],
      ],
      ['handlers/notifier/old.zip', []],
    ]);
  });
});
