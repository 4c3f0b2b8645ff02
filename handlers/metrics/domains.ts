/**
 * Per-domain bounce and complaint rates without a metric per domain (issue #14, item 4): pure core. One Logs
 * Insights query per run counts the SES events of one 5-minute window in `/aws/ses/events` by From domain (SES's
 * automatic tag `ses:from-domain`) and event type; each domain with at least `minimumSendVolume` sends in the
 * window (the account-wide tiers' guard, per domain) gets a bounce and a complaint rate; the worst of each is
 * published as ONE account-wide metric (`WorstDomainBounceRate`, `WorstDomainComplaintRate`) that the tier alarms
 * watch, and the worst domains are logged by name so the notification can name them.
 *
 * The window is the 5-minute period of the account-wide tier alarms (aligned to 5 minutes) that ended `lag`
 * minutes before the run, and the datapoints are stamped with its start: the alarm compares the same period as
 * the account-wide tier, only later by the lag and the publishing delay.
 */
import { QUERY_LIMITS } from '../../contracts/limits.js';
import { METRICS, SES_EVENT_FIELDS } from '../../contracts/metrics.js';
import type { MetricDocument, MetricsWindow } from './core.js';
import { MetricsQueryError } from './errors.js';

/** The event types counted (the rates' numerators and denominator). */
export const DOMAIN_EVENT_TYPES = ['Send', 'Bounce', 'Complaint'] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

/** Logs Insights returns at most 10,000 rows (StartQuery `limit`, maximum and what we ask for). */
export const INSIGHTS_ROW_LIMIT = QUERY_LIMITS.insightsMaxRows;

/** Length of the per-domain window: one period of the account-wide tier alarms. */
export const DOMAIN_WINDOW_MINUTES = 5;
/** How many of the worst domains each run logs by name (per rate). */
export const WORST_DOMAINS_LOGGED = 10;
/** The `message` of the structured log record naming the worst domains (the notifier searches for it). */
export const WORST_DOMAINS_MESSAGE = 'worst domains';

/** Field paths of the EventBridge envelope (aws-facts: everything under `detail.`; backticks for `:` and `-`). */
export const FROM_DOMAIN_FIELD = SES_EVENT_FIELDS.fromDomain;

/** The one query of a run: events of the three types counted by From domain and type. */
export function domainQuery(): string {
  const types = DOMAIN_EVENT_TYPES.map((t) => `"${t}"`).join(', ');
  return [
    `filter detail.eventType in [${types}]`,
    `| stats count(*) as events by ${FROM_DOMAIN_FIELD} as domain, detail.eventType as eventType`,
  ].join('\n');
}

/** The 5-minute period that ended `lagMinutes` (or more, to the previous boundary) before `now`. */
export function domainWindow(now: Date, lagMinutes: number): MetricsWindow {
  const bucket = DOMAIN_WINDOW_MINUTES * 60_000;
  const end = Math.floor((now.getTime() - lagMinutes * 60_000) / bucket) * bucket;
  return { start: new Date(end - bucket), end: new Date(end) };
}

export interface ResultField {
  readonly field?: string | undefined;
  readonly value?: string | undefined;
}

export interface DomainCounts {
  readonly domain: string;
  readonly Send: number;
  readonly Bounce: number;
  readonly Complaint: number;
}

export interface ParsedRows {
  readonly domains: readonly DomainCounts[];
  /** Events whose message carried no `ses:from-domain` tag (counted, never silently dropped). */
  readonly unattributed: Readonly<Record<DomainEventType, number>>;
}

const zero = (): Record<DomainEventType, number> => ({ Send: 0, Bounce: 0, Complaint: 0 });

/**
 * The query's rows as counts per domain. A row that is not `domain?, eventType, events` with a known type and a
 * whole count is an error naming the row: a wrong answer must not become a quiet "no domain is bad". A full page
 * of 10,000 rows is an error too: the answer may be cut off.
 */
export function parseDomainRows(rows: readonly (readonly ResultField[])[]): ParsedRows {
  if (rows.length >= INSIGHTS_ROW_LIMIT) {
    throw new MetricsQueryError(
      `the per-domain query returned ${rows.length} rows, Logs Insights' maximum (${INSIGHTS_ROW_LIMIT}): the answer may be cut off, so no domain is rated this run; ` +
        `${DOMAIN_EVENT_TYPES.length} rows per domain allow up to ${Math.floor(INSIGHTS_ROW_LIMIT / DOMAIN_EVENT_TYPES.length) - 1} domains`,
    );
  }
  const byDomain = new Map<string, Record<DomainEventType, number>>();
  const unattributed = zero();
  rows.forEach((row, i) => {
    const get = (name: string) => row.find((f) => f.field === name)?.value;
    const type = get('eventType');
    const events = Number(get('events'));
    if (!DOMAIN_EVENT_TYPES.includes(type as DomainEventType) || !Number.isInteger(events) || events < 0) {
      throw new MetricsQueryError(
        `row ${i} of the per-domain query is ${JSON.stringify(row)}; expected eventType one of ${DOMAIN_EVENT_TYPES.join(', ')} and events a whole number ≥ 0`,
      );
    }
    const domain = get('domain')?.trim().toLowerCase();
    const target = domain ? (byDomain.get(domain) ?? zero()) : unattributed;
    target[type as DomainEventType] += events;
    if (domain) byDomain.set(domain, target);
  });
  return {
    domains: [...byDomain].map(([domain, c]) => ({ domain, ...c })),
    unattributed,
  };
}

