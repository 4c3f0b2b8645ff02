import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DescribeStacksCommand,
  DetectStackDriftCommand,
} from '@aws-sdk/client-cloudformation';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { deployMain } from '../../../scripts/deploy/cli.js';

const cf = mockClient(CloudFormationClient);
const FIXTURE = 'test/fixtures/sceptre';
const ENVS = 'test/fixtures/environments';
const missing = (id: string) =>
  Object.assign(new Error(`Stack with id ${id} does not exist`), { name: 'ValidationError' });

function harness(codes: Record<string, number> = {}) {
  const commands: string[] = [];
  const out: string[] = [];
  const err: string[] = [];
  return {
    commands,
    out,
    err,
    io: {
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => err.push(t),
      run: async (command: string, args: readonly string[]) => {
        const line = [command, ...args].join(' ');
        commands.push(line);
        return codes[line] ?? 0;
      },
      cloudformation: () => new CloudFormationClient({ region: 'ap-northeast-1' }),
      now: () => 1_700_000_000_000,
      sleep: async () => {},
      callerAccount: async () => '123456789012',
    },
  };
}

/** Drift detection answers: every stack in sync unless a test says otherwise. */
function driftInSync() {
  cf.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: 'd-1' });
  cf.on(DescribeStackDriftDetectionStatusCommand).resolves({
    StackId: 'x',
    StackDriftDetectionId: 'd-1',
    DetectionStatus: 'DETECTION_COMPLETE',
    StackDriftStatus: 'IN_SYNC',
    Timestamp: new Date(0),
  });
  cf.on(DescribeStackResourceDriftsCommand).resolves({ StackResourceDrifts: [] });
}

beforeEach(() => {
  cf.reset();
  driftInSync();
});

describe('deploy', () => {
  it('generates, lints, then launches the environment with Sceptre', async () => {
    const h = harness();
    expect(await deployMain(['dev', '--sceptre-dir', FIXTURE, '--environments-dir', ENVS], h.io)).toBe(0);
    expect(h.commands).toEqual([
      'npm run generate',
      'npm run lint:templates',
      `uv run sceptre --dir ${FIXTURE} launch -y dev`,
    ]);
  });

  it('refuses to deploy when the template lint fails', async () => {
    const h = harness({ 'npm run lint:templates': 2 });
    expect(await deployMain(['dev', '--sceptre-dir', FIXTURE, '--environments-dir', ENVS], h.io)).toBe(1);
    expect(h.commands).toEqual(['npm run generate', 'npm run lint:templates']);
    expect(h.err.join('')).toContain('deploy: refusing to deploy: template lint failed (exit 2)');
  });

  it('stops when generation fails and when sceptre fails', async () => {
    const g = harness({ 'npm run generate': 1 });
    expect(await deployMain(['dev', '--sceptre-dir', FIXTURE, '--environments-dir', ENVS], g.io)).toBe(1);
    expect(g.commands).toEqual(['npm run generate']);
    const s = harness({ [`uv run sceptre --dir ${FIXTURE} launch -y dev`]: 1 });
    expect(await deployMain(['dev', '--sceptre-dir', FIXTURE, '--environments-dir', ENVS], s.io)).toBe(1);
    expect(s.err.join('')).toContain('deploy: sceptre launch failed (exit 1)');
  });

  it('exits 2 on usage errors', async () => {
    const h = harness();
    expect(await deployMain([], h.io)).toBe(2);
    expect(await deployMain(['dev', '--force'], h.io)).toBe(2);
    expect(h.commands).toEqual([]);
  });

  it('refuses an --allow-drift or --allow-replace value that is not a stack, naming flag, value and what is allowed', async () => {
    for (const [flag, value, bad] of [
      ['--allow-drift', 'sess', "'sess'"],
      ['--allow-drift', 'base,monitorng', "'monitorng'"],
      ['--allow-replace', 'al', "'al'"],
    ] as const) {
      const h = harness();
      const argv = ['dev', flag, value, '--sceptre-dir', FIXTURE, '--environments-dir', ENVS];
      expect(await deployMain(argv, h.io)).toBe(2);
      expect(h.commands).toEqual([]);
      const err = h.err.join('');
      expect(err.trimEnd().split('\n')).toHaveLength(1);
      expect(err).toContain(
        `deploy: ${flag} '${value}': unknown ${bad}; allowed: all or a comma-separated list of base, monitoring, enhanced-kinesis, ses, security, byodkim, reports`,
      );
    }
  });

  it('passes valid --allow-drift stacks to the stack hooks', async () => {
    const calls: { line: string; env?: Readonly<Record<string, string>> }[] = [];
    const h = harness();
    const io = {
      ...h.io,
      run: async (command: string, args: readonly string[], env?: Readonly<Record<string, string>>) => {
        calls.push({ line: [command, ...args].join(' '), ...(env ? { env } : {}) });
        return 0;
      },
    };
    const argv = ['dev', '--allow-drift', 'ses, base', '--sceptre-dir', FIXTURE, '--environments-dir', ENVS];
    expect(await deployMain(argv, io)).toBe(0);
    expect(calls.at(-1)?.env).toEqual({ DEPLOY_ALLOW_DRIFT: 'ses,base' });
  });
});

