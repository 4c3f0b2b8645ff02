import { describe, expect, it } from 'vitest';
import {
  alarmsFromTemplates,
  evaluateAlarms,
  evaluateNode,
  type MetricAlarmDef,
  MetricMathError,
  MetricStore,
  metricsUsed,
  parseExpression,
  parseRule,
  spans,
  statistic,
} from '../../../lib/alarm-eval/index.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 0, 0);
const slots = [0, 300_000, 600_000, 900_000];
const series = (xs: (number | undefined)[]) =>
  new Map(xs.flatMap((v, i) => (v === undefined ? [] : [[slots[i]!, v] as [number, number]])));
const run = (expr: string, env: Record<string, (number | undefined)[]>) => {
  const v = evaluateNode(
    parseExpression(expr),
    new Map(Object.entries(env).map(([k, xs]) => [k, series(xs)])),
    slots,
  );
  return v instanceof Map ? slots.map((t) => v.get(t)) : v;
};

describe('metric math', () => {
  it('pairs series by timestamp: missing on either side is missing, division by zero is missing', () => {
    expect(run('100 * a / b', { a: [1, 2, undefined, 3], b: [10, 0, 5, undefined] })).toEqual([
      10,
      undefined,
      undefined,
      undefined,
    ]);
  });
  it('evaluates the volume guard of the rate alarms as CloudWatch does', () => {
    const guard = 'IF(FILL(den, 0) >= 100, 100 * FILL(num, 0) / den, 0)';
    expect(run(guard, { num: [6, undefined, 1, 50], den: [100, 150, 10, undefined] })).toEqual([6, 0, 0, 0]);
  });
  it('IF follows the tables of "Using IF expressions" (metric math page)', () => {
    const slots5 = [0, 1, 2, 3, 4].map((i) => i * 300_000);
    const s5 = (xs: (number | undefined)[]) =>
      new Map(xs.flatMap((v, i) => (v === undefined ? [] : [[slots5[i]!, v] as [number, number]])));
    const env = new Map([
      ['metric1', s5([1, 1, 0, 0, undefined])],
      ['metric2', s5([30, undefined, 0, 0, 30])],
      ['metric3', s5([0, 0, 20, undefined, 20])],
    ]);
    const ifs = (expr: string) => {
      const v = evaluateNode(parseExpression(expr), env, slots5) as Map<number, number>;
      return slots5.map((t) => v.get(t));
    };
    expect(ifs('IF(metric1, metric2, metric3)')).toEqual([30, 0, 20, undefined, undefined]);
    expect(ifs('IF(metric1, 5, metric3)')).toEqual([5, 5, 20, undefined, undefined]);
    expect(ifs('IF(metric1, metric2, 5)')).toEqual([30, 0, 5, 5, undefined]);
    expect(ifs('IF(metric1 < 1, metric1)')).toEqual([undefined, undefined, 0, 0, undefined]);
  });
  it('FILL with REPEAT carries the last value (and the first value backwards)', () => {
    expect(run('FILL(a, REPEAT)', { a: [undefined, 2, undefined, 5] })).toEqual([2, 2, 2, 5]);
  });
  it('comparisons, AND / OR / NOT, unary minus, ^, ABS, MAX over an array and over one series', () => {
    expect(run('a > 1 AND b < 5', { a: [2, 2, 0, 3], b: [1, 9, 1, 4] })).toEqual([1, 0, 0, 1]);
    expect(run('NOT (a == 2) || b != 1', { a: [2, 3, 2, 2], b: [1, 1, 2, 1] })).toEqual([0, 1, 1, 0]);
    expect(run('ABS(-a) ^ 2', { a: [1, -2, 3, undefined] })).toEqual([1, 4, 9, undefined]);
    expect(run('MAX([a, b])', { a: [1, undefined, 3, undefined], b: [2, 5, 1, undefined] })).toEqual([
      2,
      5,
      3,
      undefined,
    ]);
    expect(run('MAX(a)', { a: [1, 7, 3, undefined] })).toBe(7);
  });
  it('rejects what it does not model, naming it', () => {
    expect(() => parseExpression('ANOMALY_DETECTION_BAND(m1)')).toThrow(MetricMathError);
    expect(() => parseExpression('ANOMALY_DETECTION_BAND(m1)')).toThrow(/not modelled/);
    expect(() => run('FILL(a, LINEAR)', { a: [1, 2, 3, 4] })).toThrow(/LINEAR/);
  });
});

