import { describe, expect, it } from 'vitest';
import { alarmSpans, change, pct, rates, risingRun, tierOf } from '../../../lib/reports/figures.js';

const tiers = {
  P1: { threshold: 5, evaluationPeriods: 2 },
  P2: { threshold: 2, evaluationPeriods: 3 },
  P3: { threshold: 1, evaluationPeriods: 5 },
};
const success = {
  P1: { threshold: 95, evaluationPeriods: 1 },
  P2: { threshold: 98, evaluationPeriods: 2 },
  P3: { threshold: 99, evaluationPeriods: 3 },
};

describe('report figures', () => {
  it('rates are 100 × part / Send, undefined without sends', () => {
    expect(
      rates({ Send: 12000, Delivery: 11850, Bounce: 96, Complaint: 3, Reject: 4, RenderingFailure: 0 }),
    ).toEqual({
      bounceRate: 0.8,
      complaintRate: 0.025,
      sendSuccessRate: 98.75,
    });
    expect(pct(1, 0)).toBeUndefined();
  });

  it('a rate is placed in the most severe tier it passes (above, or below for the success rate)', () => {
    expect(tierOf(0.8, tiers)).toBeUndefined();
    expect(tierOf(1.4, tiers)).toBe('P3');
    expect(tierOf(2.5, tiers)).toBe('P2');
    expect(tierOf(5.01, tiers)).toBe('P1');
    expect(tierOf(98.75, success, true)).toBe('P3');
    expect(tierOf(94, success, true)).toBe('P1');
    expect(tierOf(undefined, tiers)).toBeUndefined();
  });

  it('alarm spans: carried over from before the period, closed inside, still open at the end', () => {
    const start = new Date('2026-12-01T00:00:00Z');
    const end = new Date('2026-12-02T00:00:00Z');
    const spans = alarmSpans(
      [
        { alarm: 'a', at: new Date('2026-12-01T01:30:00Z'), from: 'ALARM', to: 'OK' },
        { alarm: 'b', at: new Date('2026-12-01T10:00:00Z'), from: 'OK', to: 'ALARM' },
        { alarm: 'b', at: new Date('2026-12-01T10:45:00Z'), from: 'ALARM', to: 'OK' },
        { alarm: 'c', at: new Date('2026-12-01T23:00:00Z'), from: 'OK', to: 'ALARM' },
        { alarm: 'c', at: new Date('2026-12-02T00:10:00Z'), from: 'ALARM', to: 'OK' },
      ],
      [
        { name: 'a', severity: 'P2', state: 'OK' },
        { name: 'b', severity: 'P3', state: 'OK' },
        { name: 'c', severity: 'P1', state: 'ALARM' },
      ],
      { start, end },
    );
    expect(spans.map((s) => [s.alarm, s.severity, s.minutes, s.carriedOver, s.end === undefined])).toEqual([
      ['c', 'P1', 60, false, true],
      ['a', 'P2', 90, true, false],
      ['b', 'P3', 45, false, false],
    ]);
  });

  it('a rising run needs strictly rising values and no gap', () => {
    expect(risingRun([0.6, 0.8, 1.0, 1.2, 1.4], 3)).toBe(true);
    expect(risingRun([1.0, 1.2, 1.2], 3)).toBe(false);
    expect(risingRun([1.0, undefined, 1.4], 3)).toBe(false);
    expect(risingRun([1.0, 1.2], 3)).toBe(false);
  });

  it('change is relative to the earlier value', () => {
    expect(change(146.85, 133.7)).toBe('+9.8%');
    expect(change(360000, 372000)).toBe('-3.2%');
    expect(change(1, 0)).toBe('—');
  });
});
