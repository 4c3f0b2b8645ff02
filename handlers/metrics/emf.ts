/**
 * Publishes metric documents as CloudWatch Embedded Metric Format through Powertools Metrics.
 *
 * Why EMF and not PutMetricData: the documents are log lines that CloudWatch Logs turns into metrics
 * asynchronously, so the function makes no CloudWatch API call (no throttling, no retries, no
 * `cloudwatch:PutMetricData` permission), the figures and their context (window, raw counts) land in one
 * log event together, and it costs log ingestion instead of API requests.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricDocument } from './core.js';

/** Writes documents under `namespace`, stamped `timestamp`. */
export type EmitDocuments = (
  namespace: string,
  documents: readonly MetricDocument[],
  timestamp: Date,
) => void;

/** One EMF line per document, with exactly the document's dimensions. */
export const emitWithPowertools: EmitDocuments = (namespace, documents, timestamp) => {
  for (const document of documents) {
    const metrics = new Metrics({ namespace });
    // Powertools adds a `service` dimension by default; the alarms match one exact dimension set
    // (none account-wide, `Domain` per domain), so it must go.
    metrics.clearDefaultDimensions();
    // An empty object becomes the empty dimension set `[[]]`: EMF's way to publish without dimensions.
    metrics.addDimensions({ ...document.dimensions });
    for (const [key, value] of Object.entries(document.metadata)) metrics.addMetadata(key, value);
    for (const metric of document.metrics)
      metrics.addMetric(metric.name, MetricUnit[metric.unit], metric.value);
    metrics.setTimestamp(timestamp);
    metrics.publishStoredMetrics();
  }
};
