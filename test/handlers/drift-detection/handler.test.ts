import { readFileSync } from 'node:fs';
import {
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DriftConfigError,
  loadDriftConfig as loadConfig,
} from '../../../contracts/functions/drift-detection.js';
import { handler } from '../../../handlers/drift-detection/index.js';
import { allInSync, cfMock, complete, missingStack } from '../../scripts/drift/support.js';

const s3Mock = mockClient(S3Client);
const snsMock = mockClient(SNSClient);
const event = JSON.parse(readFileSync('test/fixtures/drift-detection/scheduler-event.json', 'utf8'));
const modified = JSON.parse(readFileSync('test/fixtures/drift/resource-drifts-modified.json', 'utf8'));

const ENV = {
  STACK_NAMES: 'ses-migration-prod-base, ses-migration-prod-ses',
  REPORT_BUCKET: 'ses-migration-production-reports',
  TOPIC_P3_ARN: 'arn:aws:sns:ap-northeast-1:123456789012:ses-migration-production-p3',
  TOPIC_P2_ARN: 'arn:aws:sns:ap-northeast-1:123456789012:ses-migration-production-p2',
  ENVIRONMENT: 'production',
  DRIFT_TIMEOUT_SECONDS: '120',
};

beforeEach(() => {
  allInSync();
  s3Mock.reset();
  snsMock.reset();
  s3Mock.on(PutObjectCommand).resolves({});
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  for (const [k, v] of Object.entries(ENV)) vi.stubEnv(k, v);
  // Detection polls wait on real timers here: make them instant.
  vi.useFakeTimers({ shouldAdvanceTime: true, advanceTimeDelta: 1000 });
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

const run = async () => {
  const settled = handler(event).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await vi.runAllTimersAsync();
  const outcome = await settled;
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
};

describe('drift-detection handler', () => {
  it('stores JSON and Markdown reports and sends a Japanese in-sync summary to P3', async () => {
    const result = await run();

    expect(result).toMatchObject({
      severity: 'P3',
      exitCode: 0,
      summary: { inSync: 2, drifted: 0, errors: 0 },
    });
    const puts = s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.Key)).toEqual([
      expect.stringMatching(/^drift-reports\/production\/\d{4}-\d{2}-\d{2}\/.+\.json$/),
      expect.stringMatching(/^drift-reports\/production\/\d{4}-\d{2}-\d{2}\/.+\.md$/),
    ]);
    expect(puts.every((p) => p.Bucket === ENV.REPORT_BUCKET)).toBe(true);
    const publish = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(publish?.TopicArn).toBe(ENV.TOPIC_P3_ARN);
    expect(publish?.Subject).toBe('[P3] ses-migration production drift: 0 drifted, 0 errors, 2 in sync');
    expect(publish?.Message).toContain('全 2 スタックがテンプレートどおりです');
    // resource drift only: the function holds no templates
    expect(cfMock.commandCalls(GetTemplateCommand)).toHaveLength(0);
  });

  it('sends the summary to P2 with each drifted resource when drift is found', async () => {
    cfMock.on(DescribeStackDriftDetectionStatusCommand).resolves(complete('DRIFTED'));
    cfMock.on(DescribeStackResourceDriftsCommand, { StackName: 'ses-migration-prod-ses' }).resolves(modified);

    const result = await run();

    expect(result.severity).toBe('P2');
    const publish = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(publish?.TopicArn).toBe(ENV.TOPIC_P2_ARN);
    expect(publish?.Message).toContain(
      'ses-migration-prod-ses: ドリフトあり（変更・削除されたリソース 2 件: BounceRateAlarm, EventsTopic',
    );
    const md = String(s3Mock.commandCalls(PutObjectCommand)[1]?.args[0].input.Body);
    expect(md).toContain('`/Threshold` (NOT_EQUAL) | 0.05 | 0.2 |');
  });

  it('sends a missing stack (not deployed, not an error) to P2 and still reports the other stack', async () => {
    cfMock.on(DescribeStacksCommand, { StackName: 'ses-migration-prod-base' }).rejects(missingStack('x'));
    const result = await run();
    expect(result).toMatchObject({
      severity: 'P2',
      exitCode: 3,
      summary: { inSync: 1, notDeployed: 1, errors: 0 },
    });
    const message = snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Message;
    expect(message).toContain('1 件のスタックが存在しません（未デプロイまたは削除済み）。');
    expect(message).toContain(
      'ses-migration-prod-base: スタックなし（未デプロイ）（stack ses-migration-prod-base does not exist (not deployed: nothing to compare)）',
    );
  });

  it('fails the invocation when the report cannot be stored, without publishing', async () => {
    s3Mock.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    await expect(run()).rejects.toThrow('Access Denied');
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });
});

describe('loadConfig', () => {
  it('reads the stack list and defaults', () => {
    expect(loadConfig({ ...ENV, DRIFT_TIMEOUT_SECONDS: undefined, AWS_REGION: undefined })).toMatchObject({
      stackNames: ['ses-migration-prod-base', 'ses-migration-prod-ses'],
      timeoutSeconds: 600,
      region: 'ap-northeast-1',
    });
  });
  it.each([
    [
      { STACK_NAMES: undefined },
      'STACK_NAMES is undefined; allowed: comma-separated CloudFormation stack names',
    ],
    [
      { STACK_NAMES: 'a_b' },
      'STACK_NAMES is "a_b"; allowed: comma-separated CloudFormation stack names ([A-Za-z][A-Za-z0-9-]*); \'a_b\' is not one',
    ],
    [{ TOPIC_P2_ARN: 'p2' }, 'TOPIC_P2_ARN is "p2"; allowed: an SNS topic ARN'],
    [
      { DRIFT_TIMEOUT_SECONDS: '900' },
      'DRIFT_TIMEOUT_SECONDS is "900"; allowed: a whole number from 30 to 840',
    ],
  ])('rejects %j', (override, message) => {
    expect(() => loadConfig({ ...ENV, ...override })).toThrow(DriftConfigError);
    expect(() => loadConfig({ ...ENV, ...override })).toThrow(message);
  });
});
