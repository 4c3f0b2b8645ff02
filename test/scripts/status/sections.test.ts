import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { BatchGetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetScheduleCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetEmailIdentityCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { nextRun, UnsupportedScheduleError } from '../../../scripts/status/cron.js';
import {
  alarmsSection,
  dkimSection,
  eventsQuery,
  eventsSection,
  rotationScheduleSection,
  type StatusClients,
  type StatusContext,
  severityOf,
} from '../../../scripts/status/sections.js';

const cw = mockClient(CloudWatchClient);
const logs = mockClient(CloudWatchLogsClient);
const scheduler = mockClient(SchedulerClient);
const ses = mockClient(SESv2Client);
const ddb = mockClient(DynamoDBClient);

const NOW = Date.parse('2026-11-30T03:00:00Z'); // 12:00 JST
const ctx = (over: Partial<StatusContext> = {}): StatusContext => ({
  env: 'prod',
  environment: 'production',
  projectCode: 'ses-migration',
  region: 'ap-northeast-1',
  domains: ['goo.ne.jp'],
  domainsSource: 'fixture',
  unmask: false,
  sinceMinutes: 60,
  now: () => NOW,
  sleep: async () => {},
  ...over,
});
const clients = {
  cloudwatch: new CloudWatchClient({}),
  logs: new CloudWatchLogsClient({}),
  scheduler: new SchedulerClient({}),
  sesv2: new SESv2Client({}),
  dynamodb: new DynamoDBClient({}),
} as unknown as StatusClients;

beforeEach(() => {
  cw.reset();
  logs.reset();
  scheduler.reset();
  ses.reset();
  ddb.reset();
});

describe('severityOf', () => {
  it('prefers the Severity tag, then P1-P3 in the name or description, else unknown', () => {
    expect(severityOf([{ Key: 'Severity', Value: 'p2' }], 'x-p1-alarm')).toBe('P2');
    expect(severityOf([], 'ses-migration-production-bounce-rate-p1-alarm')).toBe('P1');
    expect(severityOf([], 'ses-migration-production-x', '【P3】 application errors')).toBe('P3');
    expect(severityOf([], 'ses-migration-production-bounce-rate-alarm')).toBe('unknown');
  });
});

describe('alarmsSection', () => {
  it('says it had no permission and does not throw', async () => {
    cw.on(DescribeAlarmsCommand).rejects(
      Object.assign(new Error('not authorized'), { name: 'AccessDenied' }),
    );
    const s = await alarmsSection(ctx(), clients);
    expect(s).toEqual({
      title: 'Alarms in ALARM',
      state: 'unavailable',
      lines: ['no permission to read CloudWatch alarms (AccessDenied: not authorized)'],
    });
  });

  it('falls back to the name when tags cannot be read, P1 first', async () => {
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [
        { AlarmName: 'ses-migration-production-errors-p3-alarm', AlarmArn: 'arn:3', StateValue: 'ALARM' },
        {
          AlarmName: 'ses-migration-production-bounce-rate-p1-alarm',
          AlarmArn: 'arn:1',
          StateValue: 'ALARM',
        },
      ],
    });
    cw.on(ListTagsForResourceCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const s = await alarmsSection(ctx(), clients);
    expect(s.state).toBe('attention');
    expect(s.lines.map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'P1 ses-migration-production-bounce-rate-p1-alarm',
      'P3 ses-migration-production-errors-p3-alarm',
    ]);
  });
});

describe('alarmsSection: acknowledgements (npm run ack)', () => {
  const since = new Date('2026-11-30T02:40:00Z');
  const inAlarm = (name: string) => ({
    AlarmName: `ses-migration-production-${name}`,
    StateValue: 'ALARM' as const,
    StateTransitionedTimestamp: since,
  });

  it('shows who acknowledged each episode, and the P1s nobody has', async () => {
    cw.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [inAlarm('bounce-rate-p1'), inAlarm('ses-critical-p1')],
    });
    ddb.on(BatchGetItemCommand).resolves({
      Responses: {
        'ses-migration-production-alarm-episodes': [
          {
            alarm: { S: 'ses-migration-production-bounce-rate-p1' },
            episode: { S: since.toISOString() },
            ackBy: { S: 'tanaka' },
            ackAt: { S: '2026-11-30T02:45:00.000Z' },
            ackNote: { S: 'bounce source identified' },
          },
        ],
      },
    });
    const s = await alarmsSection(ctx(), clients);
    expect(s.lines.join('\n')).toContain(
      'acknowledged by tanaka at 2026-11-30T02:45:00.000Z: bounce source identified',
    );
    expect(s.lines.join('\n')).toContain(
      'NOT acknowledged: npm run ack -- prod ses-migration-production-ses-critical-p1 --by <you>',
    );
  });

  it('says when the table cannot be read, and still lists the alarms', async () => {
    cw.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [inAlarm('bounce-rate-p1')] });
    ddb
      .on(BatchGetItemCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const s = await alarmsSection(ctx(), clients);
    expect(s.state).toBe('attention');
    expect(s.lines.at(-1)).toMatch(
      /^acknowledgements: no permission to read table ses-migration-production-alarm-episodes/,
    );
  });
});