export interface DomainRate extends DomainCounts {
  /** Percent, like the account-wide tiers. */
  readonly bounceRate: number;
  readonly complaintRate: number;
}

const pct = (n: number, d: number) => Math.min(100, Math.max(0, (100 * n) / d));

/** Rates of the domains with at least `minimumSendVolume` sends in the window (and at least one). */
export function rateDomains(domains: readonly DomainCounts[], minimumSendVolume: number): DomainRate[] {
  return domains
    .filter((d) => d.Send >= Math.max(1, minimumSendVolume))
    .map((d) => ({ ...d, bounceRate: pct(d.Bounce, d.Send), complaintRate: pct(d.Complaint, d.Send) }));
}

/** The `n` worst rated domains by one rate: highest first, then most sends, then by name (deterministic). */
export function worstDomains(
  rated: readonly DomainRate[],
  by: 'bounceRate' | 'complaintRate',
  n = WORST_DOMAINS_LOGGED,
): DomainRate[] {
  return [...rated]
    .sort((a, b) => b[by] - a[by] || b.Send - a.Send || a.domain.localeCompare(b.domain))
    .slice(0, n);
}

/** A worst domain as the log record names it (what the notifier reads back). */
export interface NamedRate {
  readonly domain: string;
  readonly rate: number;
  readonly sends: number;
  readonly events: number;
}

/** The structured log record of a run: the window, the guard and the worst domains of each rate. */
export interface WorstDomainsRecord {
  readonly message: typeof WORST_DOMAINS_MESSAGE;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly minimumSendVolume: number;
  readonly domainsSeen: number;
  readonly ratedDomains: number;
  readonly unattributed: Readonly<Record<DomainEventType, number>>;
  readonly bounce: readonly NamedRate[];
  readonly complaint: readonly NamedRate[];
}

/** What one successful query publishes: the metric document (stamped with the window start) and the record. */
export function planDomainOutput(
  window: MetricsWindow,
  parsed: ParsedRows,
  minimumSendVolume: number,
): { document: MetricDocument; record: WorstDomainsRecord } {
  const rated = rateDomains(parsed.domains, minimumSendVolume);
  const bounce = worstDomains(rated, 'bounceRate');
  const complaint = worstDomains(rated, 'complaintRate');
  const metrics: MetricDocument['metrics'][number][] = [
    { name: METRICS.ratedDomains.name, unit: METRICS.ratedDomains.unit, value: rated.length },
    { name: METRICS.domainQueryFailed.name, unit: METRICS.domainQueryFailed.unit, value: 0 },
  ];
  // No rated domain, no rate: missing data, as the account-wide tiers have below the volume guard.
  if (bounce[0]) {
    metrics.push({
      name: METRICS.worstDomainBounceRate.name,
      unit: METRICS.worstDomainBounceRate.unit,
      value: bounce[0].bounceRate,
    });
  }
  if (complaint[0]) {
    metrics.push({
      name: METRICS.worstDomainComplaintRate.name,
      unit: METRICS.worstDomainComplaintRate.unit,
      value: complaint[0].complaintRate,
    });
  }
  const named = (list: DomainRate[], by: 'bounceRate' | 'complaintRate'): NamedRate[] =>
    list.map((d) => ({
      domain: d.domain,
      rate: d[by],
      sends: d.Send,
      events: by === 'bounceRate' ? d.Bounce : d.Complaint,
    }));
  return {
    document: {
      dimensions: {},
      metrics,
      metadata: { windowStart: window.start.toISOString(), windowEnd: window.end.toISOString() },
    },
    record: {
      message: WORST_DOMAINS_MESSAGE,
      windowStart: window.start.toISOString(),
      windowEnd: window.end.toISOString(),
      minimumSendVolume,
      domainsSeen: parsed.domains.length,
      ratedDomains: rated.length,
      unattributed: parsed.unattributed,
      bounce: named(bounce, 'bounceRate'),
      complaint: named(complaint, 'complaintRate'),
    },
  };
}

/** What a failed query publishes: no worst-domain value, `DomainQueryFailed` = 1 (its alarm pages P2). */
export function failedDomainDocument(window: MetricsWindow, reason: string): MetricDocument {
  return {
    dimensions: {},
    metrics: [{ name: METRICS.domainQueryFailed.name, unit: METRICS.domainQueryFailed.unit, value: 1 }],
    metadata: {
      windowStart: window.start.toISOString(),
      windowEnd: window.end.toISOString(),
      domainQueryError: reason.slice(0, 1000),
    },
  };
}