describe('deploy --dry-run', () => {
  beforeEach(() => {
    cf.on(DescribeStacksCommand).callsFake((input: { StackName: string }) => {
      if (!/-(base|ses)$/.test(input.StackName)) throw missing(input.StackName);
      return {
        Stacks: [
          {
            StackName: input.StackName,
            StackStatus: 'UPDATE_COMPLETE',
            CreationTime: new Date(0),
            Parameters: [{ ParameterKey: 'AlarmTopicArn', ParameterValue: 'arn:old' }],
            Outputs: input.StackName.endsWith('-base')
              ? [
                  {
                    OutputKey: 'AlarmTopicArn',
                    OutputValue: 'arn:aws:sns:ap-northeast-1:123456789012:alarms',
                  },
                ]
              : [],
          },
        ],
      };
    });
    cf.on(CreateChangeSetCommand).resolves({ Id: 'cs' });
    cf.on(DescribeChangeSetCommand, { StackName: 'ses-migration-dev-base' }).resolves({
      Status: 'FAILED',
      StatusReason:
        "The submitted information didn't contain changes. Submit different information to create a change set.",
    });
    cf.on(DescribeChangeSetCommand, { StackName: 'ses-migration-dev-ses' })
      .resolvesOnce({ Status: 'CREATE_IN_PROGRESS' })
      .resolvesOnce({
        Status: 'CREATE_COMPLETE',
        NextToken: 'p2',
        Changes: [
          {
            Type: 'Resource',
            ResourceChange: {
              Action: 'Modify',
              LogicalResourceId: 'Topic',
              ResourceType: 'AWS::SNS::Topic',
              Replacement: 'True',
              Details: [{ Target: { Attribute: 'Properties', Name: 'TopicName' } }],
            },
          },
        ],
      })
      .resolves({
        Status: 'CREATE_COMPLETE',
        Changes: [
          {
            Type: 'Resource',
            ResourceChange: { Action: 'Add', LogicalResourceId: 'Queue', ResourceType: 'AWS::SQS::Queue' },
          },
        ],
      });
    cf.on(DeleteChangeSetCommand).resolves({});
  });

  it('shows change sets for existing stacks, lists the stacks it would create, and deletes the change sets', async () => {
    const h = harness();
    expect(
      await deployMain(['dev', '--dry-run', '--sceptre-dir', FIXTURE, '--environments-dir', ENVS], h.io),
    ).toBe(0);
    expect(h.commands).toEqual(['npm run generate', 'npm run lint:templates']);
    const text = h.out.join('');
    expect(text).toContain('ses-migration-dev-base: change set deploy-dry-run-1700000000000\n  no changes');
    expect(text).toContain('  - Modify Topic (AWS::SNS::Topic) (REPLACEMENT): TopicName');
    expect(text).toContain('  - Add Queue (AWS::SQS::Queue)');
    expect(text).toContain(
      'Stacks it would create: ses-migration-dev-enhanced-kinesis, ses-migration-dev-monitoring, ses-migration-dev-security',
    );
    expect(
      cf
        .commandCalls(DeleteChangeSetCommand)
        .map((c) => c.args[0].input.StackName)
        .sort(),
    ).toEqual(['ses-migration-dev-base', 'ses-migration-dev-ses']);
  });

  it('passes plain parameters and resolves !stack_output from the deployed stacks, as Sceptre would', async () => {
    const h = harness();
    await deployMain(['dev', '--dry-run', '--sceptre-dir', FIXTURE, '--environments-dir', ENVS], h.io);
    const ses = cf
      .commandCalls(CreateChangeSetCommand)
      .find((c) => c.args[0].input.StackName === 'ses-migration-dev-ses');
    // BounceThreshold is plain in the stack config; AlarmTopicArn is `!stack_output dev/base.yaml::AlarmTopicArn`,
    // read from the deployed base stack; Unset is neither configured nor deployed, so the template default applies.
    expect(ses?.args[0].input).toMatchObject({
      ChangeSetType: 'UPDATE',
      Parameters: [
        { ParameterKey: 'AlarmTopicArn', ParameterValue: 'arn:aws:sns:ap-northeast-1:123456789012:alarms' },
        { ParameterKey: 'BounceThreshold', ParameterValue: '0.05' },
      ],
    });
    expect(h.out.join('')).not.toContain('note:');
  });

  it('keeps the previous value (and says why) when the exporting stack lacks the output', async () => {
    cf.on(DescribeStacksCommand, { StackName: 'ses-migration-dev-base' }).resolves({
      Stacks: [
        {
          StackName: 'ses-migration-dev-base',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(0),
          Outputs: [],
        },
      ],
    });
    const h = harness();
    await deployMain(['dev', '--dry-run', '--sceptre-dir', FIXTURE, '--environments-dir', ENVS], h.io);
    const ses = cf
      .commandCalls(CreateChangeSetCommand)
      .find((c) => c.args[0].input.StackName === 'ses-migration-dev-ses');
    expect(ses?.args[0].input.Parameters?.[0]).toEqual({
      ParameterKey: 'AlarmTopicArn',
      UsePreviousValue: true,
    });
    expect(h.out.join('')).toContain(
      'note: AlarmTopicArn: dev/base.yaml has no output AlarmTopicArn, previous value used',
    );
  });

  it('shows the drift findings the gate would refuse the update on, and exits 1', async () => {
    cf.on(DescribeStackDriftDetectionStatusCommand).resolves({
      StackId: 'x',
      StackDriftDetectionId: 'd-1',
      DetectionStatus: 'DETECTION_COMPLETE',
      StackDriftStatus: 'DRIFTED',
      Timestamp: new Date(0),
    });
    cf.on(DescribeStackResourceDriftsCommand, { StackName: 'ses-migration-dev-ses' }).resolves({
      StackResourceDrifts: [
        {
          StackId: 'x',
          LogicalResourceId: 'Topic',
          ResourceType: 'AWS::SNS::Topic',
          StackResourceDriftStatus: 'MODIFIED',
          Timestamp: new Date(0),
          PropertyDifferences: [
            {
              PropertyPath: '/DisplayName',
              ExpectedValue: 'a',
              ActualValue: 'hand-edited',
              DifferenceType: 'NOT_EQUAL',
            },
          ],
        },
      ],
    });
    const h = harness();
    expect(
      await deployMain(['dev', '--dry-run', '--sceptre-dir', FIXTURE, '--environments-dir', ENVS], h.io),
    ).toBe(1);
    const text = h.out.join('');
    expect(text).toContain('  drift: ses-migration-dev-ses has drifted (1 property):');
    expect(text).toMatch(
      / {4}- Topic \(AWS::SNS::Topic\) \/DisplayName: live hand-edited, deployed a; this deploy would set /,
    );
    expect(text).toContain('  => the deploy would REFUSE to update ses-migration-dev-ses');
    expect(text).toContain('  drift: ses-migration-dev-base in sync');
  });

  it('does not create change sets when lint fails', async () => {
    const h = harness({ 'npm run lint:templates': 4 });
    expect(
      await deployMain(['dev', '--dry-run', '--sceptre-dir', FIXTURE, '--environments-dir', ENVS], h.io),
    ).toBe(1);
    expect(cf.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
  });
});

describe('deploy --dry-run with a template over the inline limit', () => {
  const s3 = mockClient(S3Client);
  beforeEach(() => {
    cf.reset();
    s3.reset();
    driftInSync();
  });

  it('uploads it to the artifacts bucket, previews it by TemplateURL, then deletes the upload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-'));
    cpSync(FIXTURE, dir, { recursive: true });
    const big = {
      Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: 'x'.repeat(60_000) } } },
    };
    writeFileSync(join(dir, 'templates', 'dev', 'ses.json'), JSON.stringify(big));
    cf.on(DescribeStacksCommand).callsFake((input: { StackName: string }) => {
      if (!/-(base|ses)$/.test(input.StackName)) throw missing(input.StackName);
      return {
        Stacks: [
          {
            StackName: input.StackName,
            StackStatus: 'UPDATE_COMPLETE',
            CreationTime: new Date(0),
            Outputs: [{ OutputKey: 'ArtifactsBucketName', OutputValue: 'artifacts-bucket' }],
          },
        ],
      };
    });
    cf.on(CreateChangeSetCommand).resolves({ Id: 'cs' });
    cf.on(DescribeChangeSetCommand).resolves({ Status: 'CREATE_COMPLETE', Changes: [] });
    cf.on(DeleteChangeSetCommand).resolves({});
    s3.on(PutObjectCommand).resolves({});
    s3.on(DeleteObjectCommand).resolves({});
    const h = harness();
    const io = { ...h.io, s3: () => new S3Client({ region: 'ap-northeast-1' }) };
    expect(await deployMain(['dev', '--dry-run', '--sceptre-dir', dir, '--environments-dir', ENVS], io)).toBe(
      0,
    );
    const key = 'templates/dry-run/ses-migration-dev-ses-1700000000000.json';
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'artifacts-bucket',
      Key: key,
    });
    const create = cf
      .commandCalls(CreateChangeSetCommand)
      .find((c) => c.args[0].input.StackName === 'ses-migration-dev-ses');
    expect(create!.args[0].input.TemplateURL).toBe(
      `https://artifacts-bucket.s3.ap-northeast-1.amazonaws.com/${key}`,
    );
    expect(create!.args[0].input.TemplateBody).toBeUndefined();
    expect(s3.commandCalls(DeleteObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'artifacts-bucket',
      Key: key,
    });
  });
});