describe('dkimSection', () => {
  it('shows the BYODKIM selector and needs attention unless SUCCESS', async () => {
    ses.on(GetEmailIdentityCommand).resolves({
      DkimAttributes: {
        Status: 'PENDING',
        SigningAttributesOrigin: 'EXTERNAL',
        Tokens: ['sel-2026b'],
        SigningEnabled: true,
        CurrentSigningKeyLength: 'RSA_2048_BIT',
      },
    });
    const s = await dkimSection(ctx(), clients);
    expect(s.state).toBe('attention');
    expect(s.lines[0]).toMatch(/^goo\.ne\.jp +PENDING +BYODKIM, selector sel-2026b, key RSA_2048_BIT$/);
  });

  it('is unavailable when no domain is known', async () => {
    const s = await dkimSection(
      ctx({ domains: [], domainsSource: 'environments/prod.yaml not found' }),
      clients,
    );
    expect(s.lines).toEqual([
      'no domains to check (environments/prod.yaml not found); pass --domain example.jp',
    ]);
  });
});

describe('eventsSection', () => {
  it('queries masked fields by default and unmask(@message) only with --unmask', async () => {
    expect(eventsQuery(false)).not.toContain('unmask');
    expect(eventsQuery(true)).toContain('unmask(@message) as raw');
    logs.on(StartQueryCommand).resolves({ queryId: 'q-1' });
    logs
      .on(GetQueryResultsCommand)
      .resolvesOnce({ status: 'Running' })
      .resolves({
        status: 'Complete',
        results: [
          [
            { field: '@timestamp', value: '2026-11-30 02:59:00.000' },
            { field: 'eventType', value: 'Bounce' },
            { field: 'bounceType', value: 'Permanent' },
            { field: 'bouncedTo', value: '************' },
            {
              field: 'raw',
              value: '{"detail":{"bounce":{"bouncedRecipients":[{"emailAddress":"a@example.jp"}]}}}',
            },
          ],
        ],
      });

    const masked = await eventsSection(ctx(), clients);
    expect(masked.lines).toEqual(['2026-11-30 02:59:00.000  Bounce    Permanent    ************']);
    const start = logs.commandCalls(StartQueryCommand)[0]?.args[0].input;
    expect(start).toMatchObject({
      logGroupName: '/aws/ses/events',
      startTime: NOW / 1000 - 3600,
      endTime: NOW / 1000,
    });

    const unmasked = await eventsSection(ctx({ unmask: true }), clients);
    expect(unmasked.title).toContain('unmasked');
    expect(unmasked.lines[0]).toContain('a@example.jp');
  });

  it('gives up on a query that runs too long', async () => {
    let t = NOW;
    logs.on(StartQueryCommand).resolves({ queryId: 'q-2' });
    logs.on(GetQueryResultsCommand).resolves({ status: 'Running' });
    const s = await eventsSection(
      ctx({
        now: () => t,
        sleep: async (ms) => {
          t += ms;
        },
        queryTimeoutMs: 5000,
      }),
      clients,
    );
    expect(s).toMatchObject({ state: 'unavailable', lines: ['query q-2 still running after 5 s'] });
  });
});

describe('rotationScheduleSection', () => {
  it('shows the next run of each rotation schedule in its time zone', async () => {
    scheduler.on(ListSchedulesCommand).resolves({
      Schedules: [{ Name: 'ses-migration-production-byodkim-rotation-tick', GroupName: 'default' } as never],
    });
    scheduler.on(GetScheduleCommand).resolves({
      Name: 'ses-migration-production-byodkim-rotation-tick',
      ScheduleExpression: 'cron(0 10 1 4 ? *)',
      ScheduleExpressionTimezone: 'Asia/Tokyo',
      State: 'ENABLED',
    });
    const s = await rotationScheduleSection(ctx(), clients);
    expect(s.lines).toEqual([
      'ses-migration-production-byodkim-rotation-tick: ENABLED, cron(0 10 1 4 ? *) Asia/Tokyo, next 2027-04-01T01:00:00.000Z',
    ]);
  });
});

describe('nextRun', () => {
  const from = new Date('2026-11-30T03:00:00Z');
  it.each([
    ['cron(0 10 1 4 ? *)', 'Asia/Tokyo', '2027-04-01T01:00:00.000Z'],
    ['cron(0/15 * * * ? *)', 'UTC', '2026-11-30T03:15:00.000Z'],
    ['cron(30 9 ? * MON-FRI *)', 'Asia/Tokyo', '2026-12-01T00:30:00.000Z'],
    ['cron(0 0 1 JAN,JUL ? 2027)', 'UTC', '2027-01-01T00:00:00.000Z'],
    ['at(2026-12-24T09:00:00)', 'Asia/Tokyo', '2026-12-24T00:00:00.000Z'],
  ])('%s in %s is next at %s', (expr, tz, expected) => {
    expect(nextRun(expr, tz, from)?.toISOString()).toBe(expected);
  });
  it('has no answer for rate() or a past at()', () => {
    expect(nextRun('rate(7 days)', 'UTC', from)).toBeUndefined();
    expect(nextRun('at(2020-01-01T00:00:00)', 'UTC', from)).toBeUndefined();
  });
  it('rejects what it does not support', () => {
    expect(() => nextRun('cron(0 0 L * ? *)', 'UTC', from)).toThrow(UnsupportedScheduleError);
    expect(() => nextRun('cron(0 0 * *)', 'UTC', from)).toThrow('cron needs 6 fields');
  });
  it('is always after the start and on the given minute and hour', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 23 }),
        fc.date({ min: new Date('2025-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        (m, h, start) => {
          const next = nextRun(`cron(${m} ${h} * * ? *)`, 'Asia/Tokyo', start);
          expect(next).toBeDefined();
          const d = next as Date;
          expect(d.getTime()).toBeGreaterThan(start.getTime());
          expect(d.getTime() - start.getTime()).toBeLessThanOrEqual(24 * 3600_000);
          const jst = new Date(d.getTime() + 9 * 3600_000);
          expect([jst.getUTCHours(), jst.getUTCMinutes()]).toEqual([h, m]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
