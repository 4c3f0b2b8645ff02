import { readFileSync } from 'node:fs';
import {
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DescribeStacksCommand,
  DetectStackDriftCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { beforeEach, describe, expect, it } from 'vitest';
import { exitCodeOf, runDrift, type StackReport } from '../../../lib/drift/engine.js';
import { renderJunit, renderMarkdown } from '../../../lib/drift/report.js';
import { parseIgnoreFile } from '../../../scripts/drift/ignore.js';
import {
  allInSync,
  awsError,
  cfMock,
  complete,
  deps,
  fakeClock,
  inProgress,
  missingStack,
  target,
} from './support.js';

const META = { env: 'prod', region: 'ap-northeast-1' };
const modified = JSON.parse(readFileSync('test/fixtures/drift/resource-drifts-modified.json', 'utf8'));

function stack(report: { stacks: readonly StackReport[] }, name: string): StackReport {
  const s = report.stacks.find((x) => x.name === name);
  if (!s) throw new Error(`no stack ${name} in report`);
  return s;
}

beforeEach(() => allInSync());

describe('runDrift', () => {
  it('reports every stack in sync and exits 0 when nothing drifted and templates match', async () => {
    const report = await runDrift([target('base'), target('ses')], META, deps());

    expect(report.stacks.map((s) => [s.stackName, s.outcome, s.stackDriftStatus])).toEqual([
      ['ses-migration-prod-base', 'IN_SYNC', 'IN_SYNC'],
      ['ses-migration-prod-ses', 'IN_SYNC', 'IN_SYNC'],
    ]);
    expect(report.stacks[0]?.templateDiff).toEqual({ added: [], removed: [], changed: [], sections: [] });
    expect(exitCodeOf(report)).toBe(0);
  });

  it('reports each drifted property, counts DELETED as drift, lists NOT_CHECKED apart, and exits 1', async () => {
    cfMock.on(DescribeStackDriftDetectionStatusCommand).resolves(complete('DRIFTED'));
    cfMock.on(DescribeStackResourceDriftsCommand, { StackName: 'ses-migration-prod-ses' }).resolves(modified);

    const report = await runDrift([target('base'), target('ses')], META, deps());
    const ses = stack(report, 'ses');

    expect(ses.outcome).toBe('DRIFTED');
    expect(ses.drifts.map((d) => [d.logicalId, d.status])).toEqual([
      ['BounceRateAlarm', 'MODIFIED'],
      ['EventsTopic', 'DELETED'],
    ]);
    expect(ses.notChecked.map((d) => d.logicalId)).toEqual(['EventsSubscription']);
    expect(exitCodeOf(report)).toBe(1);
    const md = renderMarkdown(report);
    expect(md).toContain('`/Threshold` (NOT_EQUAL) | 0.05 | 0.2 |');
    expect(md).toContain('`/AlarmActions/1` (ADD)');
    expect(md).toContain('| `EventsTopic` | AWS::SNS::Topic | DELETED | whole resource |');
  });

  it('does not count NOT_CHECKED resources as drift', async () => {
    cfMock.on(DescribeStackResourceDriftsCommand).resolves({
      StackResourceDrifts: modified.StackResourceDrifts.filter(
        (d: { StackResourceDriftStatus: string }) => d.StackResourceDriftStatus === 'NOT_CHECKED',
      ),
    });
    const report = await runDrift([target('ses')], META, deps());
    expect(stack(report, 'ses').outcome).toBe('IN_SYNC');
    expect(stack(report, 'ses').notChecked).toHaveLength(1);
  });

  it('asks for UNKNOWN resources and reports them apart with their status, not as drift', async () => {
    cfMock.on(DescribeStackResourceDriftsCommand).resolves({
      StackResourceDrifts: [
        {
          StackId: 'arn:aws:cloudformation:ap-northeast-1:111122223333:stack/ses-migration-prod-ses/1',
          LogicalResourceId: 'ConfigurationSet',
          PhysicalResourceId: 'ses-migration-prod-config-set',
          ResourceType: 'AWS::SES::ConfigurationSet',
          StackResourceDriftStatus: 'UNKNOWN',
          Timestamp: new Date('2026-12-01T00:00:00Z'),
        },
      ],
    });
    const report = await runDrift([target('ses')], META, deps());
    const ses = stack(report, 'ses');
    expect(ses.outcome).toBe('IN_SYNC');
    expect(ses.notChecked.map((d) => [d.logicalId, d.status])).toEqual([['ConfigurationSet', 'UNKNOWN']]);
    const asked = cfMock.commandCalls(DescribeStackResourceDriftsCommand)[0]?.args[0].input;
    expect(asked?.StackResourceDriftStatusFilters).toContain('UNKNOWN');
    expect(renderMarkdown(report)).toContain('- `ConfigurationSet` (AWS::SES::ConfigurationSet): UNKNOWN');
  });

  it('collects resource drifts from every page', async () => {
    const [first, second] = modified.StackResourceDrifts;
    cfMock
      .on(DescribeStackResourceDriftsCommand)
      .resolvesOnce({ StackResourceDrifts: [first], NextToken: 'page-2' })
      .resolvesOnce({ StackResourceDrifts: [second] });

    const report = await runDrift([target('ses')], META, deps());

    expect(stack(report, 'ses').drifts.map((d) => d.logicalId)).toEqual(['BounceRateAlarm', 'EventsTopic']);
    const calls = cfMock.commandCalls(DescribeStackResourceDriftsCommand);
    expect(calls.map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'page-2']);
    expect(calls[0]?.args[0].input.StackResourceDriftStatusFilters).toEqual([
      'MODIFIED',
      'DELETED',
      'UNKNOWN',
      'UNSUPPORTED',
      'NOT_CHECKED',
    ]);
  });

  it('retries throttled calls with backoff and then succeeds', async () => {
    const clock = fakeClock();
    cfMock
      .on(DetectStackDriftCommand)
      .rejectsOnce(awsError('Throttling', 'Rate exceeded'))
      .rejectsOnce(awsError('Throttling', 'Rate exceeded'))
      .resolves({ StackDriftDetectionId: 'det-1' });
    const d = deps(clock);

    const report = await runDrift([target('base')], META, d);

    expect(stack(report, 'base').outcome).toBe('IN_SYNC');
    expect(cfMock.commandCalls(DetectStackDriftCommand)).toHaveLength(3);
    // full jitter with random() = 0.5: 0.5 * 500, 0.5 * 1000
    expect(clock.sleeps.slice(0, 2)).toEqual([250, 500]);
    expect(d.lines.filter((l) => l.includes('throttled'))).toHaveLength(2);
  });

  it('turns throttling that outlasts every attempt into an API error row', async () => {
    cfMock.on(DetectStackDriftCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    const report = await runDrift([target('base')], META, deps(), { retryAttempts: 3 });
    expect(stack(report, 'base').errors).toEqual([
      {
        kind: 'api',
        message:
          'DetectStackDrift: RetriesExhaustedError: still throttled after 3 attempts (Throttling: Rate exceeded)',
      },
    ]);
    expect(exitCodeOf(report)).toBe(2);
  });

  it('gives up polling at the timeout and reports it as an error row', async () => {
    const clock = fakeClock();
    cfMock.on(DescribeStackDriftDetectionStatusCommand).resolves(inProgress());

    const report = await runDrift([target('base'), target('ses')], META, deps(clock), { timeoutMs: 60_000 });

    for (const s of report.stacks) {
      expect(s.outcome).toBe('ERROR');
      expect(s.errors[0]?.kind).toBe('timeout');
      expect(s.errors[0]?.message).toMatch(/still in progress after 60 s/);
    }
    // polls grow 2 s, 3 s, 4.5 s ... capped at 10 s, and stop at the deadline
    const polls = cfMock.commandCalls(DescribeStackDriftDetectionStatusCommand).length / 2;
    expect(polls).toBeGreaterThan(5);
    expect(polls).toBeLessThan(12);
    expect(exitCodeOf(report)).toBe(2);
  });

  it('reports a missing stack as a row and still reports the other stacks', async () => {
    cfMock
      .on(DescribeStacksCommand, { StackName: 'ses-migration-prod-ses' })
      .rejects(missingStack('ses-migration-prod-ses'));

    const report = await runDrift([target('base'), target('ses')], META, deps());

    expect(stack(report, 'ses').outcome).toBe('NOT_DEPLOYED');
    expect(stack(report, 'ses').errors).toEqual([
      {
        kind: 'missing-stack',
        message: 'stack ses-migration-prod-ses does not exist (not deployed: nothing to compare)',
      },
    ]);
    expect(report.summary).toEqual({ inSync: 1, drifted: 0, notDeployed: 1, errors: 0 });
    expect(stack(report, 'base').outcome).toBe('IN_SYNC');
    expect(cfMock.commandCalls(DetectStackDriftCommand).map((c) => c.args[0].input.StackName)).toEqual([
      'ses-migration-prod-base',
    ]);
    expect(exitCodeOf(report)).toBe(3);
  });

  it('reports one API failure as an error row with the other stacks still reported (exit 2)', async () => {
    cfMock.on(DescribeStackDriftDetectionStatusCommand).resolves(complete('DRIFTED'));
    cfMock.on(DescribeStackResourceDriftsCommand, { StackName: 'ses-migration-prod-ses' }).resolves(modified);
    cfMock
      .on(DetectStackDriftCommand, { StackName: 'ses-migration-prod-base' })
      .rejects(
        awsError('AccessDenied', 'User is not authorized to perform: cloudformation:DetectStackDrift'),
      );

    const report = await runDrift([target('base'), target('ses'), target('security')], META, deps());

    expect(stack(report, 'base').errors).toEqual([
      {
        kind: 'api',
        message:
          'DetectStackDrift: AccessDenied: User is not authorized to perform: cloudformation:DetectStackDrift',
      },
    ]);
    expect(stack(report, 'ses').outcome).toBe('DRIFTED');
    expect(stack(report, 'security').outcome).toBe('IN_SYNC');
    expect(report.summary).toEqual({ inSync: 1, drifted: 1, notDeployed: 0, errors: 1 });
    expect(exitCodeOf(report)).toBe(2);
  });

  it('names the failing call, and says so when the endpoint does not speak the AWS API', async () => {
    cfMock
      .on(DescribeStackResourceDriftsCommand)
      .rejects(
        awsError('SyntaxError', 'Unexpected token < ... Deserialization error: to see the raw response'),
      );
    const s = stack(await runDrift([target('base')], META, deps()), 'base');
    expect(s.errors).toEqual([
      {
        kind: 'api',
        message:
          'DescribeStackResourceDrifts: the endpoint did not answer with an AWS API response (operation not implemented there?)',
      },
    ]);
  });

  it('reports DETECTION_FAILED with its reason as an error, keeping the drifts that were found', async () => {
    cfMock.on(DescribeStackDriftDetectionStatusCommand).resolves({
      ...complete('DRIFTED'),
      DetectionStatus: 'DETECTION_FAILED',
      DetectionStatusReason: 'Failed to detect drift on resources [EventsTopic]',
    });
    cfMock.on(DescribeStackResourceDriftsCommand).resolves(modified);

    const s = stack(await runDrift([target('ses')], META, deps()), 'ses');

    expect(s.outcome).toBe('ERROR');
    expect(s.errors[0]).toEqual({
      kind: 'detection-failed',
      message: 'drift detection failed: Failed to detect drift on resources [EventsTopic]',
    });
    expect(s.drifts).toHaveLength(2);
  });

  it('shows changes not deployed yet when the generated template differs', async () => {
    const local = JSON.stringify({
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {
        Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 't', DisplayName: 'new' } },
        Queue: { Type: 'AWS::SQS::Queue' },
      },
      Outputs: { TopicArn: { Value: { Ref: 'Topic' } } },
    });

    const s = stack(await runDrift([target('base', local)], META, deps()), 'base');

    expect(s.outcome).toBe('DRIFTED');
    expect(s.templateDiff).toEqual({
      added: ['Queue'],
      removed: [],
      changed: [{ logicalId: 'Topic', keys: ['Properties.DisplayName'] }],
      sections: ['Outputs'],
    });
    expect(cfMock.commandCalls(GetTemplateCommand)[0]?.args[0].input.TemplateStage).toBe('Original');
  });

  it('reports a missing local template as an error telling to generate', async () => {
    const s = stack(await runDrift([target('base', null)], META, deps()), 'base');
    expect(s.errors).toEqual([
      { kind: 'template', message: "no local template for base: run 'npm run generate' first" },
    ]);
  });

  it('skips the template comparison for targets without a local template reader', async () => {
    const s = stack(
      await runDrift([{ name: 'base', stackName: 'ses-migration-prod-base' }], META, deps()),
      'base',
    );
    expect(s.templateDiff).toBeNull();
    expect(cfMock.commandCalls(GetTemplateCommand)).toHaveLength(0);
  });

  it('applies ignore rules by resource and property prefix, and lists rules that matched nothing', async () => {
    cfMock.on(DescribeStackDriftDetectionStatusCommand).resolves(complete('DRIFTED'));
    cfMock.on(DescribeStackResourceDriftsCommand).resolves(modified);
    const ignore = parseIgnoreFile(
      `ignore:
  - stack: ses
    resource: BounceRateAlarm
    property: /AlarmActions
    reason: the on-call team adds its own pager topic
  - stack: ses-migration-prod-ses
    resource: EventsTopic
    reason: replaced by hand during the 2026-11 incident, fixed in the next release
  - stack: base
    resource: Nothing
    reason: stale
`,
      'drift-ignore.yaml',
    );

    const report = await runDrift([target('ses')], META, deps(), { ignore });
    const s = stack(report, 'ses');

    expect(s.drifts.map((d) => d.logicalId)).toEqual(['BounceRateAlarm']);
    expect(s.drifts[0]?.differences.map((d) => [d.path, d.ignoredBecause])).toEqual([
      ['/Threshold', undefined],
      ['/AlarmActions/1', 'the on-call team adds its own pager topic'],
    ]);
    expect(s.ignored.map((d) => [d.logicalId, d.ignoredBecause])).toEqual([
      ['EventsTopic', 'replaced by hand during the 2026-11 incident, fixed in the next release'],
    ]);
    expect(report.unusedIgnores.map((r) => r.source)).toEqual(['drift-ignore.yaml: ignore[2]']);
    expect(s.outcome).toBe('DRIFTED');
  });

  it('is in sync when ignore rules cover every drifted property', async () => {
    cfMock
      .on(DescribeStackResourceDriftsCommand)
      .resolves({ StackResourceDrifts: [modified.StackResourceDrifts[0]] });
    const ignore = parseIgnoreFile(
      'ignore:\n  - {stack: ses, resource: BounceRateAlarm, reason: tuned by hand on purpose}\n',
      'x.yaml',
    );
    const report = await runDrift([target('ses')], META, deps(), { ignore });
    expect(stack(report, 'ses').outcome).toBe('IN_SYNC');
    expect(exitCodeOf(report)).toBe(0);
  });
});

