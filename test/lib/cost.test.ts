/** The cost model, each line against a figure computed by hand from the assumptions and prices. */
import { describe, expect, it } from 'vitest';
import { METRICS } from '../../contracts/metrics.js';
import { MONITOR_DOMAINS_PER_RUN } from '../../handlers/byodkim/core/monitor.js';
import {
  ASSUMPTIONS,
  alarmMetricCount,
  byodkimLoad,
  cents,
  customMetricCount,
  estimate,
  total,
} from '../../lib/cost/model.js';
import { templates } from '../support/templates.js';

/** A small environment written by hand: what each line should count is obvious from it. */
const tiny = {
  monitoring: {
    Resources: {
      Single: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'X' } },
      Math: {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: { Metrics: [{ MetricStat: {} }, { MetricStat: {} }, { Expression: 'a/b' }] },
      },
      Composite: { Type: 'AWS::CloudWatch::CompositeAlarm', Properties: {} },
      Board: { Type: 'AWS::CloudWatch::Dashboard', Properties: {} },
      Key: { Type: 'AWS::KMS::Key', Properties: {} },
    },
  },
  ses: {
    Resources: {
      Dest: {
        Type: 'AWS::SES::ConfigurationSetEventDestination',
        Properties: {
          EventDestination: {
            MatchingEventTypes: ['send', 'bounce'],
            CloudWatchDestination: { DimensionConfigurations: [{ DimensionName: 'ses:from-domain' }] },
          },
        },
      },
    },
  },
};

const OWN_ACCOUNT_WIDE = Object.values(METRICS).filter(
  (m) => m.namespace === 'monitoring' || m.namespace === 'byodkim',
).length;
const OWN_PER_DOMAIN = Object.values(METRICS).filter(
  (m) =>
    (m.namespace === 'monitoring' || m.namespace === 'byodkim') &&
    m.dimensions.some((d) => d.includes('Domain')),
).length;

const byItem = (lines: ReturnType<typeof estimate>) =>
  Object.fromEntries(lines.map((l) => [l.item.split(' (')[0], l]));

