/**
 * Who hears of an alarm, and when (seed 3.3.2 reconciled with 5.4.2; the table is in the README):
 *
 * | severity | at ALARM (SNS path, at once)       | afterwards (this module, every check)                                   |
 * |----------|------------------------------------|--------------------------------------------------------------------------|
 * | P1       | P1 list + level 3 (マネージャー)   | P1 list + level 3 again every `p1RenotifyMinutes` until acknowledged/OK |
 * | P2       | P2 list + level 1 (担当者)         | level 2 (リーダー) once, when a person asks (`npm run escalate`) or, if  |
 * |          |                                    | `p2AutoEscalateMinutes` is set, that long after ALARM unless acknowledged |
 * | P3       | P3 list + level 1 (担当者)         | nothing; listed in the periodic report                                   |
 *
 * The decision is a pure function of the alarms in ALARM, the episode items of the alarm-episode table
 * and the time. It compares the time with what was last *sent* (recorded in the episode item), not with
 * a window of the schedule, so a check that never ran delays a notice by one interval but never skips it.
 */
import { type AlarmEpisode, episodeLookupKey, episodeOf } from '../../contracts/alarm-episodes.js';
import { SEVERITIES, type Severity } from '../../contracts/severity.js';

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

export interface ResponsePolicy {
  /** The alarm topics: an alarm's severity is the topic its AlarmActions contain. */
  readonly alarmTopics: Readonly<Record<Severity, string>>;
  /** Minutes between automatic P1 re-notifications. */
  readonly p1RenotifyMinutes: number;
  /** Minutes after which an unacknowledged P2 goes to level 2 by itself; undefined: only by request. */
  readonly p2AutoEscalateMinutes: number | undefined;
}

export type EscalationAction =
  | {
      readonly kind: 'p1-renotify';
      readonly alarm: AlarmSnapshot;
      readonly episode: string;
      /** 1 for the first re-notification, 2 for the second, … */
      readonly round: number;
      readonly elapsedMinutes: number;
      /** The `lastP1NoticeAt` the decision was made on (the write is conditional on it). */
      readonly previousNoticeAt: string | undefined;
    }
  | {
      readonly kind: 'p2-level2';
      readonly alarm: AlarmSnapshot;
      readonly episode: string;
      readonly elapsedMinutes: number;
      readonly requestedBy: string | undefined;
    };

const MINUTE = 60_000;

/** The severity of an alarm from the alarm topic among its actions; undefined for an alarm that pages nobody. */
export function severityOfAlarm(
  alarm: AlarmSnapshot,
  alarmTopics: Readonly<Record<Severity, string>>,
): Severity | undefined {
  return SEVERITIES.find((s) => alarm.alarmActions.includes(alarmTopics[s]));
}

/** True for an alarm in ALARM whose actions are enabled (a muted alarm pages nobody). */
function isActive(alarm: AlarmSnapshot): alarm is AlarmSnapshot & { transitionedAt: Date } {
  return alarm.state === 'ALARM' && alarm.actionsEnabled && alarm.transitionedAt !== undefined;
}

/** What is due at `now` for the alarms in ALARM, given the episode items read for them. */
export function decideEscalations(
  alarms: readonly AlarmSnapshot[],
  episodes: ReadonlyMap<string, AlarmEpisode>,
  now: Date,
  policy: ResponsePolicy,
): EscalationAction[] {
  const actions: EscalationAction[] = [];
  for (const alarm of alarms) {
    if (!isActive(alarm)) continue;
    const severity = severityOfAlarm(alarm, policy.alarmTopics);
    const episode = episodeOf(alarm.transitionedAt);
    const item = episodes.get(episodeLookupKey(alarm.name, episode));
    const elapsed = now.getTime() - alarm.transitionedAt.getTime();
    const elapsedMinutes = Math.floor(elapsed / MINUTE);
    if (severity === 'P1') {
      if (item?.ackBy !== undefined) continue;
      // The SNS path sent the first notice at the transition.
      const last = item?.lastP1NoticeAt === undefined ? alarm.transitionedAt : new Date(item.lastP1NoticeAt);
      if (now.getTime() - last.getTime() >= policy.p1RenotifyMinutes * MINUTE) {
        actions.push({
          kind: 'p1-renotify',
          alarm,
          episode,
          round: (item?.p1Notices ?? 0) + 1,
          elapsedMinutes,
          previousNoticeAt: item?.lastP1NoticeAt,
        });
      }
    } else if (severity === 'P2' && item?.level2SentAt === undefined) {
      const requested = item?.level2RequestedAt !== undefined;
      const auto =
        policy.p2AutoEscalateMinutes !== undefined &&
        item?.ackBy === undefined &&
        elapsed >= policy.p2AutoEscalateMinutes * MINUTE;
      if (requested || auto) {
        actions.push({
          kind: 'p2-level2',
          alarm,
          episode,
          elapsedMinutes,
          requestedBy: requested ? (item?.level2RequestedBy ?? 'unknown') : undefined,
        });
      }
    }
  }
  return actions;
}