describe('exitCodeOf', () => {
  const row = (outcome: StackReport['outcome']) => ({ outcome }) as StackReport;
  it.each([
    [[], 0],
    [['IN_SYNC'], 0],
    [['IN_SYNC', 'DRIFTED'], 1],
    [['DRIFTED', 'DRIFTED'], 1],
    [['IN_SYNC', 'ERROR'], 2],
    [['DRIFTED', 'ERROR'], 2],
    [['ERROR'], 2],
    [['NOT_DEPLOYED'], 3],
    [['IN_SYNC', 'NOT_DEPLOYED'], 3],
    [['NOT_DEPLOYED', 'DRIFTED'], 1],
    [['NOT_DEPLOYED', 'ERROR'], 2],
  ] as const)('outcomes %j exit %i', (outcomes, code) => {
    expect(exitCodeOf({ stacks: outcomes.map(row) })).toBe(code);
  });
});

describe('report snapshots', () => {
  it('renders a mixed report as Markdown and JUnit', async () => {
    cfMock.on(DescribeStackDriftDetectionStatusCommand).resolves(complete('DRIFTED'));
    cfMock.on(DescribeStackResourceDriftsCommand, { StackName: 'ses-migration-prod-ses' }).resolves(modified);
    cfMock.on(DescribeStacksCommand, { StackName: 'ses-migration-prod-security' }).rejects(missingStack('x'));
    cfMock
      .on(DetectStackDriftCommand, { StackName: 'ses-migration-prod-byodkim' })
      .rejects(
        awsError('AccessDenied', 'User is not authorized to perform: cloudformation:DetectStackDrift'),
      );

    const report = await runDrift(
      [target('base'), target('ses'), target('security'), target('byodkim')],
      META,
      deps(),
    );
    const stable = {
      ...report,
      durationMs: 1234,
      stacks: report.stacks.map((s) => ({ ...s, durationMs: 100 })),
    };

    expect(renderMarkdown(stable)).toMatchSnapshot();
    expect(renderJunit(stable)).toMatchSnapshot();
  });
});