describe('cost model', () => {
  const lines = byItem(estimate(tiny, { sendsPerDay: 100_000, domains: 10 }));

  it('alarms: a metric-math alarm is billed per metric it reads; composites apart', () => {
    expect(alarmMetricCount(tiny)).toBe(3);
    expect(lines['alarm metrics']!.monthlyUsd).toBeCloseTo(0.3, 10); // 3 × $0.10
    expect(lines['composite alarms']!.monthlyUsd).toBeCloseTo(0.5, 10);
  });

  it('custom metrics: event types × domains plus the catalogue, per domain where published per domain', () => {
    expect(customMetricCount(tiny, 10)).toBe(2 * 10 + OWN_ACCOUNT_WIDE + OWN_PER_DOMAIN * 10);
    expect(lines['custom metrics']!.monthlyUsd).toBeCloseTo(
      (20 + OWN_ACCOUNT_WIDE + OWN_PER_DOMAIN * 10) * 0.3,
      8,
    );
    expect(lines['custom metrics']!.perDomain).toBe(true);
  });

  it('custom metrics: a destination with one value per configuration set counts its event types once', () => {
    const perSet = {
      ses: {
        Resources: {
          Dest: {
            Type: 'AWS::SES::ConfigurationSetEventDestination',
            Properties: {
              EventDestination: {
                MatchingEventTypes: ['send', 'bounce', 'complaint'],
                CloudWatchDestination: {
                  DimensionConfigurations: [{ DimensionName: 'ses:configuration-set' }],
                },
              },
            },
          },
        },
      },
    };
    expect(customMetricCount(perSet, 1000)).toBe(3 + OWN_ACCOUNT_WIDE + OWN_PER_DOMAIN * 1000);
    const flat = byItem(estimate(perSet, { sendsPerDay: 100_000, domains: 1000 }));
    expect(flat['custom metrics']!.perDomain).toBe(OWN_PER_DOMAIN > 0);
  });

  it('GetMetricData: 8,640 runs × 5 account-wide counts at $0.01 per 1,000, whatever the domains', () => {
    expect(lines.GetMetricData!.quantity).toBe(8640 * 5);
    expect(lines.GetMetricData!.monthlyUsd).toBeCloseTo((43_200 / 1000) * 0.01, 8);
    expect(lines.GetMetricData!.perDomain).toBe(false);
  });

  it('Logs Insights: the per-domain query scans each event once; the widget 10 views × 24 h a day', () => {
    const gb = (100_000 * 2.05 * 30 * 1500) / 1024 ** 3; // 8.591 GB of events a month
    const query = lines['Logs Insights: per-domain query of the metrics function']!;
    expect(query.quantity).toBeCloseTo(gb, 10);
    expect(query.monthlyUsd).toBeCloseTo(gb * 0.0076, 10); // $0.065
    const widget = lines["Logs Insights: dashboard's worst-domains widget"]!;
    expect(widget.quantity).toBeCloseTo((gb / 720) * 24 * 10 * 30, 8); // 85.9 GB
    expect(widget.monthlyUsd).toBeCloseTo(85.91 * 0.0076, 3);
  });

  it('logs: 100,000 sends × 2.05 events × 30 days × 1,500 bytes ingested at $0.76/GB', () => {
    const gb = (100_000 * 2.05 * 30 * 1500) / 1024 ** 3; // 8.591 GB
    expect(lines['Logs ingestion: SES events']!.quantity).toBeCloseTo(gb, 10);
    expect(lines['Logs ingestion: SES events']!.monthlyUsd).toBeCloseTo(gb * 0.76, 8);
    expect(lines['Logs data protection scan of the SES events']!.monthlyUsd).toBeCloseTo(gb * 0.12, 8);
    expect(lines['Logs storage']!.monthlyUsd).toBeCloseTo(gb * 0.15 * 12 * 0.033, 8);
  });

  it('Firehose bills each record as 5 KB: 6,150,000 events × 5 KB at $0.036/GB', () => {
    expect(lines['Firehose ingestion']!.monthlyUsd).toBeCloseTo(((6_150_000 * 5120) / 1024 ** 3) * 0.036, 8);
  });

  it('dashboards, keys: $3 and $1 each a month', () => {
    expect(lines.dashboards!.monthlyUsd).toBe(3);
    expect(lines['KMS customer managed keys']!.monthlyUsd).toBe(1);
  });

  it('Lambda: requests at $0.20 per million, GB-seconds at $0.0000166667', () => {
    const requests = 8640 + 43_200 + (8640 + 4); // no BYODKIM functions in `tiny`
    expect(lines['Lambda requests']!.quantity).toBe(requests);
    expect(lines['Lambda requests']!.monthlyUsd).toBeCloseTo((requests / 1e6) * 0.2, 10);
    const gbs = 8640 * 2 * 0.25 + 43_200 * 0.5 * 0.25 + 8644 * 1 * 0.25;
    expect(lines['Lambda duration']!.monthlyUsd).toBeCloseTo(gbs * 0.0000166667, 10);
  });

  it('marks exactly the lines that grow with domains, and the total is their sum', () => {
    const one = estimate(tiny, { sendsPerDay: 100_000, domains: 1 });
    const many = estimate(tiny, { sendsPerDay: 100_000, domains: 1000 });
    for (const [i, l] of one.entries()) expect(many[i]!.quantity !== l.quantity).toBe(l.perDomain);
    expect(total(one)).toBeCloseTo(
      one.reduce((n, l) => n + l.monthlyUsd, 0),
      10,
    );
  });

  it('reads the generated production templates (every stack)', () => {
    const prod = templates('prod');
    expect(alarmMetricCount(prod)).toBeGreaterThan(40);
    expect(customMetricCount(prod, 1)).toBe(7 + OWN_ACCOUNT_WIDE + OWN_PER_DOMAIN);
    // Issue #14, item 4: no metric per domain any more, in the templates or the catalogue.
    expect(OWN_PER_DOMAIN).toBe(0);
    expect(customMetricCount(prod, 1000)).toBe(customMetricCount(prod, 1));
  });

  it('BYODKIM records: 1,000 domains × 24 tick records a day × 30 days + 2,880 monitor runs × 100 domains, 600 bytes each at $0.76/GB', () => {
    const line = byItem(estimate(templates('prod'), { sendsPerDay: 100_000, domains: 1000 }))[
      'Logs ingestion: BYODKIM per-domain EMF records'
    ]!;
    const gb = ((1000 * 24 * 30 + 2880 * 100) * 600) / 1024 ** 3; // 1,008,000 records: 0.5633 GB
    expect(line.quantity).toBeCloseTo(gb, 10);
    expect(line.monthlyUsd).toBeCloseTo(gb * 0.76, 10); // $0.43
    expect(line.perDomain).toBe(true);
    expect(
      byItem(estimate(tiny, { sendsPerDay: 1, domains: 1000 }))[
        'Logs ingestion: BYODKIM per-domain EMF records'
      ]!.quantity,
    ).toBe(0);
  });

  describe('BYODKIM tick and validation monitor grow with domains', () => {
    /** The two functions as the byodkim stack renders them: orchestrator 300 s / 512 MB, monitor 120 s / 256 MB. */
    const withByodkim = {
      ...tiny,
      byodkim: {
        Resources: {
          Tick: {
            Type: 'AWS::Lambda::Function',
            Properties: { FunctionName: 'p-prod-dkim-rotation-orchestrator', Timeout: 300, MemorySize: 512 },
          },
          Monitor: {
            Type: 'AWS::Lambda::Function',
            Properties: { FunctionName: 'p-prod-validation-monitor', Timeout: 120, MemorySize: 256 },
          },
        },
      },
    };
    const at = (domains: number) => byItem(estimate(withByodkim, { sendsPerDay: 100_000, domains }));

    it('1,000 domains, by hand', () => {
      // tick: 720 runs × (1 s + 1,000 × 8 ms = 9 s) × 0.5 GB = 3,240 GB-s = $0.054
      // monitor: 2,880 runs × min(1,000, 100 a run, 120 s / 1 s) = 100 domains × 1 s × 0.25 GB = 72,000 GB-s = $1.20
      // reads: 720 × 1,000 + 2,880 × 100 = 1,008,000 RRU at $0.1425 a million = $0.14
      expect(byodkimLoad(withByodkim, 1000)).toEqual({
        enabled: true,
        runs: 720 + 2880,
        tickGbSeconds: 3240,
        monitorGbSeconds: 72_000,
        reads: 1_008_000,
      });
      const l = at(1000);
      expect(l['Lambda duration: BYODKIM rotation tick']!.monthlyUsd).toBeCloseTo(0.054, 5);
      expect(l['Lambda duration: BYODKIM validation monitor']!.monthlyUsd).toBeCloseTo(1.2, 4);
      expect(l['DynamoDB reads: BYODKIM state']!.monthlyUsd).toBeCloseTo(0.14364, 6);
      expect(cents(l['DynamoDB reads: BYODKIM state']!.monthlyUsd)).toBe(0.14);
      for (const k of [
        'Lambda duration: BYODKIM rotation tick',
        'Lambda duration: BYODKIM validation monitor',
        'DynamoDB reads: BYODKIM state',
      ])
        expect(l[k]!.perDomain, k).toBe(true);
      expect(l['Lambda requests']!.quantity).toBe(8640 + 43_200 + 8644 + 3600);
    });

    it('1 domain, by hand: 720 × 1.008 s × 0.5 GB; 2,880 × 1 s × 0.25 GB; 720 + 2,880 reads', () => {
      const load = byodkimLoad(withByodkim, 1);
      expect(load.tickGbSeconds).toBeCloseTo(362.88, 8);
      expect(load.monitorGbSeconds).toBe(720);
      expect(load.reads).toBe(3600);
    });

    it('the monitor checks as many domains a run as the handler does (its slice size)', () => {
      expect(ASSUMPTIONS.byodkimMonitorDomainsPerRun).toBe(MONITOR_DOMAINS_PER_RUN);
      // 80 domains: all of them, 80 s a run
      expect(byodkimLoad(withByodkim, 80).monitorGbSeconds).toBe(2880 * 80 * 0.25);
    });

    it('the tick stops at its timeout (100,000 domains: 801 s capped at 300 s)', () => {
      expect(byodkimLoad(withByodkim, 100_000).tickGbSeconds).toBe(720 * 300 * 0.5);
    });

    it('nothing without the BYODKIM functions', () => {
      expect(byodkimLoad(tiny, 1000)).toEqual({
        enabled: false,
        runs: 0,
        tickGbSeconds: 0,
        monitorGbSeconds: 0,
        reads: 0,
      });
    });
  });
});
