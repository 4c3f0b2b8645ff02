/**
 * The gate's drift wait grows with the SES identities of the stack (issue #14 review): CloudFormation reads each
 * identity through SES's one request a second, so a fixed 5 minutes would refuse every update of an identity
 * stack of a few hundred domains as "drift could not be detected".
 */
import { describe, expect, it } from 'vitest';
import { BASE_DRIFT_TIMEOUT_MS, driftCheck, driftTimeoutFor } from '../../../scripts/gate/drift-check.js';

const identities = (n: number) => ({
  Resources: Object.fromEntries([
    ['Topic', { Type: 'AWS::SNS::Topic', Properties: {} }],
    ...Array.from({ length: n }, (_, i) => [
      `D${i}Identity`,
      { Type: 'AWS::SES::EmailIdentity', Properties: {} },
    ]),
  ]),
});

describe('drift wait of the deploy gate', () => {
  it('is the engine default for a stack without identities and 2 s more per identity', () => {
    expect(driftTimeoutFor(identities(0))).toBe(BASE_DRIFT_TIMEOUT_MS);
    expect(driftTimeoutFor(identities(1))).toBe(302_000);
    expect(driftTimeoutFor(identities(450))).toBe(1_200_000);
  });

  it('is what driftCheck waits for when the caller gives none', async () => {
    let clock = 0;
    const cloudformation = {
      send: async (command: { constructor: { name: string } }) =>
        command.constructor.name === 'DetectStackDriftCommand'
          ? { StackDriftDetectionId: 'd-1' }
          : { DetectionStatus: 'DETECTION_IN_PROGRESS', StackId: 'x' },
    };
    const result = await driftCheck(
      { name: 'ses-identities-1', stackName: 'ses-migration-prod-ses-identities-1' },
      identities(450),
      {
        cloudformation,
        now: () => clock,
        sleep: async (ms: number) => {
          clock += ms;
        },
      },
      { ignore: [], override: false },
    );
    expect(result.ok).toBe(false);
    expect(result.lines.join('\n')).toContain('after 1200 s');
    expect(clock).toBeGreaterThanOrEqual(1_200_000);
  });
});
