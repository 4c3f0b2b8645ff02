/** The notifier's effects: publish notifications and escalations; read alarms. Clients are injected. */
import {
  type CloudWatchClient,
  type CompositeAlarm,
  DescribeAlarmsCommand,
  type DescribeAlarmsOutput,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { SNSEventRecord } from 'aws-lambda';
import { episodeOf } from '../../contracts/alarm-episodes.js';
import {
  type EscalateConfig,
  FIRST_NOTICE_LEVEL,
  type NotifyConfig,
} from '../../contracts/functions/notifier.js';
import type { EpisodeStore } from '../../lib/alarm-episodes/store.js';
import { type AlarmNotice, parseAlarmMessage } from './alarm-message.js';
import { AlarmMessageError, DeliveryError, UnknownAlarmTopicError } from './errors.js';
import { type AlarmSnapshot, decideEscalations, type EscalationAction } from './escalation.js';
import {
  formatAlarmNotification,
  formatEscalation,
  formatUnparsedNotification,
  isDeliveredStateChange,
  type Notification,
  SEVERITIES,
  type Severity,
} from './format.js';
import {
  parseRecord,
  searchRange,
  WORST_DOMAINS_FILTER,
  type WorstDomainsLookup,
  type WorstDomainsRecord,
  worstDomainLines,
  worstDomainRate,
} from './worst-domains.js';

export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface NotifierDeps {
  readonly sns: SNSClient;
  readonly cloudwatch: CloudWatchClient;
  /** Reads the metrics function's "worst domains" records (worst-domain alarms only). */
  readonly logs?: CloudWatchLogsClient;
  readonly log: Log;
  readonly now?: () => Date;
}

/** At most this many pages of records are read (5-minute records of a few periods fit in one). */
const MAX_RECORD_PAGES = 5;

/** The "worst domains" records of a worst-domain alarm's periods; a failure is a reason, never an exception. */
export async function lookUpWorstDomains(
  alarm: AlarmNotice,
  logGroup: string,
  deps: NotifierDeps,
): Promise<WorstDomainsLookup> {
  if (!deps.logs) return { ok: false, reason: 'CloudWatch Logs client not configured' };
  const range = searchRange(alarm, deps.now?.() ?? new Date());
  const records: WorstDomainsRecord[] = [];
  let unreadable = 0;
  try {
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await deps.logs.send(
        new FilterLogEventsCommand({
          logGroupName: logGroup,
          startTime: range.start.getTime(),
          endTime: range.end.getTime(),
          filterPattern: WORST_DOMAINS_FILTER,
          nextToken,
        }),
      );
      for (const e of page.events ?? []) {
        const r = e.message === undefined ? undefined : parseRecord(e.message);
        if (r) records.push(r);
        else unreadable++;
      }
      nextToken = page.nextToken;
      pages++;
    } while (nextToken && pages < MAX_RECORD_PAGES);
  } catch (error) {
    deps.log.warn('worst-domain records could not be read', { alarm: alarm.name, logGroup, error });
    return { ok: false, reason: `${(error as Error).name}: ${(error as Error).message}`.slice(0, 200) };
  }
  if (unreadable > 0) {
    deps.log.warn('worst-domain log events that are not records were skipped', {
      alarm: alarm.name,
      unreadable,
    });
  }
  return { ok: true, records };
}

export interface Delivered {
  readonly topicArn: string;
  readonly messageId: string | undefined;
  readonly subject: string;
}

/** Which severity an alarm topic stands for. */
export function severityOfTopic(topicArn: string, alarmTopics: Readonly<Record<Severity, string>>): Severity {
  const severity = SEVERITIES.find((s) => alarmTopics[s] === topicArn);
  if (severity === undefined) {
    throw new UnknownAlarmTopicError(
      `SNS record from topic ${JSON.stringify(topicArn)}, which is none of the alarm topics ` +
        `${SEVERITIES.map((s) => `${s}=${alarmTopics[s]}`).join(', ')}`,
    );
  }
  return severity;
}

