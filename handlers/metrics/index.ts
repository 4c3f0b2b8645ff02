/**
 * `metrics` Lambda: every 5 minutes (EventBridge Scheduler, 2 minutes past each 5-minute boundary, input
 * `{"scheduledTime":"<aws.scheduler.scheduled-time>"}`) turns the `AWS/SES` counters into SendSuccessRate /
 * BounceRate / ComplaintRate plus a heartbeat, and one Logs Insights query over the SES events into the worst
 * domain's bounce and complaint rates, published as EMF; the worst domains are logged by name. See README.md.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { loadMetricsConfig } from '../../contracts/functions/metrics.js';
import { cloudwatchClient } from '../shared/clients/cloudwatch.js';
import { logsClient } from '../shared/clients/logs.js';
import { emitWithPowertools } from './emf.js';
import { defaultTiming, type InsightsTiming } from './insights.js';
import { collectAndPublish, type MetricsSummary } from './service.js';

const logger = new Logger({ serviceName: 'ses-migration-metrics' });

/** The scheduled time from the Scheduler input, so a retried run reads the same window; else the clock. */
export function runTime(event: unknown, clock: () => Date = () => new Date()): Date {
  if (typeof event === 'object' && event !== null && 'scheduledTime' in event) {
    const raw = (event as { scheduledTime: unknown }).scheduledTime;
    const parsed = typeof raw === 'string' ? new Date(raw) : undefined;
    if (parsed !== undefined && !Number.isNaN(parsed.getTime())) return parsed;
    logger.warn('scheduledTime is not an ISO timestamp; using the clock', { scheduledTime: raw });
  }
  return clock();
}

/** The handler with its Insights polling (tests pass a clock that does not wait). */
export function createHandler(
  timing: Omit<InsightsTiming, 'timeoutMs'> = defaultTiming(),
): (event: unknown) => Promise<MetricsSummary> {
  return (event) => run(event, timing);
}

export const handler = createHandler();

async function run(event: unknown, timing: Omit<InsightsTiming, 'timeoutMs'>): Promise<MetricsSummary> {
  const config = loadMetricsConfig(process.env);
  const summary = await collectAndPublish(
    config,
    {
      cloudwatch: cloudwatchClient(),
      logs: logsClient(),
      emit: emitWithPowertools,
      warn: (message, extra) => logger.warn(message, extra),
      error: (message, extra) => logger.error(message, extra),
      // The record's own `message` becomes the log line's message: the notifier filters on it.
      record: ({ message, ...rest }) => logger.info(message, rest),
      timing,
    },
    runTime(event),
  );
  logger.info('SES metrics published', { ...summary });
  return summary;
}
