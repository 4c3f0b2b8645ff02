/**
 * Recorded API answers for the report tests: one small, hand-checkable world (two domains, a week of alarms,
 * two months of cost), served through aws-sdk-client-mock on the real SDK clients, so the adapters under
 * lib/reports/aws run for real. The figures the tests expect are computed by hand from the constants here.
 */
import { readFileSync } from 'node:fs';
import {
  CloudTrailClient,
  GetTrailCommand,
  GetTrailStatusCommand,
  LookupEventsCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetDashboardCommand,
  GetMetricDataCommand,
  GetMetricWidgetImageCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { parseEnvConfig } from '../../generators/config/load.js';
import type { EnvConfig } from '../../generators/config/schema.js';
import { dashboards } from '../../generators/stacks/dashboards.js';
import { awsSources } from '../../lib/reports/aws/index.js';
import { reportConfig } from '../../lib/reports/config.js';
import type { ReportSinks, ReportSources } from '../../lib/reports/ports.js';
import type { ReportConfig } from '../../lib/reports/types.js';
import { chartPng } from './png.js';

export const P = 'ses-migration-production';
const DAY = 86_400_000;
/** Monday 2026-11-30 00:00 JST: the reported week is week 0. */
export const WEEK0 = Date.parse('2026-11-29T15:00:00Z');
/** 09:00 JST on Monday 2026-12-07: every tested period is over. */
export const NOW = new Date('2026-12-07T00:00:00Z');

export function loadFixtureEnv(): EnvConfig {
  const file = 'test/fixtures/environments/reports.yaml';
  return parseEnvConfig(file, readFileSync(file, 'utf8'));
}

/** Bounces per day of mail.goo.ne.jp: 24 up to week -4, then +8 a week (56 in week 0). */
export const d1Bounce = (t: number) => 56 + 8 * Math.max(Math.floor((t - WEEK0) / (7 * DAY)), -4);

/** Daily SES counters: account = goo.ne.jp + mail.goo.ne.jp. */
export function daily(
  scope: 'account' | 'goo.ne.jp' | 'mail.goo.ne.jp',
  metric: string,
  t: number,
): number | undefined {
  const d0: Record<string, number> = {
    Send: 8000,
    Delivery: 7920,
    Bounce: 40,
    Complaint: 1,
    Reject: 2,
    RenderingFailure: 0,
    DeliveryDelay: 5,
  };
  const d1: Record<string, number> = {
    Send: 4000,
    Delivery: 3930,
    Bounce: d1Bounce(t),
    Complaint: 2,
    Reject: 2,
    RenderingFailure: 0,
    DeliveryDelay: 3,
  };
  if (scope === 'goo.ne.jp') return d0[metric];
  if (scope === 'mail.goo.ne.jp') return d1[metric];
  if (metric === 'DeliveryDelay') return undefined;
  return (d0[metric] ?? 0) + (d1[metric] ?? 0);
}

const PERIOD_STATS: Record<string, number> = {
  'DeliveryProcessingTime/p50': 850,
  'DeliveryProcessingTime/p90': 2400,
  'DeliveryProcessingTime/p99': 9100,
  'DeliveryToS3.DataFreshness/Maximum': 420,
  'DeliveryToS3.DataFreshness/Average': 95,
};
function lambdaStat(fn: string, metric: string, stat: string): number {
  const notifier = fn.endsWith('-notifier');
  if (metric === 'Invocations') return notifier ? 300 : 288;
  if (metric === 'Errors') return notifier ? 2 : 0;
  if (metric === 'Throttles') return 0;
  if (metric === 'Duration') return stat === 'Average' ? (notifier ? 120.5 : 40) : notifier ? 850 : 200;
  return 0;
}

function answer(q: MetricDataQuery, start: number, end: number) {
  const ms = q.MetricStat!;
  const metric = ms.Metric!.MetricName!;
  const period = ms.Period! * 1000;
  const dims = Object.fromEntries((ms.Metric!.Dimensions ?? []).map((d) => [d.Name!, d.Value!]));
  const ts: Date[] = [];
  const vs: number[] = [];
  for (let t = start; t < end; t += period) {
    let v: number | undefined;
    if (ms.Metric!.Namespace === 'AWS/SES') {
      const scope = (dims['ses:from-domain'] ?? 'account') as 'account';
      let total = 0;
      let any = false;
      for (let d = t; d < Math.min(t + period, end); d += DAY) {
        const x = daily(scope, metric, d);
        if (x !== undefined) {
          total += x;
          any = true;
        }
      }
      v = any ? total : undefined;
    } else if (ms.Metric!.Namespace === 'AWS/Lambda') {
      v = lambdaStat(dims.FunctionName!, metric, ms.Stat!);
    } else {
      v = PERIOD_STATS[`${metric}/${ms.Stat}`];
    }
    if (v !== undefined) {
      ts.push(new Date(t));
      vs.push(v);
    }
  }
  return { Id: q.Id, Timestamps: ts, Values: vs, StatusCode: 'Complete' as const };
}

const at = (iso: string) => new Date(iso);
const transition = (alarm: string, iso: string, from: string, to: string) => ({
  AlarmName: `${P}-${alarm}`,
  AlarmType: 'MetricAlarm' as const,
  Timestamp: at(iso),
  HistoryItemType: 'StateUpdate' as const,
  HistoryData: JSON.stringify({ oldState: { stateValue: from }, newState: { stateValue: to } }),
});
export const HISTORY = [
  // Day of 2026-12-01 JST (2026-11-30T15:00Z .. 2026-12-01T15:00Z)
  transition('ses-send-failure-p2', '2026-11-30T16:30:00Z', 'ALARM', 'OK'), // since the day began: 90 min
  transition('bounce-rate-p3', '2026-12-01T01:00:00Z', 'OK', 'ALARM'),
  transition('bounce-rate-p3', '2026-12-01T01:45:00Z', 'ALARM', 'OK'), // 45 min
  transition('ses-critical', '2026-12-01T14:00:00Z', 'OK', 'ALARM'), // open at midnight: 60 min
  // Flapping later in the week: five times into ALARM
  ...[2, 3, 4, 5, 6].flatMap((h) => [
    transition('complaint-rate-p3', `2026-12-03T0${h}:00:00Z`, 'OK', 'ALARM'),
    transition('complaint-rate-p3', `2026-12-03T0${h}:10:00Z`, 'ALARM', 'OK'),
  ]),
  // Another alarm in another source's namespace (not ours): filtered out by prefix
  { ...transition('x', '2026-12-01T02:00:00Z', 'OK', 'ALARM'), AlarmName: 'someone-else-alarm' },
];

/** SES event types as /aws/ses/events records them, by the counter of `daily`. */
const EVENT_TYPE: Record<string, string> = {
  Send: 'Send',
  Delivery: 'Delivery',
  Bounce: 'Bounce',
  Complaint: 'Complaint',
  Reject: 'Reject',
  RenderingFailure: 'Rendering Failure',
  DeliveryDelay: 'DeliveryDelay',
};

/** The per-domain query of the reports: `daily` of each domain, summed over the days of the query's range. */
function domainRows(start: number, end: number): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  for (const domain of ['goo.ne.jp', 'mail.goo.ne.jp'] as const) {
    for (const [metric, eventType] of Object.entries(EVENT_TYPE)) {
      let events = 0;
      for (let d = start; d < end; d += DAY) events += daily(domain, metric, d) ?? 0;
      if (events > 0) rows.push({ domain, eventType, events: String(events) });
    }
  }
  return rows;
}

