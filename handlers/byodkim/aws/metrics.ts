/** Embedded Metric Format adapter of the MetricsSink port (stdout, no AWS client). */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DIMENSIONS } from '../../../contracts/metrics.js';
import type { MetricPoint, MetricsSink } from '../core/ports.js';

/**
 * EMF through Powertools, account-wide only: every point is published with no dimension (what the alarms
 * watch), one record per domain with the domain as the property `Domain` (DIMENSIONS.domain), so Logs
 * Insights can still break a figure down by domain (`stats max(DNSRequestAgeHours) by Domain`) without a
 * billed metric per domain (issue #14). Points without a domain go out in one more record. The default
 * `service` dimension is removed so alarms match exactly the empty dimension set.
 */
export class PowertoolsMetricsSink implements MetricsSink {
  private readonly points: MetricPoint[] = [];
  private readonly metrics: Metrics;

  constructor(namespace: string, serviceName: string) {
    this.metrics = new Metrics({ namespace, serviceName });
    this.metrics.clearDefaultDimensions();
  }

  put(point: MetricPoint) {
    this.points.push(point);
  }

  flush() {
    if (this.points.length === 0) return;
    const byDomain = new Map<string | undefined, MetricPoint[]>();
    for (const p of this.points) {
      const list = byDomain.get(p.domain) ?? [];
      list.push(p);
      byDomain.set(p.domain, list);
    }
    for (const [domain, list] of byDomain) {
      // addDimensions({}) renders the empty dimension set `[[]]`; a bare `[]` has no dimension set at all,
      // which the EMF schema rejects (Dimensions needs at least one set), so no metric would be extracted.
      this.metrics.addDimensions({});
      if (domain !== undefined) this.metrics.addMetadata(DIMENSIONS.domain, domain);
      for (const p of list) this.metrics.addMetric(p.name, p.unit, p.value);
      this.metrics.publishStoredMetrics();
    }
    this.points.length = 0;
  }
}
