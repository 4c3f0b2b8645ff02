import { describe, expect, it } from 'vitest';
import { loadMetricsConfig } from '../../../contracts/functions/metrics.js';
import { MetricsConfigError } from '../../../handlers/metrics/errors.js';

const base = { METRICS_NAMESPACE: 'ses-migration/production/Monitoring', DOMAINS_JSON: '["example.co.jp"]' };

describe('loadMetricsConfig', () => {
  it('reads namespace, domains and the default window', () => {
    expect(loadMetricsConfig(base)).toEqual({
      namespace: 'ses-migration/production/Monitoring',
      domains: ['example.co.jp'],
      lagMinutes: 10,
      windowMinutes: 15,
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
    ['domains that are not JSON', { DOMAINS_JSON: 'example.co.jp' }, /DOMAINS_JSON/],
    ['domains that are not a list', { DOMAINS_JSON: '"example.co.jp"' }, /DOMAINS_JSON/],
    ['a domain that is not a name', { DOMAINS_JSON: '["not a domain"]' }, /"not a domain"/],
    ['a domain listed twice', { DOMAINS_JSON: '["a.example","a.example"]' }, /twice/],
    ['a lag that is not a multiple of 5', { METRICS_LAG_MINUTES: '7' }, /METRICS_LAG_MINUTES is "7"/],
    ['an empty window', { METRICS_WINDOW_MINUTES: '0' }, /METRICS_WINDOW_MINUTES/],
  ])('fails on %s', (_, override, message) => {
    expect(() => loadMetricsConfig({ ...base, ...override })).toThrow(MetricsConfigError);
    expect(() => loadMetricsConfig({ ...base, ...override })).toThrow(message);
  });
});
