/** Factories for the drift tests: a fake clock, AWS-style errors and a CloudFormation mock in a known state. */
import {
  CloudFormationClient,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DescribeStacksCommand,
  DetectStackDriftCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import type { DriftDeps } from '../../../lib/drift/engine.js';

export const cfMock = mockClient(CloudFormationClient);

/** A clock that only moves when the code under test sleeps. */
export function fakeClock(start = Date.parse('2026-11-30T00:00:00Z')) {
  let t = start;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

/** An error shaped like the SDK's service exceptions. */
export function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

export const missingStack = (stack: string) =>
  awsError('ValidationError', `Stack with id ${stack} does not exist`);

export const TEMPLATE = JSON.stringify({
  AWSTemplateFormatVersion: '2010-09-09',
  Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 't' } } },
});

/** Every stack exists, detection finishes after one in-progress poll, no drift, deployed template = TEMPLATE. */
export function allInSync(): void {
  cfMock.reset();
  cfMock.on(DescribeStacksCommand).callsFake((input: { StackName: string }) => ({
    Stacks: [{ StackName: input.StackName, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(0) }],
  }));
  cfMock
    .on(DetectStackDriftCommand)
    .callsFake((input: { StackName: string }) => ({ StackDriftDetectionId: `det-${input.StackName}` }));
  cfMock
    .on(DescribeStackDriftDetectionStatusCommand)
    .resolvesOnce(inProgress())
    .resolves(complete('IN_SYNC'));
  cfMock.on(DescribeStackResourceDriftsCommand).resolves({ StackResourceDrifts: [] });
  cfMock.on(GetTemplateCommand).resolves({ TemplateBody: `---\n${TEMPLATE}` });
}

export function inProgress() {
  return {
    StackId: 'id',
    StackDriftDetectionId: 'det',
    DetectionStatus: 'DETECTION_IN_PROGRESS' as const,
    Timestamp: new Date(0),
  };
}

export function complete(drift: 'IN_SYNC' | 'DRIFTED') {
  return {
    StackId: 'id',
    StackDriftDetectionId: 'det',
    DetectionStatus: 'DETECTION_COMPLETE' as const,
    StackDriftStatus: drift,
    DriftedStackResourceCount: drift === 'DRIFTED' ? 2 : 0,
    Timestamp: new Date(0),
  };
}

export function deps(clock = fakeClock()): DriftDeps & { lines: string[] } {
  const lines: string[] = [];
  return {
    cloudformation: new CloudFormationClient({ region: 'ap-northeast-1' }),
    sleep: clock.sleep,
    now: clock.now,
    progress: (l) => lines.push(l),
    random: () => 0.5,
    lines,
  };
}

/** A stack target; `local: null` = no generated template on disk. */
export const target = (name: string, local: string | null = TEMPLATE) => ({
  name,
  stackName: `ses-migration-prod-${name}`,
  localTemplate: async () => local ?? undefined,
});
