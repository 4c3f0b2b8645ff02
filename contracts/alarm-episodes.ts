/**
 * The alarm-episode table of the monitoring stack: one item per alarm episode (seed 3.3.2, 5.4.2).
 *
 * An episode is one stay of one alarm in ALARM; it is named by the time the alarm entered ALARM
 * (`StateTransitionedTimestamp`), so a new ALARM after OK is a new episode with a fresh item.
 * Written by the notifier (re-notifications, level-2 escalations) and by people through
 * `npm run ack` / `npm run escalate`; read by those and by `npm run status`. Items expire by TTL.
 *
 * Key: `alarm` (S, full alarm name) + `episode` (S, ISO-8601 UTC of the ALARM transition).
 */

/** Days an episode item is kept after the episode began (DynamoDB TTL). */
export const EPISODE_TTL_DAYS = 30;

export const EPISODE_ATTRIBUTES = {
  alarm: 'alarm',
  episode: 'episode',
  ackBy: 'ackBy',
  ackAt: 'ackAt',
  ackNote: 'ackNote',
  lastP1NoticeAt: 'lastP1NoticeAt',
  p1Notices: 'p1Notices',
  level2RequestedAt: 'level2RequestedAt',
  level2RequestedBy: 'level2RequestedBy',
  level2SentAt: 'level2SentAt',
  expiresAt: 'expiresAt',
} as const;

/** What the table knows of one episode. Absent fields were never written. */
export interface AlarmEpisode {
  readonly alarm: string;
  /** ISO-8601 UTC time the alarm entered ALARM. */
  readonly episode: string;
  readonly ackBy?: string;
  readonly ackAt?: string;
  readonly ackNote?: string;
  /** Last automatic P1 re-notification (ISO). */
  readonly lastP1NoticeAt?: string;
  /** Number of automatic P1 re-notifications sent so far. */
  readonly p1Notices?: number;
  /** A person asked for level 2 (`npm run escalate`). */
  readonly level2RequestedAt?: string;
  readonly level2RequestedBy?: string;
  /** Level 2 was notified (manual request or automatic). */
  readonly level2SentAt?: string;
}

/** An item as the low-level DynamoDB client returns it (attribute name → `{S}` / `{N}` / other). */
export type EpisodeItem = Readonly<Record<string, unknown>>;

/** The key of an episode item. */
export function episodeKey(alarm: string, episode: string): Record<string, { S: string }> {
  return { [EPISODE_ATTRIBUTES.alarm]: { S: alarm }, [EPISODE_ATTRIBUTES.episode]: { S: episode } };
}

/** One string key for an (alarm, episode) pair, for maps. */
export function episodeLookupKey(alarm: string, episode: string): string {
  return `${alarm}\u0000${episode}`;
}

/** The episode name of an alarm that entered ALARM at `transitionedAt`. */
export function episodeOf(transitionedAt: Date): string {
  return transitionedAt.toISOString();
}

/** Epoch seconds at which DynamoDB may delete the item. */
export function episodeExpiry(episode: string): number {
  return Math.floor(Date.parse(episode) / 1000) + EPISODE_TTL_DAYS * 86_400;
}

function attr(item: EpisodeItem, name: string, type: 'S' | 'N'): string | undefined {
  const v = item[name];
  if (typeof v !== 'object' || v === null) return undefined;
  const value = (v as Record<string, unknown>)[type];
  return typeof value === 'string' ? value : undefined;
}

const str = (item: EpisodeItem, name: string) => attr(item, name, 'S');

function num(item: EpisodeItem, name: string): number | undefined {
  const v = attr(item, name, 'N');
  return v === undefined ? undefined : Number(v);
}

/** Reads an item; throws naming the attribute when the key is missing (a table someone else wrote to). */
export function decodeEpisode(item: EpisodeItem): AlarmEpisode {
  const alarm = str(item, EPISODE_ATTRIBUTES.alarm);
  const episode = str(item, EPISODE_ATTRIBUTES.episode);
  if (alarm === undefined || episode === undefined || Number.isNaN(Date.parse(episode))) {
    throw new Error(
      `alarm-episode item without a valid key: alarm=${JSON.stringify(alarm)} episode=${JSON.stringify(episode)}; ` +
        'allowed: alarm (string) and episode (ISO-8601 time)',
    );
  }
  const A = EPISODE_ATTRIBUTES;
  const optional = {
    ackBy: str(item, A.ackBy),
    ackAt: str(item, A.ackAt),
    ackNote: str(item, A.ackNote),
    lastP1NoticeAt: str(item, A.lastP1NoticeAt),
    p1Notices: num(item, A.p1Notices),
    level2RequestedAt: str(item, A.level2RequestedAt),
    level2RequestedBy: str(item, A.level2RequestedBy),
    level2SentAt: str(item, A.level2SentAt),
  };
  return {
    alarm,
    episode,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}

/** An acknowledgement: who has it. */
export interface Acknowledgement {
  readonly by: string;
  readonly at: Date;
  readonly note?: string;
}

/** Limits on what a person may type into an acknowledgement. */
export const ACK_LIMITS = { by: 64, note: 500 } as const;

/** Checks an acknowledgement's text; returns the problem in plain words, or undefined. */
export function ackProblem(by: string, note: string | undefined): string | undefined {
  if (!/^\S(.*\S)?$/u.test(by) || by.length > ACK_LIMITS.by) {
    return `--by is ${JSON.stringify(by)}; allowed: your name, 1-${ACK_LIMITS.by} characters, no leading or trailing spaces`;
  }
  if (note !== undefined && (note.length > ACK_LIMITS.note || /\p{Cc}/u.test(note))) {
    return `--note is ${note.length} characters; allowed: at most ${ACK_LIMITS.note} characters on one line`;
  }
  return undefined;
}
