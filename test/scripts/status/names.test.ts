/**
 * `npm run status` reads the names the templates create, for every environment: the SES events log group, the
 * alarm prefix, the BYODKIM stack and the rotation schedule all come from the environment file through
 * contracts/names.ts (dev once read prod's `/aws/ses/events`).
 */
import { readdirSync } from 'node:fs';
import { StartQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import { generateAll } from '../../../generators/generate.js';
import { loadEnvironments } from '../../../scripts/lib/environments.js';
import { environmentFacts } from '../../../scripts/status/cli.js';
import { eventsSection, type StatusClients, type StatusContext } from '../../../scripts/status/sections.js';
import { fakeBundles } from '../../support/templates.js';

const ENVIRONMENTS = readdirSync('environments')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''));
const generated = generateAll(loadEnvironments(), fakeBundles());

function resourceOf(env: string, stack: string, type: string): Record<string, unknown>[] {
  const body = generated.files.get(`templates/${env}/${stack}.json`);
  if (!body) throw new Error(`no template ${env}/${stack}`);
  const resources = JSON.parse(body).Resources as Record<
    string,
    { Type: string; Properties: Record<string, unknown> }
  >;
  return Object.values(resources)
    .filter((r) => r.Type === type)
    .map((r) => r.Properties);
}

describe.each(ENVIRONMENTS)('status for %s', (env) => {
  const facts = environmentFacts(env, 'environments', 'sceptre-does-not-exist');

  it('queries the SES events log group the ses stack creates', async () => {
    const calls: unknown[] = [];
    const logs = {
      send: async (command: unknown) => {
        calls.push(command);
        if (command instanceof StartQueryCommand)
          throw Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' });
        throw new Error('unexpected');
      },
    };
    const ctx: StatusContext = {
      env,
      ...facts,
      domainsSource: facts.source,
      unmask: false,
      sinceMinutes: 60,
      now: () => 0,
      sleep: async () => {},
    };
    await eventsSection(ctx, { logs } as unknown as StatusClients);
    const queried = (calls[0] as StartQueryCommand).input.logGroupName;
    const created = resourceOf(env, 'ses', 'AWS::Logs::LogGroup').map((p) => p.LogGroupName);
    expect(created).toContain(queried);
    expect(queried).toMatch(/^\/aws\/ses\/events/);
  });

  it('reads the alarm names the templates create', () => {
    const alarmNames = ['monitoring', 'ses', 'byodkim'].flatMap((stack) =>
      resourceOf(env, stack, 'AWS::CloudWatch::Alarm').map((p) => String(p.AlarmName)),
    );
    expect(alarmNames.length).toBeGreaterThan(0);
    const prefix = `${facts.projectCode}-${facts.environment}-`;
    for (const name of alarmNames) expect(name.startsWith(prefix)).toBe(true);
  });
});

it('dev and prod query different SES event log groups', () => {
  const groups = ENVIRONMENTS.map((env) => {
    const f = environmentFacts(env, 'environments', 'x');
    return `${f.projectCode}/${f.environment}`;
  });
  expect(new Set(groups).size).toBe(ENVIRONMENTS.length);
});
