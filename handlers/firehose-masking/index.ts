/**
 * Firehose data-transformation Lambda on the enhanced-Kinesis path: masks email addresses, display names and
 * IP addresses in SES event records before they reach S3 (seed 3.4). Adapts the event; `transform.ts` decides.
 *
 * Environment: `METRICS_NAMESPACE` (e.g. `ses-migration/production/Monitoring`), optional
 * `POWERTOOLS_SERVICE_NAME` (default `firehose-masking`), `POWERTOOLS_LOG_LEVEL`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { loadMaskingConfig } from '../../contracts/functions/firehose-masking.js';
import { METRICS } from '../../contracts/metrics.js';
import { maskRecords } from './transform.js';

const config = loadMaskingConfig(process.env);
const logger = new Logger({ serviceName: config.serviceName });
const metrics = new Metrics({ serviceName: config.serviceName, namespace: config.namespace });

/** Metric names (EMF, dimension `service`): records received and records returned `ProcessingFailed`. */
export const METRIC_RECORDS = METRICS.maskingRecords.name;
export const METRIC_FAILED = METRICS.maskingFailedRecords.name;

export const handler = async (event: FirehoseTransformationEvent): Promise<FirehoseTransformationResult> => {
  const batch = maskRecords(event.records);
  metrics.addMetric(METRIC_RECORDS, MetricUnit.Count, event.records.length);
  metrics.addMetric(METRIC_FAILED, MetricUnit.Count, batch.failed);
  metrics.publishStoredMetrics();
  // counts only: record contents are personal data
  const counts = { records: event.records.length, failed: batch.failed, ...batch.failures };
  if (batch.failed > 0)
    logger.warn('records returned ProcessingFailed (written raw to the error prefix)', counts);
  else logger.info('records masked', counts);
  return { records: batch.records };
};