describe('statistics', () => {
  it('computes Sum, Average, Minimum, Maximum, SampleCount and nearest-rank percentiles', () => {
    const xs = [5, 1, 9, 3];
    expect([statistic('Sum', xs), statistic('Average', xs), statistic('Minimum', xs)]).toEqual([18, 4.5, 1]);
    expect([statistic('Maximum', xs), statistic('SampleCount', xs), statistic('p50', xs)]).toEqual([9, 4, 3]);
    expect(statistic('p90', [...Array(10).keys()])).toBe(8);
    expect(statistic('Sum', [])).toBeUndefined();
  });
});

describe('composite rules', () => {
  it('evaluates ALARM/OK/INSUFFICIENT_DATA, NOT before AND before OR, quoted and bare names, ARNs', () => {
    const r = parseRule(
      'ALARM("a") OR NOT OK(b) AND INSUFFICIENT_DATA(arn:aws:cloudwatch:ap-northeast-1:1:alarm:c)',
    );
    expect(r.children).toEqual(['a', 'b', 'c']);
    const st = (s: Record<string, string>) => (n: string) => s[n] as 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
    expect(r.evaluate(st({ a: 'ALARM', b: 'OK', c: 'OK' }))).toBe(true);
    expect(r.evaluate(st({ a: 'OK', b: 'ALARM', c: 'INSUFFICIENT_DATA' }))).toBe(true);
    expect(r.evaluate(st({ a: 'OK', b: 'ALARM', c: 'OK' }))).toBe(false);
    expect(parseRule('(TRUE AND FALSE) OR FALSE').evaluate(() => 'OK')).toBe(false);
  });
});

const alarmTemplate = {
  Resources: {
    Rate: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: 'rate',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 5,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'Topic' }],
        OKActions: [{ Ref: 'Topic' }],
        Tags: [{ Key: 'Severity', Value: 'P1' }],
        Metrics: [
          {
            Id: 'num',
            ReturnData: false,
            MetricStat: { Metric: { Namespace: 'AWS/SES', MetricName: 'Bounce' }, Period: 300, Stat: 'Sum' },
          },
          {
            Id: 'den',
            ReturnData: false,
            MetricStat: { Metric: { Namespace: 'AWS/SES', MetricName: 'Send' }, Period: 300, Stat: 'Sum' },
          },
          {
            Id: 'rate',
            ReturnData: true,
            Expression: 'IF(FILL(den, 0) >= 100, 100 * FILL(num, 0) / den, 0)',
          },
        ],
      },
    },
    Beat: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: 'beat',
        Namespace: 'ns',
        MetricName: 'Heartbeat',
        Dimensions: [{ Name: 'Account', Value: { 'Fn::Sub': '${AWS::AccountId}' } }],
        Statistic: 'Sum',
        Period: 300,
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        EvaluationPeriods: 3,
        TreatMissingData: 'breaching',
        AlarmActions: ['p2'],
      },
    },
    Critical: {
      Type: 'AWS::CloudWatch::CompositeAlarm',
      Properties: {
        AlarmName: 'critical',
        AlarmRule: 'ALARM("rate") OR ALARM("beat")',
        AlarmActions: ['p1'],
        OKActions: ['p1'],
      },
    },
  },
};

