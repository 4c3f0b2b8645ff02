import { describe, expect, it } from 'vitest';
import { loadMetricsConfig, writeMetricsEnv } from '../../../contracts/functions/metrics.js';
import { MetricsConfigError } from '../../../handlers/metrics/errors.js';

const base = {
  METRICS_NAMESPACE: 'ses-migration/production/Monitoring',
  SES_EVENTS_LOG_GROUP: '/aws/ses/events',
  MINIMUM_SEND_VOLUME: '100',
};

describe('loadMetricsConfig', () => {
  it('reads namespace, the events log group, the volume guard and the default windows (no domain list)', () => {
    expect(loadMetricsConfig(base)).toEqual({
      namespace: 'ses-migration/production/Monitoring',
      sesEventsLogGroup: '/aws/ses/events',
      minimumSendVolume: 100,
      domainLagMinutes: 2,
      domainQueryTimeoutSeconds: 40,
      lagMinutes: 10,
      windowMinutes: 15,
    });
  });

  it('reads what the generator writes', () => {
    const env = writeMetricsEnv({
      namespace: 'ses-migration/development/Monitoring',
      sesEventsLogGroup: '/aws/ses/events/development',
      minimumSendVolume: 20,
    });
    expect(env).not.toHaveProperty('DOMAINS_JSON');
    expect(loadMetricsConfig(env as Record<string, string>)).toMatchObject({
      sesEventsLogGroup: '/aws/ses/events/development',
      minimumSendVolume: 20,
    });
  });

  it('takes a configured lag and window', () => {
    expect(
      loadMetricsConfig({ ...base, METRICS_LAG_MINUTES: '5', METRICS_WINDOW_MINUTES: '30' }),
    ).toMatchObject({
      lagMinutes: 5,
      windowMinutes: 30,
    });
  });

  it.each([
    ['a missing namespace', { METRICS_NAMESPACE: undefined }, /METRICS_NAMESPACE/],
    ['an AWS/ namespace', { METRICS_NAMESPACE: 'AWS/SES' }, /METRICS_NAMESPACE/],
    ['a missing events log group', { SES_EVENTS_LOG_GROUP: undefined }, /SES_EVENTS_LOG_GROUP/],
    ['a log group name with a space', { SES_EVENTS_LOG_GROUP: '/aws/ses events' }, /SES_EVENTS_LOG_GROUP/],
    ['a volume guard of 0', { MINIMUM_SEND_VOLUME: '0' }, /MINIMUM_SEND_VOLUME is "0"/],
    ['a query timeout beyond the function', { DOMAIN_QUERY_TIMEOUT_SECONDS: '55' }, /timeout is 60 s/],
    ['a lag that is not a multiple of 5', { METRICS_LAG_MINUTES: '7' }, /METRICS_LAG_MINUTES is "7"/],
    ['an empty window', { METRICS_WINDOW_MINUTES: '0' }, /METRICS_WINDOW_MINUTES/],
  ])('fails on %s', (_, override, message) => {
    expect(() => loadMetricsConfig({ ...base, ...override })).toThrow(MetricsConfigError);
    expect(() => loadMetricsConfig({ ...base, ...override })).toThrow(message);
  });
});
