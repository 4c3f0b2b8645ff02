/**
 * 1,000 domains over three identity stacks (`ses.identityStacks: 3`): CloudFormation reads every
 * AWS::SES::EmailIdentity twice (GetEmailIdentity, ListTagsForResource) through SES's 1 request/s quota for
 * every action but sending, shared by the account, so the three detections end ~2,000 s after they start: far
 * past the function's 15 minutes. The weekly run must report them as DEFERRED (detection still running, its id
 * and how to read the result), never as a timeout error and never as in sync, and still report the others.
 */
import { readFileSync } from 'node:fs';
import {
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DetectStackDriftCommand,
} from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_RATE_LIMITS, LAMBDA_MAX_TIMEOUT_SECONDS } from '../../../contracts/limits.js';
import { handler } from '../../../handlers/drift-detection/index.js';
import { allInSync, cfMock } from '../../scripts/drift/support.js';

const s3Mock = mockClient(S3Client);
const snsMock = mockClient(SNSClient);
const event = JSON.parse(readFileSync('test/fixtures/drift-detection/scheduler-event.json', 'utf8'));
const modified = JSON.parse(readFileSync('test/fixtures/drift/resource-drifts-modified.json', 'utf8'));

const THREE_SHARDS: Record<string, number> = {
  'ses-migration-prod-ses': 334,
  'ses-migration-prod-ses-identities-1': 333,
  'ses-migration-prod-ses-identities-2': 333,
};
const OTHERS = ['ses-migration-prod-base', 'ses-migration-prod-monitoring'];
const STACKS = [...OTHERS, ...Object.keys(THREE_SHARDS)];
let IDENTITIES = THREE_SHARDS;

/** Seconds CloudFormation needs for one detection: two SES reads per identity of every identity stack in flight. */
const sesSeconds = () =>
  (2 * Object.values(IDENTITIES).reduce((a, b) => a + b, 0)) / API_RATE_LIMITS.sesApi.quotaPerSecond;