describe('reading alarms from a template', () => {
  const defs = alarmsFromTemplates({ demo: alarmTemplate }, { 'AWS::AccountId': '123456789012' });
  it('reads metric-math, single-metric and composite alarms with severity, actions and resolved dimensions', () => {
    const rate = defs[0] as MetricAlarmDef;
    expect(rate).toMatchObject({
      name: 'rate',
      severity: 'P1',
      period: 300,
      returnId: 'rate',
      datapointsToAlarm: 2,
    });
    expect(rate.actions.alarm).toEqual(['${Topic}']);
    const beat = defs[1] as MetricAlarmDef;
    expect(beat.queries[0]).toMatchObject({
      stat: 'Sum',
      metric: { dimensions: { Account: '123456789012' } },
    });
    expect(beat.treatMissingData).toBe('breaching');
    expect(defs[2]).toMatchObject({ kind: 'composite', rule: 'ALARM("rate") OR ALARM("beat")' });
    expect(metricsUsed(defs)).toHaveLength(3);
  });

  it('produces state timelines: the rate alarm fires on the second breaching period, the composite with it', () => {
    const send = { namespace: 'AWS/SES', name: 'Send', dimensions: {} };
    const bounce = { namespace: 'AWS/SES', name: 'Bounce', dimensions: {} };
    const beat = { namespace: 'ns', name: 'Heartbeat', dimensions: { Account: '123456789012' } };
    const minutes = Array.from({ length: 60 }, (_, i) => T0 + i * MIN);
    const store = new MetricStore([
      { metric: send, samples: minutes.map((t) => ({ t, value: 40 })) },
      // 10 % bounces from minute 30 on.
      { metric: bounce, samples: minutes.filter((t) => t >= T0 + 30 * MIN).map((t) => ({ t, value: 4 })) },
      {
        metric: beat,
        samples: minutes.filter((t) => (t - T0) % (5 * MIN) === 0).map((t) => ({ t, value: 1 })),
      },
    ]);
    const tl = evaluateAlarms(defs, store, { start: T0 + 5 * MIN, end: T0 + 59 * MIN });
    const rate = tl.get('rate')!;
    // Periods are evaluated once complete: [30, 35) and [35, 40) both breach at 40:00.
    expect(rate.transitions.map((t) => [(t.t - T0) / MIN, t.to])).toEqual([
      [5, 'OK'],
      [40, 'ALARM'],
    ]);
    expect(spans(rate)).toEqual([{ start: T0 + 40 * MIN }]);
    expect(tl.get('critical')!.notices.map((n) => [(n.t - T0) / MIN, n.state, n.actions])).toEqual([
      [5, 'OK', ['p1']],
      [40, 'ALARM', ['p1']],
    ]);
    expect(tl.get('beat')!.finalState).toBe('OK');
  });

  it('rejects an alarm it cannot evaluate, naming the resource', () => {
    const bad = structuredClone(alarmTemplate);
    (bad.Resources.Beat.Properties as { ComparisonOperator: string }).ComparisonOperator =
      'LessThanLowerOrGreaterThanUpperThreshold';
    expect(() => alarmsFromTemplates({ demo: bad })).toThrow(/demo\/Beat \(beat\): ComparisonOperator/);
  });
});

describe('onlyAtPeriodEnds', () => {
  it('gives the same timeline as evaluating every minute when the history holds complete periods', () => {
    const defs = alarmsFromTemplates({ demo: alarmTemplate });
    const send = { namespace: 'AWS/SES', name: 'Send', dimensions: {} };
    const bounce = { namespace: 'AWS/SES', name: 'Bounce', dimensions: {} };
    const slotsOf = (n: number) => Array.from({ length: n }, (_, i) => T0 + i * 300_000);
    const store = new MetricStore(
      [],
      [
        { metric: send, stat: 'Sum', period: 300, points: slotsOf(48).map((t) => ({ t, value: 200 })) },
        {
          metric: bounce,
          stat: 'Sum',
          period: 300,
          points: slotsOf(48).map((t, i) => ({ t, value: i % 7 < 3 ? 20 : 1 })),
        },
      ],
    );
    const every = evaluateAlarms(defs, store, { start: T0, end: T0 + 4 * 3_600_000 });
    const ends = evaluateAlarms(defs, store, { start: T0, end: T0 + 4 * 3_600_000, onlyAtPeriodEnds: true });
    for (const name of ['rate', 'beat', 'critical']) {
      expect(ends.get(name)!.transitions, name).toEqual(every.get(name)!.transitions);
    }
    expect(every.get('rate')!.transitions.length).toBeGreaterThan(4);
  });
});
