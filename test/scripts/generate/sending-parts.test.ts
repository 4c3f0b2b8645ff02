/** Generate's warning above 10 sending policy parts and its notice when parts are added or removed. */
import { describe, expect, it } from 'vitest';
import { sendingPartsNotices } from '../../../scripts/generate/sending-parts.js';

const security = (env: string, parts: number): [string, string] => [
  `templates/${env}/security.json`,
  JSON.stringify({
    Outputs: Object.fromEntries([
      ...Array.from({ length: parts }, (_, i) => [`SendingPolicy${i === 0 ? '' : i + 1}Arn`, {}]),
      ['AdminRoleArn', {}],
    ]),
  }),
];

describe('sending policy parts: warning and notices', () => {
  it('nothing at 9 parts unchanged, or on a first generate', () => {
    expect(sendingPartsNotices([security('prod', 9)], [security('prod', 9)])).toEqual([]);
    expect(sendingPartsNotices([], [security('prod', 9)])).toEqual([]);
  });

  it('warns above the default quota of 10', () => {
    expect(sendingPartsNotices([], [security('prod', 10)])).toEqual([]);
    const [line] = sendingPartsNotices([], [security('prod', 11)]);
    expect(line).toMatch(
      /^WARNING: prod: the sending policy has 11 parts, more than IAM's default quota of 10/,
    );
  });

  it('names the parts to attach when they grow, and to detach (DeleteConflict) when they shrink', () => {
    expect(sendingPartsNotices([security('prod', 2)], [security('prod', 4)])).toEqual([
      expect.stringMatching(
        /NOTICE: prod: .*4 parts \(was 2\).*attach the new parts .*SendingPolicy3Arn, SendingPolicy4Arn/,
      ),
    ]);
    const [line] = sendingPartsNotices([security('prod', 3)], [security('prod', 1)]);
    expect(line).toMatch(
      /detach the removed parts .*SendingPolicy2Arn, SendingPolicy3Arn\) BEFORE the deploy/,
    );
    expect(line).toContain('DeleteConflict');
    // Other environments are compared with their own previous templates only.
    expect(sendingPartsNotices([security('dev', 1)], [security('prod', 3)])).toEqual([]);
  });
});