function insightsRows({
  query,
  start,
  end,
}: {
  query: string;
  start: number;
  end: number;
}): Record<string, string>[] {
  if (query.includes('ses:from-domain.0` as domain')) return domainRows(start, end);
  if (query.includes('by detail.eventType as eventType'))
    return [
      { eventType: 'Bounce', bounceType: 'Permanent', bounceSubType: 'General', events: '70' },
      { eventType: 'Bounce', bounceType: 'Transient', bounceSubType: 'MailboxFull', events: '26' },
      { eventType: 'DeliveryDelay', events: '8' },
      { eventType: 'Reject', events: '4' },
      { eventType: 'Complaint', events: '3' },
    ];
  if (query.includes('parse'))
    return [
      {
        bounceType: 'Permanent',
        rcptDomain: 'example.com',
        reason: 'smtp; 550 5.1.1 user unknown',
        events: '41',
      },
      {
        bounceType: 'Transient',
        rcptDomain: 'example.net',
        reason: 'smtp; 452 4.2.2 mailbox full',
        events: '26',
      },
    ];
  if (query.includes('maskedRecipient'))
    return [
      {
        '@timestamp': '2026-12-01 03:04:05.000',
        eventType: 'Bounce',
        bounceType: 'Permanent',
        maskedRecipient: 't***@***.***',
        fromDomain: 'mail.goo.ne.jp',
      },
      {
        '@timestamp': '2026-12-01 02:00:00.000',
        eventType: 'Complaint',
        maskedRecipient: 'a***@***.***',
        fromDomain: 'goo.ne.jp',
      },
    ];
  if (query.includes('as findings')) return [{ findings: '7' }];
  return [];
}

