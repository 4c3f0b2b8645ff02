/**
 * SNS rejects a Publish whose Subject is 100 characters or longer (or holds a line break), and the notice is then
 * lost. Property: every subject the notifier builds, for any alarm name, environment, state, severity, count or
 * person, is 1-99 printable ASCII characters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAlarmMessage } from '../../../handlers/notifier/alarm-message.js';
import {
  asciiSubject,
  type FormatContext,
  formatAlarmNotification,
  formatEscalation,
  formatUnparsedNotification,
  SEVERITIES,
} from '../../../handlers/notifier/format.js';
import { alarmMessage } from './factories.js';

const SUBJECT_OK = /^[\x20-\x7e]{1,99}$/;

/** Any text: long, Japanese, emoji, control characters and line breaks included. */
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300, size: 'max' }),
  fc.string({ minLength: 60, maxLength: 300 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 90, maxLength: 110 }),
);

const ctxArb = fc.record({
  environment: text,
  commandEnvironment: text,
  region: fc.constantFrom('ap-northeast-1', 'us-east-1'),
  domains: fc.array(text, { maxLength: 3 }),
  sesEventsLogGroup: text,
  metricsLogGroup: text,
}) as fc.Arbitrary<FormatContext>;

const FIXTURES = [
  'metric-alarm-alarm',
  'metric-alarm-ok',
  'metric-math-alarm',
  'composite-alarm',
  'insufficient-data',
] as const;

describe('notifier subjects stay under SNS limit (fewer than 100 characters, ASCII, one line)', () => {
  it('asciiSubject, for any input', () => {
    fc.assert(
      fc.property(text, (t) => SUBJECT_OK.test(asciiSubject(t))),
      { numRuns: 500 },
    );
  });

  it('alarm notifications, for any alarm name, fixture, severity and context', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FIXTURES),
        text,
        fc.constantFrom(...SEVERITIES),
        ctxArb,
        (fixture, name, sev, ctx) => {
          const body = JSON.parse(alarmMessage(fixture));
          body.AlarmName = name.length ? name : 'x';
          const { subject } = formatAlarmNotification(
            parseAlarmMessage(JSON.stringify(body)),
            sev,
            ctx,
            'm-1',
          );
          expect(subject).toMatch(SUBJECT_OK);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('unparsed notifications, for any raw message and environment', () => {
    fc.assert(
      fc.property(text, fc.constantFrom(...SEVERITIES), ctxArb, (raw, sev, ctx) => {
        expect(formatUnparsedNotification(raw, sev, ctx, 'why', undefined).subject).toMatch(SUBJECT_OK);
      }),
      { numRuns: 300 },
    );
  });

  it('P1 reminders and P2 escalations, for any alarm name, counts and person', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('p1-renotify' as const, 'p2-level2' as const),
        text,
        fc.nat({ max: 10_000_000 }),
        fc.nat({ max: 100_000 }),
        fc.option(text, { nil: undefined }),
        ctxArb,
        (kind, alarmName, elapsedMinutes, round, requestedBy, ctx) => {
          const { subject } = formatEscalation(
            {
              kind,
              alarmName,
              description: undefined,
              reason: undefined,
              enteredAlarmAt: new Date(0),
              checkedAt: new Date(0),
              elapsedMinutes,
              round,
              renotifyMinutes: 15,
              requestedBy,
              composite: false,
            },
            ctx,
          );
          expect(subject).toMatch(SUBJECT_OK);
        },
      ),
      { numRuns: 300 },
    );
  });
});