async function publish(
  deps: NotifierDeps,
  topicArn: string,
  notification: Notification,
  attributes: Record<string, string>,
): Promise<Delivered> {
  const out = await deps.sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: notification.subject,
      Message: notification.message,
      // Lets a subscriber filter (e.g. only ALARM) with a subscription filter policy.
      MessageAttributes: Object.fromEntries(
        Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
      ),
    }),
  );
  return { topicArn, messageId: out.MessageId, subject: notification.subject };
}

/**
 * One Publish per SNS record to the delivery topic of the record's severity. Every record is tried; if any
 * failed, a `DeliveryError` is thrown afterwards so Lambda retries and finally hands the event (with the
 * raw alarm) to the failure destination. A retry can deliver a notification twice: the footer carries the
 * original SNS MessageId so people can tell.
 */
export async function notifyRecords(
  records: readonly SNSEventRecord[],
  config: NotifyConfig,
  deps: NotifierDeps,
): Promise<Delivered[]> {
  const delivered: Delivered[] = [];
  const failures: unknown[] = [];
  for (const record of records) {
    try {
      const severity = severityOfTopic(record.Sns.TopicArn, config.alarmTopics);
      let notice: AlarmNotice | undefined;
      let notification: Notification;
      try {
        notice = parseAlarmMessage(record.Sns.Message);
        // A worst-domain alarm names its domains (issue #14): read only for ALARM, an OK names nobody.
        const extra =
          worstDomainRate(notice) && notice.newState === 'ALARM'
            ? worstDomainLines(
                notice,
                await lookUpWorstDomains(notice, config.format.metricsLogGroup, deps),
                config.format.metricsLogGroup,
              )
            : [];
        notification = formatAlarmNotification(notice, severity, config.format, record.Sns.MessageId, extra);
      } catch (error) {
        if (!(error instanceof AlarmMessageError)) throw error;
        deps.log.warn('alarm topic message is not a CloudWatch alarm; forwarding it as is', {
          topicArn: record.Sns.TopicArn,
          messageId: record.Sns.MessageId,
          problem: error.message,
        });
        notification = formatUnparsedNotification(
          record.Sns.Message,
          severity,
          config.format,
          error.message,
          record.Sns.MessageId,
        );
      }
      if (notice && !isDeliveredStateChange(notice.newState, notice.oldState)) {
        deps.log.info('alarm state change not delivered: OK after INSUFFICIENT_DATA recovers nothing', {
          alarm: notice.name,
          severity,
          messageId: record.Sns.MessageId,
        });
        continue;
      }
      const attributes = {
        kind: 'alarm',
        severity,
        alarmState: notice?.newState ?? 'UNKNOWN',
        environment: config.format.environment,
      };
      // The severity's own list, then the responder level of seed 5.4.2 that handles it (FIRST_NOTICE_LEVEL).
      const level = FIRST_NOTICE_LEVEL[severity];
      for (const topicArn of [config.deliveryTopics[severity], config.escalationTopics[level]]) {
        const result = await publish(deps, topicArn, notification, attributes);
        deps.log.info('alarm notification delivered', {
          alarm: notice?.name,
          severity,
          state: notice?.newState,
          ...result,
        });
        delivered.push(result);
      }
    } catch (error) {
      deps.log.error('alarm notification failed', {
        topicArn: record.Sns.TopicArn,
        messageId: record.Sns.MessageId,
        error,
      });
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    throw new DeliveryError(
      `${failures.length} of ${records.length} alarm notification(s) could not be delivered`,
      {
        cause: failures.length === 1 ? failures[0] : new AggregateError(failures),
      },
    );
  }
  return delivered;
}

/** The fields escalation needs, common to metric and composite alarms. */
function snapshotOf(a: MetricAlarm | CompositeAlarm, composite: boolean): AlarmSnapshot {
  return {
    name: a.AlarmName ?? '?',
    composite,
    state: a.StateValue ?? '?',
    actionsEnabled: a.ActionsEnabled !== false,
    alarmActions: a.AlarmActions ?? [],
    transitionedAt: a.StateTransitionedTimestamp ?? a.StateUpdatedTimestamp,
    description: a.AlarmDescription,
    reason: a.StateReason,
  };
}

/** ALARM-state alarms with the prefix, metric and composite, all pages. */
export async function describeAlarmsInAlarm(deps: NotifierDeps, prefix: string): Promise<AlarmSnapshot[]> {
  const snapshots: AlarmSnapshot[] = [];
  let nextToken: string | undefined;
  do {
    const page: DescribeAlarmsOutput = await deps.cloudwatch.send(
      new DescribeAlarmsCommand({
        AlarmNamePrefix: prefix,
        StateValue: 'ALARM',
        // Without AlarmTypes, DescribeAlarms returns metric alarms only.
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        MaxRecords: 100,
        NextToken: nextToken,
      }),
    );
    for (const a of page.MetricAlarms ?? []) snapshots.push(snapshotOf(a, false));
    for (const a of page.CompositeAlarms ?? []) snapshots.push(snapshotOf(a, true));
    nextToken = page.NextToken;
  } while (nextToken);
  return snapshots;
}

export interface EscalationSummary {
  readonly checkedAt: string;
  readonly alarmsInAlarm: number;
  readonly escalated: readonly (Delivered & {
    readonly alarm: string;
    readonly kind: EscalationAction['kind'];
  })[];
}

export interface EscalateDeps extends NotifierDeps {
  readonly episodes: EpisodeStore;
}

/** The topics an escalation action goes to. */
function topicsOf(action: EscalationAction, config: EscalateConfig): readonly string[] {
  return action.kind === 'p1-renotify'
    ? [config.deliveryTopics.P1, config.escalationTopics[3]]
    : [config.escalationTopics[2]];
}

/**
 * One escalation check at `now` (the Scheduler's scheduled time, or the clock): reads the alarms in ALARM
 * and their episode items, decides (escalation.ts), publishes, then records what was sent. Publishing
 * before recording means a failed record can repeat a notice at the next check, never lose one.
 */
export async function escalate(
  now: Date,
  config: EscalateConfig,
  deps: EscalateDeps,
): Promise<EscalationSummary> {
  const alarms = await describeAlarmsInAlarm(deps, config.alarmNamePrefix);
  const keys = alarms.flatMap((a) =>
    a.transitionedAt === undefined ? [] : [{ alarm: a.name, episode: episodeOf(a.transitionedAt) }],
  );
  const episodes = await deps.episodes.read(keys);
  const actions = decideEscalations(alarms, episodes, now, config);
  const escalated: (Delivered & { alarm: string; kind: EscalationAction['kind'] })[] = [];
  const failures: unknown[] = [];
  for (const action of actions) {
    const notification = formatEscalation(
      {
        kind: action.kind,
        alarmName: action.alarm.name,
        description: action.alarm.description,
        reason: action.alarm.reason,
        enteredAlarmAt: new Date(action.episode),
        checkedAt: now,
        elapsedMinutes: action.elapsedMinutes,
        round: action.kind === 'p1-renotify' ? action.round : 0,
        renotifyMinutes: config.p1RenotifyMinutes,
        requestedBy: action.kind === 'p2-level2' ? action.requestedBy : undefined,
        composite: action.alarm.composite,
      },
      config.format,
    );
    try {
      for (const topicArn of topicsOf(action, config)) {
        const result = await publish(deps, topicArn, notification, {
          kind: 'escalation',
          severity: action.kind === 'p1-renotify' ? 'P1' : 'P2',
          level: action.kind === 'p1-renotify' ? '3' : '2',
          environment: config.format.environment,
        });
        escalated.push({ ...result, alarm: action.alarm.name, kind: action.kind });
      }
      const recorded =
        action.kind === 'p1-renotify'
          ? await deps.episodes.recordP1Notice(
              action.alarm.name,
              action.episode,
              now,
              action.previousNoticeAt,
            )
          : await deps.episodes.recordLevel2Sent(action.alarm.name, action.episode, now);
      deps.log.info('escalation delivered', { alarm: action.alarm.name, kind: action.kind, recorded });
    } catch (error) {
      deps.log.error('escalation failed', { alarm: action.alarm.name, kind: action.kind, error });
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    throw new DeliveryError(`${failures.length} of ${actions.length} escalation(s) failed`, {
      cause: failures.length === 1 ? failures[0] : new AggregateError(failures),
    });
  }
  return { checkedAt: now.toISOString(), alarmsInAlarm: alarms.length, escalated };
}
