/**
 * One environment contract per function: the variables the generator writes into each function's template are
 * exactly what the handler's reader accepts, for every environment. Intrinsics (topic and bucket references)
 * are replaced by values of the shape CloudFormation resolves them to.
 */
import { describe, expect, it } from 'vitest';
import { loadDriftConfig } from '../../contracts/functions/drift-detection.js';
import { EnvReader } from '../../contracts/functions/env.js';
import { loadMaskingConfig } from '../../contracts/functions/firehose-masking.js';
import { loadMetricsConfig } from '../../contracts/functions/metrics.js';
import { loadEscalateConfig, loadNotifyConfig } from '../../contracts/functions/notifier.js';
import { STACK_IDS } from '../../contracts/names.js';
import { loadDomainConfig, loadSettings, requireSettings } from '../../handlers/byodkim/core/config.js';
import { configObjects, type Json, resourcesOfType, templates } from '../support/templates.js';

/** A resolved stand-in for an intrinsic: parameter refs to topics become topic ARNs. */
function resolve(value: Json, key: string): string {
  if (typeof value === 'string') return value;
  const ref = JSON.stringify(value);
  if (key.endsWith('_ARN')) {
    return `arn:aws:sns:ap-northeast-1:123456789012:${ref.replace(/[^A-Za-z0-9]/g, '').slice(0, 60)}`;
  }
  return ref.replace(/[^A-Za-z0-9-]/g, '').toLowerCase();
}

function environments(env: 'prod' | 'dev'): Map<string, Record<string, string>> {
  const fns = resourcesOfType(templates(env), 'AWS::Lambda::Function');
  return new Map(
    fns.map(([, r]) => {
      const vars = r.Properties.Environment.Variables as Record<string, Json>;
      return [
        String(r.Properties.FunctionName).replace(/^ses-migration-(production|development)-/, ''),
        {
          ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, resolve(v, k)])),
          AWS_REGION: 'ap-northeast-1',
        },
      ];
    }),
  );
}

describe.each(['prod', 'dev'] as const)('function environments of %s', (env) => {
  const vars = environments(env);
  const of = (fn: string) => {
    const v = vars.get(fn);
    if (!v) throw new Error(`no function ${fn} in ${[...vars.keys()].join(', ')}`);
    return v;
  };

  it('the metrics function reads what the monitoring stack writes', () => {
    const c = loadMetricsConfig(of('custom-metrics'));
    expect(c.namespace).toMatch(/^ses-migration\/(production|development)\/Monitoring$/);
    expect(c.sesEventsLogGroup).toMatch(/^\/aws\/ses\/events/);
    expect(c.minimumSendVolume).toBeGreaterThan(0);
    // No list of domains: the per-domain query finds them in the events (issue #14).
    expect(of('custom-metrics')).not.toHaveProperty('DOMAINS_JSON');
  });

  it('the notifier reads both paths', () => {
    const v = of('notifier');
    expect(loadNotifyConfig(v).format.sesEventsLogGroup).toMatch(/^\/aws\/ses\/events/);
    expect(loadEscalateConfig(v).p1RenotifyMinutes).toBeGreaterThanOrEqual(5);
  });

  it('the drift function reads every stack name', () => {
    expect(loadDriftConfig(of('drift-detection')).stackNames).toHaveLength(STACK_IDS.length);
  });

  it('the masking function gets its namespace', () => {
    expect(loadMaskingConfig(of('data-masking')).namespace).toMatch(/\/Monitoring$/);
  });

  it.each(['dkim-rotation-orchestrator', 'dkim-key-generator', 'ses-config-updater', 'validation-monitor'])(
    'the BYODKIM function %s reads its settings, and its domains from the object it names',
    async (fn) => {
      const objects = configObjects();
      const reads: string[] = [];
      const c = await loadDomainConfig(of(fn), async (_bucket, key) => {
        reads.push(key);
        const body = objects.get(key);
        if (body === undefined) throw new Error(`the stack names ${key}, which generate did not write`);
        return body;
      });
      expect(() =>
        requireSettings(c, ['stateTable', 'kmsKeyId', 'metricsNamespace', 'topics']),
      ).not.toThrow();
      expect(reads).toEqual([
        expect.stringMatching(new RegExp(`^config/${env}/byodkim-domains/[0-9a-f]{64}\\.json$`)),
      ]);
      expect(c.domains.length).toBeGreaterThan(0);
    },
  );

  it('the BYODKIM notification manager reads its settings and is given no domain list', () => {
    const v = of('notification-manager');
    expect(Object.keys(v).filter((k) => /DOMAINS|CONFIG/.test(k))).toEqual([]);
    expect(() =>
      requireSettings({ ...loadSettings(v), domains: [] }, ['metricsNamespace', 'topics']),
    ).not.toThrow();
  });
});

describe('EnvReader', () => {
  const fail = (m: string) => new RangeError(m);
  it('names the variable, the value and what is allowed', () => {
    const r = new EnvReader({ N: '7' }, fail);
    expect(() => r.integer('N', { min: 0, max: 60, step: 5, fallback: 10 })).toThrow(
      'N is "7"; allowed: a multiple of 5 from 0 to 60 (default 10)',
    );
    expect(() => r.topicArn('T')).toThrow(RangeError);
    expect(() => new EnvReader({ D: '["a.example","a.example"]' }, fail).domains('D')).toThrow(/twice/);
  });
});
