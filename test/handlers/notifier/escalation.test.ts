/**
 * Severity → responders → timing (README "Who is told, and when"): one test per row, plus the rules
 * that make the table true over time (acknowledgement, new episodes, missed checks, lost writes).
 */
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { type AlarmEpisode, episodeLookupKey, episodeOf } from '../../../contracts/alarm-episodes.js';
import { loadEscalateConfig } from '../../../contracts/functions/notifier.js';
import {
  type AlarmSnapshot,
  decideEscalations,
  type ResponsePolicy,
} from '../../../handlers/notifier/escalation.js';
import { escalate, notifyRecords } from '../../../handlers/notifier/service.js';
import type { EpisodeStore } from '../../../lib/alarm-episodes/store.js';
import {
  ALARM_TOPICS,
  alarmMessage,
  DELIVERY_TOPICS,
  ESCALATION_TOPICS,
  notifierEnv,
  snapshot,
  snsEvent,
} from './factories.js';

const MIN = 60_000;
const T0 = new Date('2026-11-29T05:05:40Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);
const policy: ResponsePolicy = {
  alarmTopics: ALARM_TOPICS,
  p1RenotifyMinutes: 15,
  p2AutoEscalateMinutes: undefined,
};
const silentLog = { info() {}, warn() {}, error() {} };

/** The table, in memory, with the same conditional rules as DynamoEpisodeStore. */
class MemoryEpisodes implements EpisodeStore {
  readonly items = new Map<string, AlarmEpisode>();
  failWrites = false;
  async read(keys: readonly { alarm: string; episode: string }[]) {
    const out = new Map<string, AlarmEpisode>();
    for (const k of keys) {
      const item = this.items.get(episodeLookupKey(k.alarm, k.episode));
      if (item) out.set(episodeLookupKey(k.alarm, k.episode), item);
    }
    return out;
  }
  private update(alarm: string, episode: string, change: (old: AlarmEpisode) => AlarmEpisode | undefined) {
    if (this.failWrites) throw new Error('ProvisionedThroughputExceededException');
    const key = episodeLookupKey(alarm, episode);
    const next = change(this.items.get(key) ?? { alarm, episode });
    if (next === undefined) return false;
    this.items.set(key, next);
    return true;
  }
  async recordP1Notice(alarm: string, episode: string, when: Date, previous: string | undefined) {
    return this.update(alarm, episode, (old) =>
      old.lastP1NoticeAt !== previous
        ? undefined
        : { ...old, lastP1NoticeAt: when.toISOString(), p1Notices: (old.p1Notices ?? 0) + 1 },
    );
  }
  async recordLevel2Sent(alarm: string, episode: string, when: Date) {
    return this.update(alarm, episode, (old) =>
      old.level2SentAt !== undefined ? undefined : { ...old, level2SentAt: when.toISOString() },
    );
  }
  ack(alarm: AlarmSnapshot, by: string) {
    const key = episodeLookupKey(alarm.name, episodeOf(alarm.transitionedAt!));
    const old = this.items.get(key) ?? { alarm: alarm.name, episode: episodeOf(alarm.transitionedAt!) };
    this.items.set(key, { ...old, ackBy: by, ackAt: new Date().toISOString() });
  }
  requestLevel2(alarm: AlarmSnapshot, by: string) {
    const key = episodeLookupKey(alarm.name, episodeOf(alarm.transitionedAt!));
    const old = this.items.get(key) ?? { alarm: alarm.name, episode: episodeOf(alarm.transitionedAt!) };
    this.items.set(key, { ...old, level2RequestedBy: by, level2RequestedAt: new Date().toISOString() });
  }
}

const sns = mockClient(SNSClient);
const cloudwatch = mockClient(CloudWatchClient);

function alarmsAre(alarms: AlarmSnapshot[]) {
  cloudwatch.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: alarms.map((a) => ({
      AlarmName: a.name,
      StateValue: a.state as 'ALARM',
      ActionsEnabled: a.actionsEnabled,
      AlarmActions: [...a.alarmActions],
      StateTransitionedTimestamp: a.transitionedAt,
      AlarmDescription: a.description,
      StateReason: a.reason,
    })),
  });
}

function published(): { topic: string; subject: string }[] {
  return sns.commandCalls(PublishCommand).map((c) => ({
    topic: c.args[0].input.TopicArn!,
    subject: c.args[0].input.Subject!,
  }));
}