const cost = (month: string, groups: [string, string, number][]) => ({
  TimePeriod: { Start: month, End: month },
  Groups: groups.map(([tag, service, amount]) => ({
    Keys: [`Project$${tag}`, service],
    Metrics: { UnblendedCost: { Amount: String(amount), Unit: 'USD' } },
  })),
});

export interface World {
  readonly cfg: ReportConfig;
  readonly env: EnvConfig;
  readonly sources: ReportSources;
  /** MetricWidget JSON objects asked of GetMetricWidgetImage. */
  readonly widgetRequests: Record<string, unknown>[];
  readonly dashboardBody: Record<string, unknown>;
  readonly mocks: ReturnType<typeof mockAll>;
  restore(): void;
}

function mockAll() {
  return {
    cw: mockClient(CloudWatchClient),
    logs: mockClient(CloudWatchLogsClient),
    s3: mockClient(S3Client),
    ddb: mockClient(DynamoDBClient),
    ct: mockClient(CloudTrailClient),
    ce: mockClient(CostExplorerClient),
  };
}

export function world(): World {
  const env = loadFixtureEnv();
  const cfg = reportConfig(env);
  const dashboardBody = JSON.parse(
    JSON.stringify(dashboards(env, []).main)
      .replace(/\$\{AWS::AccountId\}/g, '123456789012')
      .replace(/\$\{AWS::(Region|Partition)\}/g, (_, k) => (k === 'Region' ? 'ap-northeast-1' : 'aws')),
  );
  const m = mockAll();
  const widgetRequests: Record<string, unknown>[] = [];
  m.cw.on(GetMetricDataCommand).callsFake((input) => ({
    MetricDataResults: (input.MetricDataQueries ?? []).map((q: MetricDataQuery) =>
      answer(q, input.StartTime.getTime(), input.EndTime.getTime()),
    ),
  }));
  m.cw
    .on(GetDashboardCommand)
    .callsFake((input) =>
      input.DashboardName === cfg.dashboard
        ? { DashboardBody: JSON.stringify(dashboardBody) }
        : Promise.reject(new Error('ResourceNotFound')),
    );
  m.cw.on(GetMetricWidgetImageCommand).callsFake((input) => {
    const w = JSON.parse(input.MetricWidget);
    widgetRequests.push(w);
    return {
      MetricWidgetImage: chartPng(
        [3, 5, 4, 8, 6, 9, 7, 12, 10, 11, 9, 14].map((v, i) => v + ((widgetRequests.length * i) % 5)),
      ),
    };
  });
  m.cw.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [
      {
        AlarmName: `${P}-bounce-rate-p3`,
        AlarmActions: [`arn:aws:sns:ap-northeast-1:123456789012:${P}-alarms-p3`],
        StateValue: 'OK',
      },
      {
        AlarmName: `${P}-complaint-rate-p3`,
        AlarmActions: [`arn:aws:sns:ap-northeast-1:123456789012:${P}-alarms-p3`],
        StateValue: 'OK',
      },
      {
        AlarmName: `${P}-ses-send-failure-p2`,
        AlarmActions: [`arn:aws:sns:ap-northeast-1:123456789012:${P}-alarms-p2`],
        StateValue: 'OK',
      },
    ],
    CompositeAlarms: [
      {
        AlarmName: `${P}-ses-critical`,
        AlarmActions: [`arn:aws:sns:ap-northeast-1:123456789012:${P}-alarms-p1`],
        StateValue: 'ALARM',
      },
    ],
  });
  m.cw.on(DescribeAlarmHistoryCommand).callsFake((input) => ({
    AlarmHistoryItems: HISTORY.filter((h) => h.Timestamp >= input.StartDate && h.Timestamp <= input.EndDate),
  }));
  let queries = 0;
  const started = new Map<string, { query: string; start: number; end: number }>();
  m.logs.on(StartQueryCommand).callsFake((input) => {
    // Logs Insights refuses a field name with ':' or '-' outside backticks (MalformedQueryException).
    const bare = (input.queryString as string)
      .replace(/`[^`]*`/g, '')
      .replace(/"[^"]*"/g, '')
      .match(/\bdetail\.[\w.]*[:-][\w.:-]*/);
    if (bare)
      throw Object.assign(new Error(`unexpected symbol found ${bare[0]}`), {
        name: 'MalformedQueryException',
      });
    const id = `q${++queries}`;
    started.set(id, {
      query: input.queryString,
      start: input.startTime * 1000,
      end: input.endTime * 1000 + 1000,
    });
    return { queryId: id };
  });
  m.logs.on(GetQueryResultsCommand).callsFake((input) => ({
    status: 'Complete',
    results: insightsRows(started.get(input.queryId) ?? { query: '', start: 0, end: 0 }).map((row) =>
      Object.entries(row).map(([field, value]) => ({ field, value })),
    ),
  }));
  m.logs.on(DescribeLogGroupsCommand).callsFake((input) => {
    const name = input.logGroupNamePrefix as string;
    const masked = name === cfg.logGroups.sesEvents || name === cfg.logGroups.application;
    return {
      logGroups: [
        {
          logGroupName: name,
          retentionInDays: name.endsWith('-ses-events') ? 30 : 2557,
          dataProtectionStatus: masked ? 'ACTIVATED' : undefined,
        },
      ],
    };
  });
  m.s3.on(ListObjectsV2Command).resolves({
    Contents: [
      { Key: 'drift-reports/production/2026-11-30/2026-11-30T00-00-00-000Z.json' },
      { Key: 'drift-reports/production/2026-11-30/2026-11-30T00-00-00-000Z.md' },
      { Key: 'drift-reports/production/2026-11-23/2026-11-23T00-00-00-000Z.json' },
    ],
  });
  m.s3.on(GetObjectCommand).callsFake((input) => ({
    Body: {
      transformToString: async () =>
        JSON.stringify({
          startedAt: input.Key.includes('11-30') ? '2026-11-30T00:00:00.000Z' : '2026-11-23T00:00:00.000Z',
          stacks: [
            { name: 'base', outcome: 'IN_SYNC' },
            { name: 'security', outcome: 'DRIFTED' },
          ],
        }),
    },
  }));
  m.ddb.on(GetItemCommand).callsFake((input) =>
    input.Key.pk.S === 'state#goo.ne.jp'
      ? {
          Item: {
            pk: { S: 'state#goo.ne.jp' },
            state: {
              S: JSON.stringify({
                domain: 'goo.ne.jp',
                stage: 'IDLE',
                current: {
                  selector: 'goo-202611',
                  createdAt: '2026-11-10T01:00:00Z',
                  privateKeyCiphertext: 'AQID',
                  publicKey: 'MIIB',
                },
                lastRotationCompletedAt: '2026-11-12T03:00:00Z',
                nextRotationAt: '2027-11-10T01:00:00Z',
                completedRotations: 2,
              }),
            },
          },
        }
      : {},
  );
  m.ct.on(GetTrailCommand).resolves({ Trail: { Name: cfg.trailName, LogFileValidationEnabled: true } });
  m.ct.on(GetTrailStatusCommand).resolves({ IsLogging: true });
  m.ct.on(LookupEventsCommand).callsFake((input) => {
    const attr = input.LookupAttributes[0];
    const ev = (
      name: string,
      source: string,
      time: string,
      user: string,
      resource: string,
      identity = 'IAMUser',
    ) => ({
      EventName: name,
      EventSource: source,
      EventTime: at(time),
      Username: user,
      Resources: resource ? [{ ResourceName: resource }] : [],
      CloudTrailEvent: JSON.stringify({
        readOnly: false,
        awsRegion: 'us-east-1',
        userIdentity: { type: identity },
      }),
    });
    if (attr.AttributeValue === 'iam.amazonaws.com')
      return {
        Events: [
          ev('PutRolePolicy', 'iam.amazonaws.com', '2026-11-12T05:00:00Z', 'alice', `${P}-admin`),
          ev('CreateUser', 'iam.amazonaws.com', '2026-11-13T05:00:00Z', 'carol', 'unrelated-user'),
        ],
      };
    if (attr.AttributeValue === 'ConsoleLogin')
      return {
        Events: [ev('ConsoleLogin', 'signin.amazonaws.com', '2026-11-20T01:00:00Z', 'root', '', 'Root')],
      };
    const logsRead = (
      name: string,
      time: string,
      arn: string,
      params: Record<string, unknown>,
      errorCode?: string,
    ) => ({
      EventName: name,
      EventSource: 'logs.amazonaws.com',
      EventTime: at(time),
      CloudTrailEvent: JSON.stringify({
        eventTime: time,
        eventName: name,
        eventSource: 'logs.amazonaws.com',
        readOnly: true,
        userIdentity: { type: 'AssumedRole', arn },
        requestParameters: params,
        ...(errorCode ? { errorCode } : {}),
      }),
    });
    if (attr.AttributeValue === 'StartQuery')
      return {
        Events: [
          logsRead(
            'StartQuery',
            '2026-12-01T02:30:00Z',
            `arn:aws:sts::123456789012:assumed-role/${P}-admin/alice`,
            {
              logGroupNames: ['/aws/ses/events'],
              queryString: 'fields unmask(@message) | filter @message like "taro@example.com"',
            },
          ),
          logsRead(
            'StartQuery',
            '2026-12-01T03:00:00Z',
            `arn:aws:sts::123456789012:assumed-role/${P}-admin/alice`,
            {
              logGroupNames: ['/aws/ses/events'],
              queryString: 'fields @message | limit 5',
            },
          ),
        ],
      };
    if (attr.AttributeValue === 'GetLogEvents')
      return {
        Events: [
          logsRead(
            'GetLogEvents',
            '2026-12-01T05:00:00Z',
            `arn:aws:sts::123456789012:assumed-role/${P}-monitoring-readonly/bob`,
            { logGroupName: '/aws/ses/events', unmask: true },
            'AccessDenied',
          ),
        ],
      };
    if (attr.AttributeValue === 'PutKeyPolicy')
      return {
        Events: [
          ev(
            'PutKeyPolicy',
            'kms.amazonaws.com',
            '2026-11-15T02:00:00Z',
            'bob',
            'arn:aws:kms:ap-northeast-1:123456789012:key/1234',
          ),
        ],
      };
    return { Events: [] };
  });
  m.ce.on(GetCostAndUsageCommand).resolves({
    ResultsByTime: [
      cost('2026-10-01', [
        ['ses-migration', 'AmazonCloudWatch', 120.5],
        ['ses-migration', 'AWS Lambda', 3.2],
        ['ses-migration', 'Amazon Simple Storage Service', 10],
        ['', 'Amazon Simple Email Service', 45],
      ]),
      cost('2026-11-01', [
        ['ses-migration', 'AmazonCloudWatch', 131.25],
        ['ses-migration', 'AWS Lambda', 3.6],
        ['ses-migration', 'Amazon Simple Storage Service', 12],
        ['', 'Amazon Simple Email Service', 48.15],
      ]),
    ],
  });
  const region = { region: 'ap-northeast-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
  const sources = awsSources(
    cfg,
    {
      cloudwatch: new CloudWatchClient(region),
      logs: new CloudWatchLogsClient(region),
      s3: new S3Client(region),
      dynamodb: new DynamoDBClient(region),
      cloudtrail: new CloudTrailClient(region),
      cloudtrailGlobal: new CloudTrailClient({ ...region, region: 'us-east-1' }),
      costExplorer: new CostExplorerClient({ ...region, region: 'us-east-1' }),
    },
    { artifactsBucket: 'ses-migration-production-artifacts-123456789012' },
    async () => {},
  );
  return {
    cfg,
    env,
    sources,
    widgetRequests,
    dashboardBody,
    mocks: m,
    restore: () => {
      for (const x of Object.values(m)) x.restore();
    },
  };
}

/** In-memory sinks: the archive as a map, mail and topic messages as lists. */
export function memorySinks(opts: { sesFails?: boolean } = {}) {
  const objects = new Map<string, string | Uint8Array>();
  const mails: { raw: Uint8Array; from: string; to: readonly string[]; set: string }[] = [];
  const published: { subject: string; message: string }[] = [];
  const sinks: ReportSinks = {
    getObject: async (k) => {
      const v = objects.get(k);
      return v === undefined ? undefined : String(v);
    },
    putObject: async (k, body, _type, onlyIfAbsent) => {
      if (onlyIfAbsent && objects.has(k))
        throw Object.assign(new Error('PreconditionFailed'), { name: 'PreconditionFailed' });
      objects.set(k, body);
    },
    objectLink: (k) => `https://ap-northeast-1.console.aws.amazon.com/s3/object/archive?prefix=${k}`,
    sendRawEmail: async (raw, from, to, set) => {
      if (opts.sesFails)
        throw Object.assign(new Error('Sending paused for this account'), { name: 'SendingPausedException' });
      mails.push({ raw, from, to, set });
      return `msg-${mails.length}`;
    },
    publish: async (subject, message) => {
      published.push({ subject, message });
    },
  };
  return { sinks, objects, mails, published };
}
