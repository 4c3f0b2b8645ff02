import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chunkQueries,
  computeRates,
  metricsWindow,
  planDocuments,
  planQueries,
  type SesCounts,
  sumCounts,
} from '../../../handlers/metrics/core.js';
import { MetricsQueryError } from '../../../handlers/metrics/errors.js';

const counts = (over: Partial<SesCounts> = {}): SesCounts => ({
  Send: 0,
  Delivery: 0,
  Bounce: 0,
  Complaint: 0,
  Reject: 0,
  ...over,
});

describe('metricsWindow', () => {
  it('ends lag minutes before now, rounded down to a 5-minute boundary, and spans the window', () => {
    const w = metricsWindow(new Date('2026-11-29T05:07:31Z'), { lagMinutes: 10, windowMinutes: 15 });
    expect(w.end.toISOString()).toBe('2026-11-29T04:55:00.000Z');
    expect(w.start.toISOString()).toBe('2026-11-29T04:40:00.000Z');
  });

  it('keeps an already aligned time', () => {
    const w = metricsWindow(new Date('2026-11-29T05:10:00Z'), { lagMinutes: 10, windowMinutes: 5 });
    expect(w.end.toISOString()).toBe('2026-11-29T05:00:00.000Z');
    expect(w.start.toISOString()).toBe('2026-11-29T04:55:00.000Z');
  });

  it('always ends on a 5-minute boundary at least lag minutes in the past', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }),
        fc.integer({ min: 0, max: 12 }),
        (ms, lagSteps) => {
          const lag = lagSteps * 5;
          const w = metricsWindow(new Date(ms), { lagMinutes: lag, windowMinutes: 15 });
          expect(w.end.getTime() % 300_000).toBe(0);
          expect(ms - w.end.getTime()).toBeGreaterThanOrEqual(lag * 60_000);
          expect(ms - w.end.getTime()).toBeLessThan(lag * 60_000 + 300_000);
          expect(w.end.getTime() - w.start.getTime()).toBe(15 * 60_000);
        },
      ),
    );
  });
});

describe('planQueries', () => {
  it('asks for the five counters account-wide with no dimensions (no per-domain series)', () => {
    const planned = planQueries();
    expect(planned.map((p) => p.metric)).toEqual(['Send', 'Delivery', 'Bounce', 'Complaint', 'Reject']);
    for (const p of planned) {
      expect(p.query.MetricStat).toMatchObject({
        Period: 300,
        Stat: 'Sum',
        Metric: { Namespace: 'AWS/SES', Dimensions: [] },
      });
    }
  });

  it('uses ids GetMetricData accepts, each unique, in one request', () => {
    const planned = planQueries();
    const ids = planned.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
    expect(chunkQueries(planned)).toHaveLength(1);
  });

  it('would split more than 500 queries into several requests', () => {
    const many = Array.from({ length: 121 }, () => planQueries()).flat();
    expect(chunkQueries(many).map((c) => c.length)).toEqual([500, 105]);
  });
});

describe('sumCounts', () => {
  it('sums the buckets of each series, possibly split over pages, and counts a silent series as 0', () => {
    const summed = sumCounts(planQueries(), [
      { Id: 'send', Values: [100, 50] },
      { Id: 'send', Values: [25] },
      { Id: 'delivery', Values: [170] },
      { Id: 'bounce', Values: [] },
    ]);
    expect(summed).toEqual(counts({ Send: 175, Delivery: 170 }));
  });

  it('fails on a result it did not ask for', () => {
    expect(() => sumCounts(planQueries(), [{ Id: 'send_7', Values: [1] }])).toThrow(MetricsQueryError);
  });
});

describe('computeRates', () => {
  it('computes the rates from Delivery, Bounce and Complaint over Send', () => {
    expect(computeRates(counts({ Send: 200, Delivery: 190, Bounce: 6, Complaint: 1, Reject: 4 }))).toEqual({
      SendSuccessRate: 95,
      BounceRate: 3,
      ComplaintRate: 0.5,
    });
  });

  it('does not count a complaint as a failed send (seed 2.1.3 subtracted it)', () => {
    const rates = computeRates(counts({ Send: 100, Delivery: 100, Complaint: 5 }));
    expect(rates.SendSuccessRate).toBe(100);
    expect(rates.ComplaintRate).toBe(5);
  });

  it('publishes no rate when nothing was sent', () => {
    expect(computeRates(counts({ Delivery: 3, Bounce: 1 }))).toEqual({});
  });

  it('clamps late deliveries to 100 %', () => {
    expect(computeRates(counts({ Send: 10, Delivery: 14 })).SendSuccessRate).toBe(100);
  });

  it('gives finite percentages in [0, 100] for any counts', () => {
    const n = fc.nat({ max: 10_000_000 });
    fc.assert(
      fc.property(n, n, n, n, (Send, Delivery, Bounce, Complaint) => {
        const rates = computeRates(counts({ Send, Delivery, Bounce, Complaint }));
        const values = Object.values(rates);
        expect(values).toHaveLength(Send > 0 ? 3 : 0);
        for (const v of values) {
          expect(Number.isFinite(v)).toBe(true);
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(100);
        }
      }),
    );
  });
});

describe('planDocuments', () => {
  const window = { start: new Date('2026-11-29T04:40:00Z'), end: new Date('2026-11-29T04:55:00Z') };

  it('publishes heartbeat, volume and rates account-wide with no dimensions, nothing per domain', () => {
    const docs = planDocuments(window, counts({ Send: 4, Delivery: 4 }));
    expect(docs).toHaveLength(1);
    expect(docs[0]?.dimensions).toEqual({});
    expect(docs[0]?.metrics.map((m) => [m.name, m.value])).toEqual([
      ['MetricsHeartbeat', 1],
      ['SendVolume', 4],
      ['SendSuccessRate', 100],
      ['BounceRate', 0],
      ['ComplaintRate', 0],
    ]);
    expect(docs[0]?.metadata).toMatchObject({
      windowStart: '2026-11-29T04:40:00.000Z',
      windowEnd: '2026-11-29T04:55:00.000Z',
    });
  });

  it('publishes only heartbeat and a zero volume when nothing was sent', () => {
    const docs = planDocuments(window, counts());
    expect(docs[0]?.metrics.map((m) => m.name)).toEqual(['MetricsHeartbeat', 'SendVolume']);
  });
});
