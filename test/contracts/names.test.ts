import { describe, expect, it } from 'vitest';
import { METRICS, namespaceOf } from '../../contracts/metrics.js';
import { names, STACK_IDS, stackName, stackNames } from '../../contracts/names.js';
import { loadEnv } from '../support/templates.js';

describe.each(['prod', 'dev'] as const)('names of %s', (env) => {
  const cfg = loadEnv(env);
  const n = names(cfg);

  it('derives stack names the way Sceptre does', () => {
    expect(stackName(cfg, 'base')).toBe(`ses-migration-${env}-base`);
    expect(stackNames(cfg)).toEqual(STACK_IDS.map((id) => `ses-migration-${env}-${id}`));
  });

  it('gives each environment its own SES events log group and namespaces', () => {
    expect(n.logGroup.sesEvents).toBe(env === 'prod' ? '/aws/ses/events' : '/aws/ses/events/development');
    expect(namespaceOf(cfg, METRICS.sendSuccessRate.namespace)).toBe(n.namespace.monitoring);
    expect(namespaceOf(cfg, METRICS.sesSend.namespace)).toBe('AWS/SES');
  });
});

it('lists every metric name once per namespace', () => {
  const keys = Object.values(METRICS).map((m) => `${m.namespace}/${m.name}`);
  expect(new Set(keys).size).toBe(keys.length);
});
