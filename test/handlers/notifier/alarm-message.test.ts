import { describe, expect, it } from 'vitest';
import { parseAlarmMessage, parseDatapoints } from '../../../handlers/notifier/alarm-message.js';
import { AlarmMessageError } from '../../../handlers/notifier/errors.js';
import { formatJst, parseAlarmTimestamp } from '../../../handlers/notifier/jst.js';
import { alarmMessage } from './factories.js';

describe('parseAlarmMessage', () => {
  it('reads a metric alarm: states, time, region, trigger and the datapoint from the reason', () => {
    const alarm = parseAlarmMessage(alarmMessage('metric-alarm-alarm'));
    expect(alarm).toMatchObject({
      name: 'ses-migration-production-ses-send-failure',
      newState: 'ALARM',
      oldState: 'OK',
      region: 'ap-northeast-1',
      regionName: 'Asia Pacific (Tokyo)',
      composite: undefined,
    });
    expect(alarm.changedAt?.toISOString()).toBe('2026-11-29T05:05:12.345Z');
    expect(alarm.trigger).toMatchObject({
      comparisonOperator: 'LessThanThreshold',
      threshold: 95,
      period: 300,
      series: {
        kind: 'metric',
        metricName: 'SendSuccessRate',
        namespace: 'ses-migration/production/Monitoring',
      },
    });
    expect(alarm.datapoints).toEqual([{ value: 91.66666666666667, at: new Date('2026-11-29T05:00:00Z') }]);
  });

  it('reads a metric-math alarm: the returned expression and its inputs', () => {
    const alarm = parseAlarmMessage(alarmMessage('metric-math-alarm'));
    expect(alarm.trigger?.series).toEqual({
      kind: 'math',
      expression: 'IF(send > 0, 100 * bounce / send, 0)',
      label: 'BounceRate',
      inputs: [
        { id: 'bounce', namespace: 'AWS/SES', metricName: 'Bounce' },
        { id: 'send', namespace: 'AWS/SES', metricName: 'Send' },
      ],
    });
    expect(alarm.datapoints.map((d) => d.value)).toEqual([6.25, 5.5]);
  });

  it('reads a composite alarm: rule and triggering children, no trigger', () => {
    const alarm = parseAlarmMessage(alarmMessage('composite-alarm'));
    expect(alarm.trigger).toBeUndefined();
    expect(alarm.composite?.rule).toContain('ALARM("ses-migration-production-bounce-rate-alarm")');
    expect(alarm.composite?.triggeringChildren).toEqual([
      {
        arn: 'arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:ses-migration-production-bounce-rate-alarm',
        name: 'ses-migration-production-bounce-rate-alarm',
        state: 'ALARM',
        at: new Date('2026-11-29T05:05:40.120Z'),
      },
    ]);
  });

  it("reads an INSUFFICIENT_DATA change without datapoints, and dimensions in CloudWatch's lower-case form", () => {
    const alarm = parseAlarmMessage(alarmMessage('insufficient-data'));
    expect(alarm.newState).toBe('INSUFFICIENT_DATA');
    expect(alarm.datapoints).toEqual([]);
    expect(alarm.trigger?.series).toMatchObject({ dimensions: [{ name: 'Domain', value: 'example.co.jp' }] });
  });

  it.each([
    ['text that is not JSON', 'hello', /not JSON/],
    ['a JSON array', '[1]', /not an object/],
    ['JSON without an alarm name', '{"NewStateValue":"ALARM"}', /AlarmName/],
    ['an unknown state', '{"AlarmName":"a","NewStateValue":"BROKEN"}', /OK, ALARM, INSUFFICIENT_DATA/],
  ])('rejects %s', (_, message, error) => {
    expect(() => parseAlarmMessage(message)).toThrow(AlarmMessageError);
    expect(() => parseAlarmMessage(message)).toThrow(error);
  });
});

describe('parseDatapoints', () => {
  it('reads the values and UTC times of the "most recent datapoints" form', () => {
    const reason =
      'Threshold Crossed: 2 out of the last 3 datapoints were greater than the threshold (5.0). The most recent ' +
      'datapoints which crossed the threshold: [7.0 (01/12/26 23:55:00), 1.5E-4 (01/12/26 23:50:00)]';
    expect(parseDatapoints(reason)).toEqual([
      { value: 7, at: new Date('2026-12-01T23:55:00Z') },
      { value: 0.00015, at: new Date('2026-12-01T23:50:00Z') },
    ]);
  });
});

describe('JST', () => {
  it('formats in Japan time', () => {
    expect(formatJst(new Date('2026-11-29T05:05:12.345Z'))).toBe('2026-11-29 14:05:12 JST');
    expect(formatJst(new Date('2026-12-31T15:00:00Z'))).toBe('2027-01-01 00:00:00 JST');
  });

  it('reads CloudWatch timestamps with a +0000 offset', () => {
    expect(parseAlarmTimestamp('2026-11-29T05:05:12.345+0000')?.toISOString()).toBe(
      '2026-11-29T05:05:12.345Z',
    );
    expect(parseAlarmTimestamp('not a time')).toBeUndefined();
  });
});
