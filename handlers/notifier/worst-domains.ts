/**
 * Names the domains behind a worst-domain alarm (issue #14, item 4). The metrics function publishes only the
 * worst rated domain's rate (one metric, whatever the number of domains) and logs, every run, a record
 * `{"message":"worst domains", windowStart, bounce: [{domain, rate, sends, events}], complaint: [...]}`. For an
 * alarm on `WorstDomainBounceRate` / `WorstDomainComplaintRate` the notifier reads the records of the alarm's
 * evaluation periods from the metrics function's log group and names every domain over the alarm's threshold.
 * Pure: the search range, the record parsing, the choice and the Japanese lines. The read is in service.ts.
 */
import { METRICS } from '../../contracts/metrics.js';
import type { AlarmNotice } from './alarm-message.js';
import { formatJst } from './jst.js';

/** The `message` of the metrics function's record (handlers/metrics/domains.ts WORST_DOMAINS_MESSAGE). */
export const WORST_DOMAINS_FILTER = '{ $.message = "worst domains" }';

const RATE_OF: Record<string, 'bounce' | 'complaint'> = {
  [METRICS.worstDomainBounceRate.name]: 'bounce',
  [METRICS.worstDomainComplaintRate.name]: 'complaint',
};

/** Which rate a worst-domain alarm watches, or undefined for any other alarm. */
export function worstDomainRate(alarm: AlarmNotice): 'bounce' | 'complaint' | undefined {
  const series = alarm.trigger?.series;
  return series?.kind === 'metric' ? RATE_OF[series.metricName] : undefined;
}

/**
 * The log time range to search: the alarm's evaluation periods (plus two, the evaluation range) before the state
 * change, and the run that published the last one (logged up to ~8 minutes after its window's start).
 */
export function searchRange(alarm: AlarmNotice, now: Date): { start: Date; end: Date } {
  const at = alarm.changedAt ?? now;
  const period = (alarm.trigger?.period ?? 300) * 1000;
  const periods = (alarm.trigger?.evaluationPeriods ?? 1) + 2;
  return {
    start: new Date(at.getTime() - periods * period - 10 * 60_000),
    end: new Date(at.getTime() + 60_000),
  };
}

interface NamedRate {
  readonly domain: string;
  readonly rate: number;
  readonly sends: number;
  readonly events: number;
}

export interface WorstDomainsRecord {
  readonly windowStart: string;
  readonly bounce: readonly NamedRate[];
  readonly complaint: readonly NamedRate[];
}

const isNamed = (v: unknown): v is NamedRate =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as NamedRate).domain === 'string' &&
  typeof (v as NamedRate).rate === 'number' &&
  typeof (v as NamedRate).sends === 'number';

/** A log event's message as a record, or undefined when it is not one (counted by the caller, not dropped). */
export function parseRecord(message: string): WorstDomainsRecord | undefined {
  try {
    const v = JSON.parse(message) as Record<string, unknown>;
    if (v.message !== 'worst domains' || typeof v.windowStart !== 'string') return undefined;
    const list = (x: unknown) => (Array.isArray(x) && x.every(isNamed) ? (x as NamedRate[]) : undefined);
    const bounce = list(v.bounce);
    const complaint = list(v.complaint);
    if (!bounce || !complaint) return undefined;
    return { windowStart: v.windowStart, bounce, complaint };
  } catch {
    return undefined;
  }
}

export interface DomainOverThreshold {
  readonly domain: string;
  /** Highest rate over the threshold, with that window's sends and events. */
  readonly rate: number;
  readonly sends: number;
  readonly events: number;
  readonly windowStart: string;
  /** In how many of the searched 5-minute windows it was over the threshold. */
  readonly windows: number;
}

/** Every domain over `threshold` in any record, worst first (then by name). */
export function domainsOverThreshold(
  records: readonly WorstDomainsRecord[],
  rate: 'bounce' | 'complaint',
  threshold: number,
): DomainOverThreshold[] {
  const by = new Map<string, DomainOverThreshold>();
  for (const r of records) {
    for (const d of r[rate]) {
      if (!(d.rate > threshold)) continue;
      const seen = by.get(d.domain);
      const windows = (seen?.windows ?? 0) + 1;
      by.set(
        d.domain,
        !seen || d.rate > seen.rate
          ? {
              domain: d.domain,
              rate: d.rate,
              sends: d.sends,
              events: d.events,
              windowStart: r.windowStart,
              windows,
            }
          : { ...seen, windows },
      );
    }
  }
  return [...by.values()].sort((a, b) => b.rate - a.rate || a.domain.localeCompare(b.domain));
}

export type WorstDomainsLookup =
  | { readonly ok: true; readonly records: readonly WorstDomainsRecord[] }
  | { readonly ok: false; readonly reason: string };

const LABEL = { bounce: 'バウンス率', complaint: '苦情率' } as const;
const EVENTS = { bounce: 'バウンス', complaint: '苦情' } as const;

/** The "該当ドメイン" block of a worst-domain alarm's notification. */
export function worstDomainLines(
  alarm: AlarmNotice,
  lookup: WorstDomainsLookup,
  metricsLogGroup: string,
): string[] {
  const rate = worstDomainRate(alarm);
  if (!rate) return [];
  const head = `■ 該当ドメイン（${LABEL[rate]}がしきい値を超えた送信ドメイン）`;
  const where = `custom-metrics 関数のログ ${metricsLogGroup} の "worst domains" レコードで確認してください。`;
  if (!lookup.ok) return [head, `ドメイン名を取得できませんでした（${lookup.reason}）。${where}`, ''];
  const threshold = alarm.trigger?.threshold ?? 0;
  const over = domainsOverThreshold(lookup.records, rate, threshold);
  if (over.length === 0) {
    return [
      head,
      `評価期間の記録 ${lookup.records.length} 件に、しきい値 ${threshold}% を超えたドメインはありませんでした。${where}`,
      '',
    ];
  }
  return [
    head,
    ...over.map(
      (d) =>
        `  ${d.domain}: ${LABEL[rate]} ${d.rate.toFixed(2)}%（${formatJst(new Date(d.windowStart))} からの5分間、送信 ${d.sends} 件・${EVENTS[rate]} ${d.events} 件。しきい値超過 ${d.windows} 回）`,
    ),
    '',
  ];
}
