/**
 * `notifier` Lambda, one bundle with two triggers, dispatched on the event's shape:
 * - an SNS event from the alarm topics (`Records[].Sns`) → Japanese notification to the severity's topic;
 * - `{"action":"escalate","scheduledTime":"<aws.scheduler.scheduled-time>"}` from EventBridge Scheduler
 *   every 5 minutes → P1 re-notifications and P2 level-2 escalations (escalation.ts).
 * Failures are logged and rethrown, so Lambda's retries and failure destination take over. See README.md.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import type { SNSEvent } from 'aws-lambda';
import { loadEscalateConfig, loadNotifyConfig } from '../../contracts/functions/notifier.js';
import { DynamoEpisodeStore } from '../../lib/alarm-episodes/store.js';
import { cloudwatchClient } from '../shared/clients/cloudwatch.js';
import { dynamodbClient } from '../shared/clients/dynamodb.js';
import { logsClient } from '../shared/clients/logs.js';
import { snsClient } from '../shared/clients/sns.js';
import { UnsupportedEventError } from './errors.js';
import {
  type Delivered,
  type EscalationSummary,
  escalate,
  type Log,
  type NotifierDeps,
  notifyRecords,
} from './service.js';

const logger = new Logger({ serviceName: 'ses-migration-notifier' });

export interface EscalateEvent {
  readonly action: 'escalate';
  readonly scheduledTime?: string;
}

export function isSnsEvent(event: unknown): event is SNSEvent {
  if (typeof event !== 'object' || event === null || !('Records' in event)) return false;
  const records = (event as { Records: unknown }).Records;
  return (
    Array.isArray(records) &&
    records.length > 0 &&
    records.every((r) => typeof r === 'object' && r !== null && 'Sns' in r)
  );
}

export function isEscalateEvent(event: unknown): event is EscalateEvent {
  return typeof event === 'object' && event !== null && (event as { action?: unknown }).action === 'escalate';
}

const log: Log = {
  info: (message, extra) => logger.info(message, (extra ?? {}) as LogAttributes),
  warn: (message, extra) => logger.warn(message, (extra ?? {}) as LogAttributes),
  error: (message, extra) => logger.error(message, (extra ?? {}) as LogAttributes),
};

function deps(): NotifierDeps {
  return { sns: snsClient(), cloudwatch: cloudwatchClient(), logs: logsClient(), log };
}

function scheduledTime(event: EscalateEvent): Date {
  const parsed = event.scheduledTime === undefined ? Number.NaN : Date.parse(event.scheduledTime);
  if (!Number.isNaN(parsed)) return new Date(parsed);
  if (event.scheduledTime !== undefined) {
    logger.warn('scheduledTime is not an ISO timestamp; using the clock', {
      scheduledTime: event.scheduledTime,
    });
  }
  return new Date();
}

export async function handler(event: unknown): Promise<Delivered[] | EscalationSummary> {
  if (isSnsEvent(event)) {
    return notifyRecords(event.Records, loadNotifyConfig(process.env), deps());
  }
  if (isEscalateEvent(event)) {
    const config = loadEscalateConfig(process.env);
    const episodes = new DynamoEpisodeStore(dynamodbClient(), config.episodeTable);
    const summary = await escalate(scheduledTime(event), config, { ...deps(), episodes });
    logger.info('escalation check done', { ...summary });
    return summary;
  }
  const shape = typeof event === 'object' && event !== null ? Object.keys(event).join(',') : typeof event;
  throw new UnsupportedEventError(
    `unsupported event (keys: ${shape}); allowed: an SNS event from the alarm topics or {"action":"escalate"}`,
  );
}
