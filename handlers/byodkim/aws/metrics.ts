/** Embedded Metric Format adapter of the MetricsSink port (stdout, no AWS client). */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricPoint, MetricsSink } from '../core/ports.js';

/**
 * EMF through Powertools. Each point goes out twice: with dimension `Domain` (detail) and without any
 * dimension (account-wide aggregate the seed-named alarms watch). The default `service` dimension is
 * removed so alarms match exactly these dimension sets.
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
    const byDomain = new Map<string, MetricPoint[]>();
    for (const p of this.points) {
      if (p.domain === undefined) continue;
      const list = byDomain.get(p.domain) ?? [];
      list.push(p);
      byDomain.set(p.domain, list);
    }
    for (const [domain, list] of byDomain) {
      this.metrics.addDimension('Domain', domain);
      for (const p of list) this.metrics.addMetric(p.name, p.unit, p.value);
      this.metrics.publishStoredMetrics();
    }
    // Account-wide: same points, no dimension. Several domains -> several values of one metric in one blob.
    // addDimensions({}) renders the empty dimension set `[[]]`; a bare `[]` has no dimension set at all,
    // which the EMF schema rejects (Dimensions needs at least one set), so no metric would be extracted.
    this.metrics.addDimensions({});
    for (const p of this.points) this.metrics.addMetric(p.name, p.unit, p.value);
    this.metrics.publishStoredMetrics();
    this.points.length = 0;
  }
}
