/**
 * `metrics` Lambda: every 5 minutes (EventBridge Scheduler, input
 * `{"scheduledTime":"<aws.scheduler.scheduled-time>"}`) turns the `AWS/SES` counters into
 * SendSuccessRate / BounceRate / ComplaintRate plus a heartbeat, published as EMF. See README.md.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { loadMetricsConfig } from '../../contracts/functions/metrics.js';
import { cloudwatchClient } from '../shared/clients/cloudwatch.js';
import { emitWithPowertools } from './emf.js';
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

export async function handler(event: unknown): Promise<MetricsSummary> {
  const config = loadMetricsConfig(process.env);
  const summary = await collectAndPublish(
    config,
    {
      cloudwatch: cloudwatchClient(),
      emit: emitWithPowertools,
      warn: (message, extra) => logger.warn(message, extra),
    },
    runTime(event),
  );
  logger.info('SES metrics published', { ...summary });
  return summary;
}
