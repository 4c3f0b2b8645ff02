/** The notification of a worst-domain alarm names the domains over the threshold (issue #14, item 4). */
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAlarmMessage } from '../../../handlers/notifier/alarm-message.js';
import { lookUpWorstDomains, type NotifierDeps } from '../../../handlers/notifier/service.js';
import {
  domainsOverThreshold,
  parseRecord,
  searchRange,
  type WorstDomainsRecord,
  worstDomainLines,
  worstDomainRate,
} from '../../../handlers/notifier/worst-domains.js';
import { alarmMessage } from './factories.js';

const GROUP = '/aws/lambda/ses-migration-production-custom-metrics';
const alarm = parseAlarmMessage(alarmMessage('worst-domain-alarm'));
const record = (windowStart: string, bounce: [string, number, number, number][]): WorstDomainsRecord => ({
  windowStart,
  bounce: bounce.map(([domain, rate, sends, events]) => ({ domain, rate, sends, events })),
  complaint: [],
});
const RECORDS = [
  record('2026-11-29T05:00:00.000Z', [
    ['bad.example.jp', 6.67, 150, 10],
    ['quiet0.example.jp', 0.67, 150, 1],
  ]),
  record('2026-11-29T05:05:00.000Z', [
    ['bad.example.jp', 6, 150, 9],
    ['also-bad.example.jp', 5.5, 200, 11],
  ]),
];

describe('worst-domain alarms: which domains to name', () => {
  it('knows the rate of a worst-domain alarm and nothing else', () => {
    expect(worstDomainRate(alarm)).toBe('bounce');
    expect(worstDomainRate(parseAlarmMessage(alarmMessage('metric-alarm-alarm')))).toBeUndefined();
  });

  it('searches the evaluation periods (+2) before the change, and the run after it', () => {
    const r = searchRange(alarm, new Date());
    expect(r.start.toISOString()).toBe('2026-11-29T04:44:31.000Z'); // 05:14:31 − 4 × 5 min − 10 min
    expect(r.end.toISOString()).toBe('2026-11-29T05:15:31.000Z');
  });

  it('names every domain over the threshold, worst first, with how often it was over', () => {
    expect(domainsOverThreshold(RECORDS, 'bounce', 5)).toEqual([
      {
        domain: 'bad.example.jp',
        rate: 6.67,
        sends: 150,
        events: 10,
        windowStart: '2026-11-29T05:00:00.000Z',
        windows: 2,
      },
      {
        domain: 'also-bad.example.jp',
        rate: 5.5,
        sends: 200,
        events: 11,
        windowStart: '2026-11-29T05:05:00.000Z',
        windows: 1,
      },
    ]);
    expect(domainsOverThreshold(RECORDS, 'complaint', 0.1)).toEqual([]);
  });

  it('reads only the metrics function records', () => {
    expect(parseRecord(JSON.stringify({ message: 'worst domains', ...RECORDS[0] }))).toEqual(RECORDS[0]);
    expect(parseRecord('{"message":"SES metrics published"}')).toBeUndefined();
    expect(parseRecord('not json')).toBeUndefined();
  });

  it('the notification block names the domains in Japanese, JST', () => {
    const lines = worstDomainLines(alarm, { ok: true, records: RECORDS }, GROUP);
    expect(lines[0]).toBe('■ 該当ドメイン（バウンス率がしきい値を超えた送信ドメイン）');
    expect(lines[1]).toBe(
      '  bad.example.jp: バウンス率 6.67%（2026-11-29 14:00:00 JST からの5分間、送信 150 件・バウンス 10 件。しきい値超過 2 回）',
    );
    expect(lines[2]).toContain('also-bad.example.jp: バウンス率 5.50%');
  });

  it('says so when nobody is over the threshold or the records cannot be read (never a silent blank)', () => {
    expect(worstDomainLines(alarm, { ok: true, records: [] }, GROUP)[1]).toMatch(
      /記録 0 件に、しきい値 5% を超えたドメインはありませんでした.*custom-metrics-metrics|custom-metrics/,
    );
    expect(worstDomainLines(alarm, { ok: false, reason: 'AccessDeniedException: no' }, GROUP)[1]).toContain(
      'ドメイン名を取得できませんでした（AccessDeniedException: no）',
    );
    expect(
      worstDomainLines(
        parseAlarmMessage(alarmMessage('metric-alarm-alarm')),
        { ok: true, records: [] },
        GROUP,
      ),
    ).toEqual([]);
  });
});

describe('lookUpWorstDomains (FilterLogEvents)', () => {
  const logs = mockClient(CloudWatchLogsClient);
  const warnings: string[] = [];
  const deps = (): NotifierDeps =>
    ({
      logs: new CloudWatchLogsClient({ region: 'ap-northeast-1' }),
      log: { info: () => {}, warn: (m: string) => warnings.push(m), error: () => {} },
    }) as unknown as NotifierDeps;
  beforeEach(() => {
    logs.reset();
    warnings.length = 0;
  });

  it('reads the records of the range with the filter pattern, every page, and skips (and reports) other lines', async () => {
    logs
      .on(FilterLogEventsCommand)
      .resolvesOnce({
        events: [{ message: JSON.stringify({ message: 'worst domains', ...RECORDS[0] }) }],
        nextToken: 'p2',
      })
      .resolvesOnce({
        events: [{ message: JSON.stringify({ message: 'worst domains', ...RECORDS[1] }) }, { message: 'x' }],
      });
    const result = await lookUpWorstDomains(alarm, GROUP, deps());
    expect(result).toEqual({ ok: true, records: RECORDS });
    const first = logs.commandCalls(FilterLogEventsCommand)[0]!.args[0].input;
    expect(first).toMatchObject({
      logGroupName: GROUP,
      filterPattern: '{ $.message = "worst domains" }',
      startTime: Date.parse('2026-11-29T04:44:31Z'),
      endTime: Date.parse('2026-11-29T05:15:31Z'),
    });
    expect(logs.commandCalls(FilterLogEventsCommand)[1]!.args[0].input.nextToken).toBe('p2');
    expect(warnings).toEqual(['worst-domain log events that are not records were skipped']);
  });

  it('a read failure becomes a reason for the message, not a lost notification', async () => {
    logs
      .on(FilterLogEventsCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    expect(await lookUpWorstDomains(alarm, GROUP, deps())).toEqual({
      ok: false,
      reason: 'AccessDeniedException: denied',
    });
  });
});
