import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { beforeEach, describe, expect, it } from 'vitest';
import { driftMain } from '../../../scripts/drift/cli.js';
import { parseIgnoreFile } from '../../../scripts/drift/ignore.js';
import { loadSceptreEnvironment } from '../../../scripts/drift/sceptre.js';
import { allInSync, cfMock, fakeClock, missingStack } from './support.js';

const FIXTURE = 'test/fixtures/sceptre';
const ENVS = 'test/fixtures/environments';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const clock = fakeClock();
  return {
    out,
    err,
    io: {
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => err.push(t),
      cloudformation: (region: string) => new CloudFormationClient({ region }),
      sleep: clock.sleep,
      now: clock.now,
      callerAccount: async () => '123456789012',
    },
  };
}

describe('loadSceptreEnvironment', () => {
  it('names stacks <project_code>-<env>-<stack> from the config files, tolerating resolver tags', () => {
    const env = loadSceptreEnvironment(FIXTURE, 'dev');
    expect(env).toMatchObject({
      env: 'dev',
      environment: 'development',
      projectCode: 'ses-migration',
      region: 'ap-northeast-1',
    });
    expect(env.stacks.map((s) => s.stackName)).toEqual([
      'ses-migration-dev-base',
      'ses-migration-dev-enhanced-kinesis',
      'ses-migration-dev-monitoring',
      'ses-migration-dev-security',
      'ses-migration-dev-ses',
    ]);
    const ses = env.stacks.find((s) => s.name === 'ses');
    expect(ses?.parameters).toEqual({
      AlarmTopicArn: { resolver: 'stack_output', argument: 'dev/base.yaml::AlarmTopicArn' },
      BounceThreshold: '0.05',
    });
    expect(ses?.templatePath).toMatch(/test\/fixtures\/sceptre\/templates\/dev\/ses\.json$/);
  });

  it('fails for an unknown environment, listing the known ones', () => {
    expect(() => loadSceptreEnvironment(FIXTURE, 'staging')).toThrow(
      /unknown environment 'staging'.*dev, prod/,
    );
  });

  it('fails with a hint when the Sceptre project has not been generated', () => {
    expect(() => loadSceptreEnvironment('does-not-exist', 'dev')).toThrow(/run 'npm run generate' first/);
  });
});

describe('parseIgnoreFile', () => {
  it('requires a reason, naming the file and key', () => {
    expect(() =>
      parseIgnoreFile('ignore:\n  - {stack: base, resource: Topic}\n', 'drift-ignore.yaml'),
    ).toThrow('drift-ignore.yaml: ignore[0].reason is required');
  });
  it.each([
    ['ignore:\n  - {stack: base, resource: Topic, reason: " "}\n', /ignore\[0\]\.reason is required/],
    ['ignore:\n  - {resource: Topic, reason: r}\n', /ignore\[0\]\.stack is required/],
    ['ignore:\n  - {stack: base, resource: T, reason: r, why: x}\n', /ignore\[0\]\.why is not a known key/],
    [
      'ignore:\n  - {stack: base, resource: T, property: Tags, reason: r}\n',
      /must be a property path starting with '\/'/,
    ],
    ['ignore: 3\n', /'ignore' must be a list/],
    ['other: []\n', /top-level key 'ignore'/],
  ])('rejects %j', (text, message) => {
    expect(() => parseIgnoreFile(text, 'f.yaml')).toThrow(message);
  });
  it('accepts an empty file', () => {
    expect(parseIgnoreFile('', 'f.yaml')).toEqual([]);
  });
});

describe('driftMain', () => {
  beforeEach(() => {
    allInSync();
    // The deployed template of each stack is the fixture's generated one.
    cfMock.on(GetTemplateCommand).callsFake((input: { StackName: string }) => {
      const [, env, name] = /^ses-migration-(prod|dev)-(.+)$/.exec(input.StackName) ?? [];
      return { TemplateBody: readFileSync(`${FIXTURE}/templates/${env}/${name}.json`, 'utf8') };
    });
  });

  it('writes Markdown, JSON and JUnit reports and prints the Markdown', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'drift-'));
    const t = io();
    const code = await driftMain(
      ['prod', '--sceptre-dir', FIXTURE, '--environments-dir', ENVS, '--out-dir', outDir],
      t.io,
    );
    expect(code).toBe(0);
    expect(t.out.join('')).toContain('# Drift report: prod (ap-northeast-1)');
    const json = JSON.parse(readFileSync(join(outDir, 'drift-prod.json'), 'utf8'));
    expect(json.exitCode).toBe(0);
    expect(json.stacks).toHaveLength(5);
    expect(readFileSync(join(outDir, 'drift-prod.xml'), 'utf8')).toContain(
      '<testsuite name="drift.prod" tests="5"',
    );
    expect(readFileSync(join(outDir, 'drift-prod.md'), 'utf8')).toContain('ses-migration-prod-security');
    expect(t.err.join('')).toContain('drift: exit 0 (in sync)');
  });

  it('exits 3 (not deployed, not an error) when a stack is missing, the others still reported', async () => {
    cfMock.on(DescribeStacksCommand, { StackName: 'ses-migration-prod-ses' }).rejects(missingStack('x'));
    const t = io();
    const outDir = mkdtempSync(join(tmpdir(), 'drift-'));
    const code = await driftMain(
      ['prod', '--sceptre-dir', FIXTURE, '--environments-dir', ENVS, '--out-dir', outDir, '--format', 'json'],
      t.io,
    );
    expect(code).toBe(3);
    const json = JSON.parse(readFileSync(join(outDir, 'drift-prod.json'), 'utf8'));
    expect(json.summary).toEqual({ inSync: 4, drifted: 0, notDeployed: 1, errors: 0 });
    expect(json.stacks.find((s: { name: string }) => s.name === 'ses').outcome).toBe('NOT_DEPLOYED');
    expect(t.err.join('')).toContain('drift: exit 3 (not deployed)');
  });

  it('reports a config error in the ignore file as exit 2 with the file and key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drift-'));
    const file = join(dir, 'drift-ignore.yaml');
    writeFileSync(file, 'ignore:\n  - stack: base\n    resource: Topic\n');
    const t = io();
    expect(
      await driftMain(['prod', '--sceptre-dir', FIXTURE, '--environments-dir', ENVS, '--ignore', file], t.io),
    ).toBe(2);
    expect(t.err.join('')).toBe(
      `drift: ${file}: ignore[0].reason is required (say why this drift is expected, so the next reader can judge it)\n`,
    );
  });

  it.each([
    [[], /usage: npm run drift/],
    [['prod', 'dev'], /expected one environment/],
    [['prod', '--format', 'html'], /--format: unknown format 'html'; allowed: md, json, junit/],
    [['prod', '--timeout-seconds', '0'], /--timeout-seconds must be a whole number from 1 to 3600, got '0'/],
    [['prod', '--bogus'], /Unknown option '--bogus'/],
  ])('exits 2 for usage errors: %j', async (argv, message) => {
    const t = io();
    expect(await driftMain([...argv, '--sceptre-dir', FIXTURE, '--environments-dir', ENVS], t.io)).toBe(2);
    expect(t.err.join('')).toMatch(message);
  });
});