const env = (over: Record<string, string> = {}) => loadEscalateConfig({ ...notifierEnv(), ...over });

async function run(minutes: number, episodes: MemoryEpisodes, config = env()) {
  return escalate(at(minutes), config, {
    sns: new SNSClient({}),
    cloudwatch: new CloudWatchClient({}),
    log: silentLog,
    episodes,
  });
}

beforeEach(() => {
  sns.reset();
  cloudwatch.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
});

describe('first notice (SNS path): each severity reaches its list and its responder level at once', () => {
  it.each([
    ['P1', DELIVERY_TOPICS.P1, ESCALATION_TOPICS[3]],
    ['P2', DELIVERY_TOPICS.P2, ESCALATION_TOPICS[1]],
    ['P3', DELIVERY_TOPICS.P3, ESCALATION_TOPICS[1]],
  ] as const)('%s → its delivery topic and escalation topic', async (severity, delivery, level) => {
    const config = env();
    await notifyRecords(
      snsEvent(alarmMessage('metric-alarm-alarm'), ALARM_TOPICS[severity]).Records,
      config,
      {
        sns: new SNSClient({}),
        cloudwatch: new CloudWatchClient({}),
        log: silentLog,
      },
    );
    expect(published().map((p) => p.topic)).toEqual([delivery, level]);
  });
});

describe('P1: re-notified to the P1 list and level 3 until acknowledged or OK', () => {
  it('re-notifies every p1RenotifyMinutes while nobody acknowledges', async () => {
    const episodes = new MemoryEpisodes();
    alarmsAre([snapshot({ transitionedAt: T0 })]);
    const sentAt: number[] = [];
    for (let m = 5; m <= 60; m += 5) {
      const before = published().length;
      await run(m, episodes);
      if (published().length > before) sentAt.push(m);
    }
    expect(sentAt).toEqual([15, 30, 45, 60]);
    expect(new Set(published().map((p) => p.topic))).toEqual(
      new Set([DELIVERY_TOPICS.P1, ESCALATION_TOPICS[3]]),
    );
    expect(published()[0]!.subject).toMatch(/^\[P1 REMINDER 1\] unacknowledged 15 min: /);
  });

  it('an acknowledgement before the first re-notification stops them all', async () => {
    const episodes = new MemoryEpisodes();
    const alarm = snapshot({ transitionedAt: T0 });
    alarmsAre([alarm]);
    episodes.ack(alarm, 'tanaka');
    for (let m = 5; m <= 120; m += 5) await run(m, episodes);
    expect(published()).toEqual([]);
  });

  it('an acknowledgement during the re-notifications stops the next ones', async () => {
    const episodes = new MemoryEpisodes();
    const alarm = snapshot({ transitionedAt: T0 });
    alarmsAre([alarm]);
    for (let m = 5; m <= 30; m += 5) await run(m, episodes);
    const sent = published().length;
    expect(sent).toBe(4); // two re-notifications × two topics
    episodes.ack(alarm, 'tanaka');
    for (let m = 35; m <= 120; m += 5) await run(m, episodes);
    expect(published().length).toBe(sent);
  });

  it('an acknowledgement of an earlier episode does not silence a new ALARM after OK', async () => {
    const episodes = new MemoryEpisodes();
    episodes.ack(snapshot({ transitionedAt: T0 }), 'tanaka');
    alarmsAre([snapshot({ transitionedAt: at(40) })]); // OK at some point, ALARM again at +40
    await run(55, episodes);
    expect(published().length).toBe(2);
  });

  it('a missed check delays a re-notification to the next check but never skips it', async () => {
    const episodes = new MemoryEpisodes();
    alarmsAre([snapshot({ transitionedAt: T0 })]);
    for (const m of [5, 10, /* 15 missed */ 20, 25, 30, 35]) await run(m, episodes);
    const rounds = published().map((p) => p.subject.match(/REMINDER (\d+)/)?.[1]);
    expect(rounds).toEqual(['1', '1', '2', '2']); // at 20 (late) and 35 (15 after 20)
  });

  it('a lost "sent" record repeats the notice at the next check (a duplicate, never a loss) and fails the run', async () => {
    const episodes = new MemoryEpisodes();
    alarmsAre([snapshot({ transitionedAt: T0 })]);
    episodes.failWrites = true;
    await expect(run(15, episodes)).rejects.toThrow(/1 of 1 escalation\(s\) failed/);
    episodes.failWrites = false;
    await run(20, episodes);
    expect(published().map((p) => p.subject.slice(0, 16))).toEqual(Array(4).fill('[P1 REMINDER 1] '));
  });

  it('property: with any pattern of missed checks, consecutive notices are never closer than the interval and never further apart than the interval plus the longest gap between checks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), async (ran) => {
        sns.reset();
        sns.on(PublishCommand).resolves({ MessageId: 'm' });
        const episodes = new MemoryEpisodes();
        alarmsAre([snapshot({ transitionedAt: T0 })]);
        const runs = ran.flatMap((r, i) => (r ? [(i + 1) * 5] : []));
        const sentAt: number[] = [];
        for (const m of runs) {
          const before = published().length;
          await run(m, episodes);
          if (published().length > before) sentAt.push(m);
        }
        const times = [0, ...sentAt];
        const checks = [0, ...runs];
        const longestGap = Math.max(5, ...checks.slice(1).map((m, i) => m - checks[i]!));
        for (let i = 1; i < times.length; i++) {
          expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(15);
          expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(15 + longestGap);
        }
        // Nothing owed at the end is more than one interval + one gap old.
        const lastRun = runs.at(-1) ?? 0;
        expect(lastRun - times.at(-1)!).toBeLessThan(15 + longestGap);
      }),
      { numRuns: 25 },
    );
  });
});