beforeEach(() => {
  IDENTITIES = THREE_SHARDS;
  allInSync();
  const started = new Map<string, number>();
  cfMock.on(DetectStackDriftCommand).callsFake((input: { StackName: string }) => {
    started.set(`det-${input.StackName}`, Date.now());
    return { StackDriftDetectionId: `det-${input.StackName}` };
  });
  cfMock
    .on(DescribeStackDriftDetectionStatusCommand)
    .callsFake((input: { StackDriftDetectionId: string }) => {
      const stack = input.StackDriftDetectionId.slice('det-'.length);
      const needs = IDENTITIES[stack] ? sesSeconds() * 1000 : 10_000;
      const done = Date.now() - (started.get(input.StackDriftDetectionId) ?? 0) >= needs;
      return {
        StackId: stack,
        StackDriftDetectionId: input.StackDriftDetectionId,
        DetectionStatus: done ? 'DETECTION_COMPLETE' : 'DETECTION_IN_PROGRESS',
        ...(done ? { StackDriftStatus: 'IN_SYNC' } : {}),
        Timestamp: new Date(0),
      };
    });
  s3Mock.reset();
  snsMock.reset();
  s3Mock.on(PutObjectCommand).resolves({});
  snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
  vi.stubEnv('STACK_NAMES', STACKS.join(','));
  vi.stubEnv('REPORT_BUCKET', 'ses-migration-production-reports');
  vi.stubEnv('TOPIC_P3_ARN', 'arn:aws:sns:ap-northeast-1:123456789012:ses-migration-production-p3');
  vi.stubEnv('TOPIC_P2_ARN', 'arn:aws:sns:ap-northeast-1:123456789012:ses-migration-production-p2');
  vi.stubEnv('ENVIRONMENT', 'production');
  // what the monitoring stack writes (generators/stacks/monitoring/functions.ts)
  vi.stubEnv('DRIFT_TIMEOUT_SECONDS', '600');
  vi.useFakeTimers({ shouldAdvanceTime: true, advanceTimeDelta: 1000 });
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

/** One invocation with Lambda's full 15 minutes; returns the result and the fake time it took. */
async function invoke() {
  const start = Date.now();
  const context = {
    getRemainingTimeInMillis: () => LAMBDA_MAX_TIMEOUT_SECONDS * 1000 - (Date.now() - start),
  };
  const settled = handler(event, context).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await vi.runAllTimersAsync();
  const outcome = await settled;
  if ('error' in outcome) throw outcome.error;
  return { result: outcome.value, tookMs: Date.now() - start };
}

const published = () => snsMock.commandCalls(PublishCommand)[0]?.args[0].input;

describe('weekly drift at 1,000 identities (3 identity stacks)', () => {
  it('the identity stacks need longer than the function may run', () => {
    expect(sesSeconds()).toBe(2000);
    expect(sesSeconds()).toBeGreaterThan(LAMBDA_MAX_TIMEOUT_SECONDS);
  });

  it('reports the identity stacks as deferred with their detection ids, not as errors or in sync, within the limit', async () => {
    const { result, tookMs } = await invoke();

    expect(tookMs).toBeLessThan(LAMBDA_MAX_TIMEOUT_SECONDS * 1000);
    expect(result).toMatchObject({
      severity: 'P3',
      summary: { inSync: 2, drifted: 0, notDeployed: 0, errors: 0, deferred: 3 },
    });
    const json = JSON.parse(String(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input.Body));
    const outcomes = Object.fromEntries(
      json.stacks.map(
        (s: { stackName: string; outcome: string; detectionId?: string; errors: unknown[] }) => [
          s.stackName,
          [s.outcome, s.detectionId, s.errors.length],
        ],
      ),
    );
    expect(outcomes).toEqual({
      'ses-migration-prod-base': ['IN_SYNC', 'det-ses-migration-prod-base', 0],
      'ses-migration-prod-monitoring': ['IN_SYNC', 'det-ses-migration-prod-monitoring', 0],
      'ses-migration-prod-ses': ['DEFERRED', 'det-ses-migration-prod-ses', 0],
      'ses-migration-prod-ses-identities-1': ['DEFERRED', 'det-ses-migration-prod-ses-identities-1', 0],
      'ses-migration-prod-ses-identities-2': ['DEFERRED', 'det-ses-migration-prod-ses-identities-2', 0],
    });
    const message = published();
    expect(message?.TopicArn).toContain('-p3');
    expect(message?.Subject).toBe(
      '[P3] ses-migration production drift: 0 drifted, 0 errors, 2 in sync, 3 deferred',
    );
    expect(message?.Message).toContain(
      '2 件のスタックはテンプレートどおりです。3 件は検出に時間がかかるため CloudFormation 上で検出を継続中です（結果は未確認）。',
    );
    expect(message?.Message).toContain(
      '- ses-migration-prod-ses-identities-1: 検出継続中（結果は後で確認）（検出 ID det-ses-migration-prod-ses-identities-1）',
    );
    expect(message?.Message).toContain(
      'aws cloudformation describe-stack-drift-detection-status --stack-drift-detection-id det-ses-migration-prod-ses-identities-2',
    );
    expect(message?.Message).not.toContain('検出エラー');
    expect(message?.Message).not.toContain('全 5 スタックがテンプレートどおりです');
    const md = String(s3Mock.commandCalls(PutObjectCommand)[1]?.args[0].input.Body);
    expect(md).toContain('3 deferred (detection still running, no verdict yet)');
    expect(md).toContain(
      '| `ses-migration-prod-ses` | ⏳ DEFERRED | detection det-ses-migration-prod-ses still running |',
    );
  });

  it('still sends drift of a finished stack to P2 next to the deferred ones', async () => {
    cfMock
      .on(DescribeStackResourceDriftsCommand, { StackName: 'ses-migration-prod-monitoring' })
      .resolves(modified);
    const { result } = await invoke();
    expect(result).toMatchObject({
      severity: 'P2',
      summary: { inSync: 1, drifted: 1, errors: 0, deferred: 3 },
    });
    expect(published()?.Message).toContain('1 件のスタックでドリフト');
    expect(published()?.Message).toContain('検出継続中のスタック（3 件）');
  });

  it('ends within the invocation when more stacks than the concurrency limit wait (20 identity stacks)', async () => {
    // ses.identityStacks at its maximum, 20: 22 stacks, 8 in flight at once; the last ones start late.
    IDENTITIES = Object.fromEntries(
      Array.from({ length: 20 }, (_, k) => [
        k ? `ses-migration-prod-ses-identities-${k}` : 'ses-migration-prod-ses',
        50,
      ]),
    );
    vi.stubEnv('STACK_NAMES', [...OTHERS, ...Object.keys(IDENTITIES)].join(','));
    const { result, tookMs } = await invoke();
    expect(tookMs).toBeLessThan(LAMBDA_MAX_TIMEOUT_SECONDS * 1000);
    expect(result.summary).toEqual({ inSync: 2, drifted: 0, notDeployed: 0, errors: 0, deferred: 20 });
    expect(cfMock.commandCalls(DetectStackDriftCommand)).toHaveLength(22);
  });
});
