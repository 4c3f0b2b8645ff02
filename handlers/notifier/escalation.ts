/**
 * Escalation of P1 alarms (seed 1.3, 5.4.2), decided statelessly from the alarm's own state.
 *
 * A P1 alarm (one whose AlarmActions contain the P1 alarm topic) that has been in ALARM for `elapsed`
 * is escalated at the run where `elapsed` enters [n × after, n × after + check) for n = 1, 2, 3, …:
 * level min(n, 3). So level 1 after `after` minutes, level 2 after 2 × `after`, level 3 after 3 × `after`,
 * then level 3 again every `after` minutes until the alarm leaves ALARM.
 *
 * Exactly once per level: the runs are evaluated at grid-aligned times (`now` floored to the check
 * interval; the Scheduler passes its scheduled time), so successive `elapsed` values are exactly `check`
 * apart and each half-open window of width `check` contains exactly one of them (needs after ≥ check).
 * A retried run reuses its scheduled time and reaches the same decision. What statelessness cannot do is
 * catch up on a run that never happened at all (Scheduler gave up after its retries): that level is then
 * skipped and the next one still comes on time. The function's error alarm reports such failures; a state
 * store (DynamoDB, "last level sent per alarm transition") would add catch-up at the price of a table,
 * conditional writes and their own failure modes, which this rare case does not justify.
 *
 * `elapsed` is measured from `StateTransitionedTimestamp` (last change of the state *value*), not
 * `StateUpdatedTimestamp`, which also moves when an alarm re-evaluates and stays in ALARM. moto returns
 * only the latter, hence the fallback.
 */
import type { EscalationLevel } from '../../contracts/severity.js';

export interface AlarmSnapshot {
  readonly name: string;
  readonly composite: boolean;
  readonly state: string;
  readonly actionsEnabled: boolean;
  readonly alarmActions: readonly string[];
  /** When the state value last changed. */
  readonly transitionedAt: Date | undefined;
  readonly description: string | undefined;
  readonly reason: string | undefined;
}

export interface EscalationSettings {
  /** The P1 alarm topic: alarms whose AlarmActions contain it are P1. */
  readonly p1AlarmTopicArn: string;
  /** `ESCALATION_AFTER_MINUTES`: minutes in ALARM per level. */
  readonly afterMinutes: number;
  /** `ESCALATION_CHECK_MINUTES`: the schedule's interval. */
  readonly checkMinutes: number;
}

export type { EscalationLevel } from '../../contracts/severity.js';

export interface DueEscalation {
  readonly alarm: AlarmSnapshot;
  readonly level: EscalationLevel;
  /** n in n × after: 1, 2, 3, then 4, 5, … for the level-3 repeats. */
  readonly round: number;
  readonly elapsedMinutes: number;
}

const MINUTE = 60_000;

/** Floors a time to the schedule's grid, so a run a few seconds late decides like the on-time one. */
export function alignToCheck(now: Date, checkMinutes: number): Date {
  const step = checkMinutes * MINUTE;
  return new Date(Math.floor(now.getTime() / step) * step);
}

/** True for an alarm that pages P1 and is still in ALARM with its actions enabled. */
export function isEscalatable(alarm: AlarmSnapshot, p1AlarmTopicArn: string): boolean {
  return alarm.state === 'ALARM' && alarm.actionsEnabled && alarm.alarmActions.includes(p1AlarmTopicArn);
}

/** The escalations due at `now` (already aligned to the check grid). */
export function dueEscalations(
  alarms: readonly AlarmSnapshot[],
  now: Date,
  settings: EscalationSettings,
): DueEscalation[] {
  const after = settings.afterMinutes * MINUTE;
  const check = settings.checkMinutes * MINUTE;
  const due: DueEscalation[] = [];
  for (const alarm of alarms) {
    if (!isEscalatable(alarm, settings.p1AlarmTopicArn) || alarm.transitionedAt === undefined) continue;
    const elapsed = now.getTime() - alarm.transitionedAt.getTime();
    if (elapsed < after) continue;
    const round = Math.floor(elapsed / after);
    if (elapsed - round * after >= check) continue;
    due.push({
      alarm,
      level: Math.min(round, 3) as EscalationLevel,
      round,
      elapsedMinutes: Math.floor(elapsed / MINUTE),
    });
  }
  return due;
}
