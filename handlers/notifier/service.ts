/** The notifier's effects: publish notifications and escalations; read alarms. Clients are injected. */
import {
  type CloudWatchClient,
  type CompositeAlarm,
  DescribeAlarmsCommand,
  type DescribeAlarmsOutput,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { SNSEventRecord } from 'aws-lambda';
import { type AlarmNotice, parseAlarmMessage } from './alarm-message.js';
import type { EscalateConfig, NotifyConfig } from './config.js';
import { AlarmMessageError, DeliveryError, UnknownAlarmTopicError } from './errors.js';
import { type AlarmSnapshot, alignToCheck, dueEscalations } from './escalation.js';
import {
  formatAlarmNotification,
  formatEscalation,
  formatUnparsedNotification,
  type Notification,
  SEVERITIES,
  type Severity,
} from './format.js';

export interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface NotifierDeps {
  readonly sns: SNSClient;
  readonly cloudwatch: CloudWatchClient;
  readonly log: Log;
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
        notification = formatAlarmNotification(notice, severity, config.format, record.Sns.MessageId);
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
      const result = await publish(deps, config.deliveryTopics[severity], notification, {
        kind: 'alarm',
        severity,
        alarmState: notice?.newState ?? 'UNKNOWN',
        environment: config.format.environment,
      });
      deps.log.info('alarm notification delivered', {
        alarm: notice?.name,
        severity,
        state: notice?.newState,
        ...result,
      });
      delivered.push(result);
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
  readonly escalated: readonly (Delivered & { readonly alarm: string; readonly level: number })[];
}

/** One escalation check at `now` (the Scheduler's scheduled time, or the clock). */
export async function escalate(
  now: Date,
  config: EscalateConfig,
  deps: NotifierDeps,
): Promise<EscalationSummary> {
  const checkedAt = alignToCheck(now, config.checkMinutes);
  const alarms = await describeAlarmsInAlarm(deps, config.alarmNamePrefix);
  const due = dueEscalations(alarms, checkedAt, config);
  const escalated: (Delivered & { alarm: string; level: number })[] = [];
  const failures: unknown[] = [];
  for (const item of due) {
    const notification = formatEscalation(
      {
        alarmName: item.alarm.name,
        description: item.alarm.description,
        reason: item.alarm.reason,
        level: item.level,
        enteredAlarmAt: item.alarm.transitionedAt!,
        checkedAt,
        elapsedMinutes: item.elapsedMinutes,
        afterMinutes: config.afterMinutes,
        composite: item.alarm.composite,
      },
      config.format,
    );
    try {
      const result = await publish(deps, config.escalationTopics[item.level], notification, {
        kind: 'escalation',
        severity: 'P1',
        level: String(item.level),
        environment: config.format.environment,
      });
      deps.log.info('escalation delivered', {
        alarm: item.alarm.name,
        level: item.level,
        round: item.round,
        ...result,
      });
      escalated.push({ ...result, alarm: item.alarm.name, level: item.level });
    } catch (error) {
      deps.log.error('escalation failed', { alarm: item.alarm.name, level: item.level, error });
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    throw new DeliveryError(`${failures.length} of ${due.length} escalation(s) could not be delivered`, {
      cause: failures.length === 1 ? failures[0] : new AggregateError(failures),
    });
  }
  return { checkedAt: checkedAt.toISOString(), alarmsInAlarm: alarms.length, escalated };
}
