/** Per-domain rates without a metric per domain: query, parsing, guard, worst-domain choice (issue #14, item 4). */
import { describe, expect, it } from 'vitest';
import {
  DOMAIN_EVENT_TYPES,
  type DomainCounts,
  domainQuery,
  domainWindow,
  failedDomainDocument,
  INSIGHTS_ROW_LIMIT,
  parseDomainRows,
  planDomainOutput,
  type ResultField,
  rateDomains,
  worstDomains,
} from '../../../handlers/metrics/domains.js';
import { MetricsQueryError } from '../../../handlers/metrics/errors.js';

const row = (domain: string | undefined, eventType: string, events: number | string): ResultField[] => [
  ...(domain === undefined ? [] : [{ field: 'domain', value: domain }]),
  { field: 'eventType', value: eventType },
  { field: 'events', value: String(events) },
];
const rows = (domain: string, send: number, bounce: number, complaint = 0) => [
  row(domain, 'Send', send),
  ...(bounce ? [row(domain, 'Bounce', bounce)] : []),
  ...(complaint ? [row(domain, 'Complaint', complaint)] : []),
];
const d = (domain: string, Send: number, Bounce = 0, Complaint = 0): DomainCounts => ({
  domain,
  Send,
  Bounce,
  Complaint,
});

describe('domainQuery', () => {
  it('counts the three event types by the ses:from-domain tag of the EventBridge envelope', () => {
    expect(domainQuery()).toBe(
      'filter detail.eventType in ["Send", "Bounce", "Complaint"]\n' +
        '| stats count(*) as events by `detail.mail.tags.ses:from-domain.0` as domain, detail.eventType as eventType',
    );
  });
});

describe('domainWindow', () => {
  it('is the 5-minute period that ended at least lag minutes ago (the account-wide tier period)', () => {
    const w = domainWindow(new Date('2026-11-29T05:12:00Z'), 2);
    expect([w.start.toISOString(), w.end.toISOString()]).toEqual([
      '2026-11-29T05:05:00.000Z',
      '2026-11-29T05:10:00.000Z',
    ]);
    // A run a little late (retry) still reads the same period.
    expect(domainWindow(new Date('2026-11-29T05:16:59Z'), 2).start.toISOString()).toBe(
      '2026-11-29T05:05:00.000Z',
    );
  });
});

describe('parseDomainRows', () => {
  it('sums rows per domain (lower case) and keeps events without a From domain apart', () => {
    const parsed = parseDomainRows([
      ...rows('a.example', 100, 6),
      row('A.EXAMPLE', 'Complaint', 1),
      row(undefined, 'Send', 3),
      row('', 'Bounce', 1),
    ]);
    expect(parsed.domains).toEqual([d('a.example', 100, 6, 1)]);
    expect(parsed.unattributed).toEqual({ Send: 3, Bounce: 1, Complaint: 0 });
  });

  it.each([
    [
      'an unknown event type',
      [row('a.example', 'Delivery', 3)],
      /row 0.*eventType one of Send, Bounce, Complaint/,
    ],
    ['a count that is not a whole number', [row('a.example', 'Send', 'x')], /row 0/],
    ['a negative count', [row('a.example', 'Send', -1)], /whole number ≥ 0/],
  ])('fails on %s, naming the row', (_, input, message) => {
    expect(() => parseDomainRows(input)).toThrow(MetricsQueryError);
    expect(() => parseDomainRows(input)).toThrow(message);
  });

  it('fails on a full page of 10,000 rows: the answer may be cut off', () => {
    const full = Array.from({ length: INSIGHTS_ROW_LIMIT }, (_, i) => row(`d${i}.example`, 'Send', 1));
    expect(() => parseDomainRows(full)).toThrow(/10000 rows.*maximum.*cut off.*up to 3332 domains/);
    expect(parseDomainRows(full.slice(1)).domains).toHaveLength(INSIGHTS_ROW_LIMIT - 1);
  });
});

describe('rateDomains: the volume guard', () => {
  it('rates only domains with at least the minimum sends in the window, in percent', () => {
    const rated = rateDomains([d('big.example', 200, 12, 1), d('small.example', 99, 50)], 100);
    expect(rated.map((r) => [r.domain, r.bounceRate, r.complaintRate])).toEqual([['big.example', 6, 0.5]]);
  });

  it('exactly at the minimum counts; nothing sent is never rated even with a guard of 0', () => {
    expect(rateDomains([d('a.example', 100, 1)], 100)).toHaveLength(1);
    expect(rateDomains([d('a.example', 0, 1)], 0)).toEqual([]);
  });

  it('clamps a late bounce surplus to 100 %', () => {
    expect(rateDomains([d('a.example', 10, 14)], 1)[0]?.bounceRate).toBe(100);
  });
});

describe('worstDomains', () => {
  const rated = rateDomains(
    [d('c.example', 100, 6), d('a.example', 300, 18), d('b.example', 300, 18), d('q.example', 1000, 1)],
    100,
  );
  it('orders by rate, then by sends, then by name, and keeps n', () => {
    expect(worstDomains(rated, 'bounceRate').map((r) => r.domain)).toEqual([
      'a.example',
      'b.example',
      'c.example',
      'q.example',
    ]);
    expect(worstDomains(rated, 'bounceRate', 2)).toHaveLength(2);
  });
});

describe('planDomainOutput', () => {
  const window = domainWindow(new Date('2026-11-29T05:12:00Z'), 2);

  it('one domain at 6 % among quiet ones: the worst rates are its, the record names it first', () => {
    const parsed = parseDomainRows([
      ...rows('bad.example', 150, 9),
      ...Array.from({ length: 50 }, (_, i) => rows(`quiet${i}.example`, 150, 1)).flat(),
      ...rows('tiny.example', 20, 10, 5), // 50 % bounces, but below the guard
    ]);
    const { document, record } = planDomainOutput(window, parsed, 100);
    expect(document.dimensions).toEqual({});
    expect(Object.fromEntries(document.metrics.map((m) => [m.name, m.value]))).toEqual({
      RatedDomains: 51,
      DomainQueryFailed: 0,
      WorstDomainBounceRate: 6,
      WorstDomainComplaintRate: 0,
    });
    expect(record.bounce[0]).toEqual({ domain: 'bad.example', rate: 6, sends: 150, events: 9 });
    expect(record.bounce).toHaveLength(10);
    expect(JSON.stringify(record)).not.toContain('tiny.example');
    expect(record).toMatchObject({
      message: 'worst domains',
      windowStart: '2026-11-29T05:05:00.000Z',
      windowEnd: '2026-11-29T05:10:00.000Z',
      minimumSendVolume: 100,
      domainsSeen: 52,
      ratedDomains: 51,
    });
  });

  it('no domain above the guard: no worst-domain value at all (missing, not 0)', () => {
    const { document, record } = planDomainOutput(window, parseDomainRows(rows('tiny.example', 5, 5)), 100);
    expect(document.metrics.map((m) => m.name)).toEqual(['RatedDomains', 'DomainQueryFailed']);
    expect(record.bounce).toEqual([]);
  });

  it('a failed query publishes DomainQueryFailed = 1 and no rate, with the reason', () => {
    const doc = failedDomainDocument(window, 'Logs Insights query q-1 ended Failed');
    expect(doc.metrics).toEqual([{ name: 'DomainQueryFailed', unit: 'Count', value: 1 }]);
    expect(doc.metadata.domainQueryError).toContain('Failed');
  });

  it('covers every event type the query asks for', () => {
    expect(DOMAIN_EVENT_TYPES).toEqual(['Send', 'Bounce', 'Complaint']);
  });
});
