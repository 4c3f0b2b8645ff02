/**
 * The worked examples of the AWS page "Using Amazon CloudWatch alarms" (section "How alarm state is evaluated
 * when data is missing"; awsdocs/amazon-cloudwatch-user-guide doc_source/AlarmThatSendsEmail.md), row by row.
 * Data points oldest first: 0 not breaching, X breaching, - missing; 5 retrieved for 3 evaluation periods.
 */
import { describe, expect, it } from 'vitest';
import { decideState, type Point } from '../../../lib/alarm-eval/index.js';
import type { AlarmState, TreatMissingData } from '../../../lib/alarm-eval/types.js';

const parse = (s: string): Point[] => s.split(' ').map((c) => (c === '-' ? undefined : c === 'X'));
const KEEP = 'keep' as const;
type Want = AlarmState | typeof KEEP;

const MODES: readonly TreatMissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];

function check(n: number, m: number, rows: [string, Want, Want, Want, Want][]) {
  for (const [points, ...wants] of rows) {
    MODES.forEach((mode, i) => {
      const want = wants[i]!;
      it(`${m} of ${n}: ${points} with ${mode} → ${want === KEEP ? 'current state kept' : want}`, () => {
        for (const current of ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const) {
          const got = decideState(parse(points), n, m, mode, current).state;
          expect(got).toBe(want === KEEP ? current : want);
        }
      });
    });
  }
}

describe('AWS table 1: Datapoints to Alarm = Evaluation Periods = 3', () => {
  check(3, 3, [
    ['0 - X - X', 'OK', 'OK', 'OK', 'OK'],
    ['0 - - - -', 'OK', 'OK', 'OK', 'OK'],
    ['- - - - -', 'INSUFFICIENT_DATA', KEEP, 'ALARM', 'OK'],
    ['0 X X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
    ['- - - - X', 'INSUFFICIENT_DATA', KEEP, 'ALARM', 'OK'],
    ['X - - - -', 'ALARM', KEEP, 'ALARM', 'OK'],
  ]);
});

describe('AWS table 2: 2 out of 3 (M out of N)', () => {
  check(3, 2, [
    ['0 - X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
    ['0 0 X 0 X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
    ['0 - X - -', 'OK', 'OK', 'ALARM', 'OK'],
    ['- - - - 0', 'OK', 'OK', 'ALARM', 'OK'],
    ['- - - - X', 'INSUFFICIENT_DATA', KEEP, 'ALARM', 'OK'],
  ]);
});

describe('the page\'s "Evaluating an alarm" figure: 3 of 3, threshold 3', () => {
  it('goes to ALARM in the fifth period, back to OK in the sixth, stays OK on one breach in the ninth', () => {
    const values = [1, 2, 4, 5, 4, 2, 1, 2, 4, 2];
    const states = values.map((_, i) => {
      const window = values.slice(Math.max(0, i - 4), i + 1).map((v) => v > 3);
      const padded: Point[] = [...Array(5 - window.length).fill(undefined), ...window];
      return decideState(padded, 3, 3, 'missing', 'OK').state;
    });
    expect(states.slice(2)).toEqual(['OK', 'OK', 'ALARM', 'OK', 'OK', 'OK', 'OK', 'OK']);
  });
});
