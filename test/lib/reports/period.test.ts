import { describe, expect, it } from 'vitest';
import {
  lastCompletePeriod,
  periodContaining,
  previousPeriods,
  resolvePeriod,
} from '../../../lib/reports/period.js';

describe('report periods (JST)', () => {
  it('a day runs from JST midnight to JST midnight', () => {
    const p = periodContaining('daily', '2026-12-01');
    expect(p.start.toISOString()).toBe('2026-11-30T15:00:00.000Z');
    expect(p.end.toISOString()).toBe('2026-12-01T15:00:00.000Z');
    expect(p.label).toBe('2026年12月1日 (火)');
    expect(p.key).toBe('2026-12-01');
  });

  it('a week runs Monday to Sunday and is named by its Monday', () => {
    const p = periodContaining('weekly', '2026-12-03');
    expect(p.key).toBe('2026-11-30');
    expect(p.end.toISOString()).toBe('2026-12-06T15:00:00.000Z');
    expect(p.label).toBe('2026年11月30日 (月) 〜 2026年12月6日 (日)');
  });

  it('a month runs over its calendar days, December into January', () => {
    const p = periodContaining('monthly', '2026-12-31');
    expect(p.key).toBe('2026-12-01');
    expect(p.end.toISOString()).toBe('2026-12-31T15:00:00.000Z');
    expect(periodContaining('monthly', '2026-02-10').end.toISOString()).toBe('2026-02-28T15:00:00.000Z');
  });

  it('09:00 JST runs report the last complete day, week (on Monday) and month (on the 1st)', () => {
    expect(lastCompletePeriod('daily', new Date('2026-12-01T00:00:00Z')).key).toBe('2026-11-30');
    expect(lastCompletePeriod('weekly', new Date('2026-12-07T00:00:00Z')).key).toBe('2026-11-30');
    expect(lastCompletePeriod('monthly', new Date('2026-12-01T00:00:00Z')).key).toBe('2026-11-01');
    // 15:00 UTC on 30 November is already midnight of 1 December in Tokyo: 30 November is complete.
    expect(lastCompletePeriod('daily', new Date('2026-11-30T15:00:00Z')).key).toBe('2026-11-30');
  });

  it('previous periods come oldest first', () => {
    expect(previousPeriods(periodContaining('weekly', '2026-11-30'), 4).map((p) => p.key)).toEqual([
      '2026-11-02',
      '2026-11-09',
      '2026-11-16',
      '2026-11-23',
    ]);
  });

  it('refuses a period that is not over and a date that does not exist', () => {
    expect(() => resolvePeriod('daily', '2026-12-07', new Date('2026-12-07T00:00:00Z'))).toThrow(
      /not over yet/,
    );
    expect(() => resolvePeriod('daily', '2026-02-30', new Date('2026-12-07T00:00:00Z'))).toThrow(
      /does not exist/,
    );
    expect(() => resolvePeriod('daily', '2026/12/01', new Date('2026-12-07T00:00:00Z'))).toThrow(
      /YYYY-MM-DD/,
    );
  });
});