describe('P2: level 1 at once; level 2 only when asked, or automatically if configured', () => {
  const p2 = () =>
    snapshot({ name: 'ses-migration-production-bounce-rate-p2', alarmActions: [ALARM_TOPICS.P2] });

  it('is never escalated by itself by default', async () => {
    const episodes = new MemoryEpisodes();
    alarmsAre([p2()]);
    for (let m = 5; m <= 600; m += 5) await run(m, episodes);
    expect(published()).toEqual([]);
  });

  it('goes to level 2 once, at the first check after `npm run escalate`', async () => {
    const episodes = new MemoryEpisodes();
    alarmsAre([p2()]);
    await run(5, episodes);
    episodes.requestLevel2(p2(), 'suzuki');
    await run(10, episodes);
    await run(15, episodes);
    expect(published()).toEqual([
      {
        topic: ESCALATION_TOPICS[2],
        subject: '[P2 ESCALATION L2] ALARM for 10 min: ses-migration-production-bounce-rate-p2',
      },
    ]);
  });

  it('with p2AutoEscalateMinutes, goes to level 2 after that time unless acknowledged', async () => {
    const config = env({ P2_AUTO_ESCALATE_MINUTES: '60' });
    const episodes = new MemoryEpisodes();
    alarmsAre([p2()]);
    for (let m = 5; m <= 55; m += 5) await run(m, episodes, config);
    expect(published()).toEqual([]);
    await run(60, episodes, config);
    await run(65, episodes, config);
    expect(published().map((p) => p.topic)).toEqual([ESCALATION_TOPICS[2]]);

    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm' });
    const acked = new MemoryEpisodes();
    acked.ack(p2(), 'sato');
    for (let m = 5; m <= 120; m += 5) await run(m, acked, config);
    expect(published()).toEqual([]);
  });
});

describe('P3: level 1 at once, nothing afterwards', () => {
  it('is neither re-notified nor escalated', () => {
    const p3 = snapshot({ alarmActions: [ALARM_TOPICS.P3] });
    const auto = { ...policy, p2AutoEscalateMinutes: 5 };
    expect(decideEscalations([p3], new Map(), at(24 * 60), auto)).toEqual([]);
  });
});

describe('decideEscalations', () => {
  it('ignores alarms that are OK, muted, without a transition time or routed to no severity', () => {
    const alarms = [
      snapshot({ name: 'ok', state: 'OK' }),
      snapshot({ name: 'muted', actionsEnabled: false }),
      snapshot({ name: 'no-time', transitionedAt: undefined }),
      snapshot({ name: 'nobody', alarmActions: ['arn:aws:sns:ap-northeast-1:123456789012:other'] }),
    ];
    expect(decideEscalations(alarms, new Map(), at(120), policy)).toEqual([]);
  });

  it('does not re-notify an alarm whose transition lies in the future (clock skew)', () => {
    expect(decideEscalations([snapshot({ transitionedAt: at(10) })], new Map(), at(0), policy)).toEqual([]);
  });
});
