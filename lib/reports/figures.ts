/**
 * Pure arithmetic of the reports: rates, tiers, alarm durations, period buckets and the improvement rules.
 * Every figure a report prints is computed here, so tests check it against hand-computed values.
 */
import type { AlarmInfo, AlarmTransition, MetricSeries } from './ports.js';
import type { Period, Severity, Tiers } from './types.js';

export const COUNTERS = ['Send', 'Delivery', 'Bounce', 'Complaint', 'Reject', 'RenderingFailure'] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counts = Record<Counter, number> & { DeliveryDelay?: number };

export const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Percentage `100 × part / whole`, undefined when nothing was sent. */
export function pct(part: number, whole: number): number | undefined {
  return whole > 0 ? (100 * part) / whole : undefined;
}

export interface Rates {
  readonly bounceRate?: number;
  readonly complaintRate?: number;
  readonly sendSuccessRate?: number;
}

export function rates(c: Counts): Rates {
  return {
    bounceRate: pct(c.Bounce, c.Send),
    complaintRate: pct(c.Complaint, c.Send),
    sendSuccessRate: pct(c.Delivery, c.Send),
  };
}

/**
 * The most severe tier a rate is beyond: above for bounce/complaint, below for success. The alarms evaluate
 * 5-minute windows; a period's average beyond a tier means the tier was reached at least on average.
 */
export function tierOf(value: number | undefined, tiers: Tiers, below = false): Severity | undefined {
  if (value === undefined) return undefined;
  for (const s of ['P1', 'P2', 'P3'] as const) {
    const t = tiers[s].threshold;
    if (below ? value < t : value > t) return s;
  }
  return undefined;
}

/** Sums every series value whose timestamp falls in [start, end). */
export function sumIn(series: MetricSeries | undefined, start: Date, end: Date): number {
  if (!series) return 0;
  let total = 0;
  series.timestamps.forEach((t, i) => {
    if (t.getTime() >= start.getTime() && t.getTime() < end.getTime()) total += series.values[i] ?? 0;
  });
  return total;
}

/** Counts per period from daily series keyed `<prefix><Counter>`. */
export function countsIn(byId: Map<string, MetricSeries>, prefix: string, start: Date, end: Date): Counts {
  const c = Object.fromEntries(
    COUNTERS.map((k) => [k, sumIn(byId.get(`${prefix}${k}`), start, end)]),
  ) as Counts;
  const delay = byId.get(`${prefix}DeliveryDelay`);
  if (delay) c.DeliveryDelay = sumIn(delay, start, end);
  return c;
}

export interface AlarmSpan {
  readonly alarm: string;
  readonly severity: Severity | undefined;
  readonly start: Date;
  /** Undefined: still in ALARM at the end of the period. */
  readonly end: Date | undefined;
  readonly minutes: number;
  /** The alarm was already in ALARM when the period began. */
  readonly carriedOver: boolean;
}

/**
 * ALARM spans inside the period from the state transitions: an alarm whose first transition in the period
 * leaves ALARM was in ALARM since the period began; one still in ALARM at the end is open.
 */
export function alarmSpans(
  transitions: readonly AlarmTransition[],
  alarms: readonly AlarmInfo[],
  period: Pick<Period, 'start' | 'end'>,
): AlarmSpan[] {
  const severity = new Map(alarms.map((a) => [a.name, a.severity]));
  const byAlarm = new Map<string, AlarmTransition[]>();
  for (const t of transitions) {
    if (t.at < period.start || t.at >= period.end) continue;
    byAlarm.set(t.alarm, [...(byAlarm.get(t.alarm) ?? []), t]);
  }
  const spans: AlarmSpan[] = [];
  for (const [name, list] of byAlarm) {
    list.sort((a, b) => a.at.getTime() - b.at.getTime());
    let open: { start: Date; carried: boolean } | undefined;
    if (list[0] && list[0].from === 'ALARM') open = { start: period.start, carried: true };
    for (const t of list) {
      if (t.to === 'ALARM' && !open) open = { start: t.at, carried: false };
      else if (t.to !== 'ALARM' && open) {
        spans.push(span(name, severity.get(name), open.start, t.at, open.carried));
        open = undefined;
      }
    }
    if (open) spans.push(span(name, severity.get(name), open.start, undefined, open.carried, period.end));
  }
  const rank = (s: Severity | undefined) => (s ? Number(s[1]) : 9);
  return spans.sort((a, b) => rank(a.severity) - rank(b.severity) || a.start.getTime() - b.start.getTime());
}

function span(
  alarm: string,
  severity: Severity | undefined,
  start: Date,
  end: Date | undefined,
  carriedOver: boolean,
  periodEnd?: Date,
): AlarmSpan {
  const until = end ?? periodEnd!;
  return {
    alarm,
    severity,
    start,
    end,
    carriedOver,
    minutes: Math.round((until.getTime() - start.getTime()) / 60_000),
  };
}

/** Number of transitions into ALARM per alarm (flapping). */
export function alarmEntries(
  transitions: readonly AlarmTransition[],
  start: Date,
  end: Date,
): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of transitions) {
    if (t.to === 'ALARM' && t.at >= start && t.at < end) m.set(t.alarm, (m.get(t.alarm) ?? 0) + 1);
  }
  return m;
}

/** `3時間25分` */
export function duration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h}時間${m}分` : `${m}分`;
}

export const fmtInt = (n: number | undefined) =>
  n === undefined ? '—' : Math.round(n).toLocaleString('en-US');
export const fmtPct = (n: number | undefined, digits = 2) =>
  n === undefined ? '—' : `${n.toFixed(digits)}%`;
export const fmtNum = (n: number | undefined, digits = 0) => (n === undefined ? '—' : n.toFixed(digits));

/** Change between two values as `+12.5%` (relative), or `—`. */
export function change(now: number | undefined, before: number | undefined): string {
  if (now === undefined || before === undefined || before === 0) return '—';
  const r = (100 * (now - before)) / before;
  return `${r >= 0 ? '+' : ''}${r.toFixed(1)}%`;
}

/** Strictly rising over the last `n` values (each with enough volume to mean something). */
export function risingRun(values: readonly (number | undefined)[], n: number): boolean {
  if (values.length < n) return false;
  const tail = values.slice(-n);
  if (tail.some((v) => v === undefined)) return false;
  return tail.every((v, i) => i === 0 || (v as number) > (tail[i - 1] as number));
}
