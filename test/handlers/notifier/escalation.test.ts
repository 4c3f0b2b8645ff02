import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  alignToCheck,
  dueEscalations,
  type EscalationSettings,
} from '../../../handlers/notifier/escalation.js';
import { ALARM_TOPICS, snapshot } from './factories.js';

const settings: EscalationSettings = { p1AlarmTopicArn: ALARM_TOPICS.P1, afterMinutes: 30, checkMinutes: 5 };
const MIN = 60_000;
const T0 = new Date('2026-11-29T05:05:40Z');
const at = (minutes: number, seconds = 0) => new Date(T0.getTime() + minutes * MIN + seconds * 1000);

describe('dueEscalations', () => {
  it('sends nothing before the first `after` minutes have passed', () => {
    expect(dueEscalations([snapshot({ transitionedAt: T0 })], at(29, 59), settings)).toEqual([]);
  });

  it('sends level 1 exactly at `after`, and still within the check interval', () => {
    expect(dueEscalations([snapshot()], at(30), settings).map((d) => d.level)).toEqual([1]);
    expect(dueEscalations([snapshot()], at(34, 59), settings).map((d) => d.level)).toEqual([1]);
  });

  it('does not send again once the check interval after a level has passed', () => {
    expect(dueEscalations([snapshot()], at(35), settings)).toEqual([]);
    expect(dueEscalations([snapshot()], at(59, 59), settings)).toEqual([]);
  });

  it('sends level 2 at 2 × after and level 3 at 3 × after', () => {
    expect(dueEscalations([snapshot()], at(60), settings)[0]).toMatchObject({
      level: 2,
      round: 2,
      elapsedMinutes: 60,
    });
    expect(dueEscalations([snapshot()], at(90), settings)[0]).toMatchObject({
      level: 3,
      round: 3,
      elapsedMinutes: 90,
    });
  });

  it('repeats level 3 every `after` minutes until OK', () => {
    expect(dueEscalations([snapshot()], at(120), settings)[0]).toMatchObject({ level: 3, round: 4 });
    expect(dueEscalations([snapshot()], at(150, 10), settings)[0]).toMatchObject({ level: 3, round: 5 });
    expect(dueEscalations([snapshot()], at(125), settings)).toEqual([]);
  });

  it('only escalates P1 alarms that are in ALARM with actions enabled', () => {
    const now = at(30);
    const alarms = [
      snapshot({ name: 'p1' }),
      snapshot({ name: 'p2', alarmActions: [ALARM_TOPICS.P2] }),
      snapshot({ name: 'ok', state: 'OK' }),
      snapshot({ name: 'muted', actionsEnabled: false }),
      snapshot({ name: 'no-time', transitionedAt: undefined }),
      snapshot({ name: 'composite', composite: true }),
    ];
    expect(dueEscalations(alarms, now, settings).map((d) => d.alarm.name)).toEqual(['p1', 'composite']);
  });

  it('ignores an alarm whose transition lies in the future (clock skew)', () => {
    expect(dueEscalations([snapshot({ transitionedAt: at(10) })], at(0), settings)).toEqual([]);
  });

  it('sends each level exactly once, in order, to runs on the check grid, whatever the transition time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 24 * 60 * 60 - 1 }), // transition second within a day
        fc.constantFrom(5, 10, 15, 30, 45, 60), // after
        fc.constantFrom(1, 5), // check
        (offsetSeconds, afterMinutes, checkMinutes) => {
          fc.pre(afterMinutes >= checkMinutes);
          const s = { ...settings, afterMinutes, checkMinutes };
          const transitionedAt = new Date(Date.UTC(2026, 10, 29) + offsetSeconds * 1000);
          const alarm = snapshot({ transitionedAt });
          const sent: { level: number; minute: number }[] = [];
          const first = alignToCheck(transitionedAt, checkMinutes).getTime();
          for (
            let t = first;
            t < transitionedAt.getTime() + (6 * afterMinutes + checkMinutes) * MIN;
            t += checkMinutes * MIN
          ) {
            for (const d of dueEscalations([alarm], new Date(t), s)) {
              sent.push({ level: d.level, minute: (t - transitionedAt.getTime()) / MIN });
            }
          }
          expect(sent.map((x) => x.level)).toEqual([1, 2, 3, 3, 3, 3]);
          sent.forEach((x, i) => {
            expect(x.minute).toBeGreaterThanOrEqual((i + 1) * afterMinutes);
            expect(x.minute).toBeLessThan((i + 1) * afterMinutes + checkMinutes);
          });
        },
      ),
    );
  });
});

describe('alignToCheck', () => {
  it('floors a late run to its scheduled grid time', () => {
    expect(alignToCheck(new Date('2026-11-29T05:10:07.250Z'), 5).toISOString()).toBe(
      '2026-11-29T05:10:00.000Z',
    );
    expect(alignToCheck(new Date('2026-11-29T05:10:00.000Z'), 5).toISOString()).toBe(
      '2026-11-29T05:10:00.000Z',
    );
  });
});
