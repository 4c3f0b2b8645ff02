/**
 * Alarm scenarios: a traffic story becomes the raw metric series CloudWatch would hold, and the alarms of the
 * generated templates (prod or dev fixture config) are evaluated over them with lib/alarm-eval.
 *
 * What is modelled, and the delays (minutes after the send):
 * - AWS/SES `Send` at the send minute; `Delivery` +1; `Bounce` +1 (synchronous bounces; asynchronous ones come
 *   later and only lower the rate seen early); `Complaint` +10 (feedback loops). Counts are whole events
 *   (cumulative rounding of rate × volume), published only for minutes with events, as SES does.
 * - Every datapoint becomes visible to CloudWatch 2 minutes after its timestamp (VISIBILITY_DELAY_SECONDS).
 * - `Reputation.BounceRate` / `Reputation.ComplaintRate` are explicit inputs (AWS computes them over a long
 *   window; they cannot be derived from sends and bounces), published every 15 minutes.
 * - The metrics function runs every 5 minutes, 2 minutes past the boundary (its schedule), with its real pure
 *   cores: account-wide window, counts, rates and heartbeat, published 30 s after the tick and stamped with it; and
 *   the per-domain path: the events of the 5-minute period that just ended, as `/aws/ses/events` holds them
 *   (an event is queryable LOG_DELAY_SECONDS after it happened), rated with the volume guard, the worst
 *   domain's rates stamped with the period's start, published 30 s after the tick. Until the pipeline stops.
 * - The BYODKIM orchestrator ticks hourly and publishes its four age metrics (0 when idle), as handlers/byodkim
 *   does; Lambda, Firehose and BYODKIM event metrics are absent unless a scenario adds them (`extra`).
 */

import {
  METRICS_SCHEDULE_OFFSET_MINUTES,
  METRICS_WINDOW_MINUTES,
} from '../../contracts/functions/metrics.js';
import {
  type MetricsWindow,
  metricsWindow,
  planDocuments,
  type SesCounts,
} from '../../handlers/metrics/core.js';
import { type DomainCounts, domainWindow, planDomainOutput } from '../../handlers/metrics/domains.js';
import { isDeliveredStateChange } from '../../handlers/notifier/format.js';
import {
  type AlarmDef,
  type AlarmTimeline,
  alarmsFromTemplates,
  evaluateAlarms,
  type MetricAlarmDef,
  type MetricRef,
  MetricStore,
  type Notice,
  type RawSeries,
  type Sample,
} from '../../lib/alarm-eval/index.js';
import { templates } from '../support/templates.js';

export const MIN = 60_000;
export const VISIBILITY_DELAY_SECONDS = 120;
export const DELAY_MINUTES = { Delivery: 1, Bounce: 1, Complaint: 10 } as const;
/** An SES event reaches `/aws/ses/events` (SES -> EventBridge -> CloudWatch Logs) this long after it happened. */
export const LOG_DELAY_SECONDS = 60;
const WARMUP_MINUTES = 120;

/** 2026-01-05 00:00 JST: scenario minute 0. */
export const T0 = Date.UTC(2026, 0, 4, 15, 0);

export interface Traffic {
  /** Sends per 5 minutes. */
  readonly sendsPer5Min: number;
  /** Fractions of the sends that bounce, complain, and are neither delivered nor bounced (rejects, failures). */
  readonly bounce: number;
  readonly complaint: number;
  readonly undelivered?: number;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly env: 'prod' | 'dev';
  /** Evaluated minutes (from minute 0; traffic also runs for two hours before, to settle the alarms). */
  readonly minutes: number;
  readonly traffic: (minute: number) => Traffic;
  /** Extra single events: one more send at `minute`, and what became of it. */
  readonly events?: readonly { minute: number; outcome: 'Bounce' | 'Complaint' }[];
  /** Reputation rates (fractions) at a minute. */
  readonly reputation: (minute: number) => { bounce: number; complaint: number };
  /** Minute from which the metrics function no longer runs. */
  readonly pipelineStopsAt?: number;
  /** Minute the first event of the incident reaches SES (time to detect is measured from it). */
  readonly incidentAt?: number;
  /** More raw series (other namespaces), built with the alarm definitions at hand. */
  readonly extra?: (defs: readonly AlarmDef[]) => RawSeries[];
  /** What the BYODKIM orchestrator's hourly tick publishes at a minute (default: every age 0, nothing waits). */
  readonly byodkimAges?: (minute: number) => Partial<Record<(typeof BYODKIM_AGES)[number], number>>;
  /**
   * Per-domain traffic. When given, the account's traffic is the sum of these (and `traffic` is ignored), and
   * the metrics function's per-domain query sees each domain apart.
   */
  readonly domains?: readonly { readonly name: string; readonly traffic: (minute: number) => Traffic }[];
  /** Seconds between evaluations. @default 60 */
  readonly stepSeconds?: number;
}

/** The age metrics the orchestrator publishes on every hourly tick (handlers/byodkim). */
export const BYODKIM_AGES = [
  'DNSRequestAgeHours',
  'DNSPropagationHours',
  'BYODKIMPendingHours',
  'OldRecordAgeDays',
] as const;

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly defs: readonly AlarmDef[];
  readonly timelines: ReadonlyMap<string, AlarmTimeline>;
}

const cache = new Map<string, AlarmDef[]>();
/** The alarms of the generated templates of a fixture environment. */
export function alarmDefs(env: 'prod' | 'dev'): AlarmDef[] {
  let defs = cache.get(env);
  if (!defs) {
    defs = alarmsFromTemplates(templates(env));
    cache.set(env, defs);
  }
  return defs;
}

/** The metric an alarm of the templates reads, found by metric name (the template is the only copy). */
export function metricOf(defs: readonly AlarmDef[], name: string): MetricRef {
  for (const d of defs) {
    if (d.kind !== 'metric') continue;
    for (const q of d.queries) if (q.kind === 'stat' && q.metric.name === name) return q.metric;
  }
  throw new Error(`no alarm of the templates reads a metric named ${name}`);
}

const ses = (name: string): MetricRef => ({ namespace: 'AWS/SES', name, dimensions: {} });

/** Whole events per minute from a fractional rate: cumulative rounding keeps the long-run total exact. */
function counts(perMinute: (m: number) => number, from: number, to: number): Map<number, number> {
  const out = new Map<number, number>();
  let acc = 0;
  let emitted = 0;
  for (let m = from; m < to; m++) {
    acc += perMinute(m);
    const whole = Math.floor(acc + 1e-9) - emitted;
    if (whole > 0) {
      out.set(m, whole);
      emitted += whole;
    }
  }
  return out;
}

export function buildSeries(s: Scenario, defs: readonly AlarmDef[]): RawSeries[] {
  const from = -WARMUP_MINUTES;
  const to = s.minutes;
  const streams = s.domains ?? [{ name: '', traffic: s.traffic }];
  const perDomain = streams.map((d) => {
    const perMin = (m: number) => d.traffic(m).sendsPer5Min / 5;
    return {
      name: d.name,
      send: counts(perMin, from, to),
      bounce: counts((m) => perMin(m) * d.traffic(m).bounce, from, to),
      complaint: counts((m) => perMin(m) * d.traffic(m).complaint, from, to),
      delivered: counts(
        (m) => perMin(m) * (1 - d.traffic(m).bounce - (d.traffic(m).undelivered ?? 0)),
        from,
        to,
      ),
    };
  });
  const total = (pick: (d: (typeof perDomain)[number]) => Map<number, number>) => {
    const out = new Map<number, number>();
    for (const d of perDomain) for (const [m, v] of pick(d)) out.set(m, (out.get(m) ?? 0) + v);
    return out;
  };
  const send = total((d) => d.send);
  const bounce = total((d) => d.bounce);
  const complaint = total((d) => d.complaint);
  const delivered = total((d) => d.delivered);
  const shift = (xs: Map<number, number>, by: number) => new Map([...xs].map(([m, v]) => [m + by, v]));
  const byMetric: Record<keyof SesCounts, Map<number, number>> = {
    Send: send,
    Delivery: shift(delivered, DELAY_MINUTES.Delivery),
    Bounce: shift(bounce, DELAY_MINUTES.Bounce),
    Complaint: shift(complaint, DELAY_MINUTES.Complaint),
    Reject: new Map(),
  };
  for (const e of s.events ?? []) {
    byMetric.Send.set(e.minute, (byMetric.Send.get(e.minute) ?? 0) + 1);
    const at = e.minute + DELAY_MINUTES[e.outcome];
    byMetric[e.outcome].set(at, (byMetric[e.outcome].get(at) ?? 0) + 1);
    if (e.outcome === 'Complaint') {
      const d = e.minute + DELAY_MINUTES.Delivery;
      byMetric.Delivery.set(d, (byMetric.Delivery.get(d) ?? 0) + 1);
    }
  }
  const at = (m: number) => T0 + m * MIN;
  const raw: RawSeries[] = Object.entries(byMetric).map(([name, xs]) => ({
    metric: ses(name),
    samples: [...xs].filter(([m]) => m < to).map(([m, value]) => ({ t: at(m) + 30_000, value })),
  }));

  // Reputation: explicit input every 15 minutes.
  const rep = Array.from({ length: (to - from) / 15 }, (_, i) => from + i * 15);
  raw.push(
    {
      metric: ses('Reputation.BounceRate'),
      samples: rep.map((m) => ({ t: at(m), value: s.reputation(m).bounce })),
    },
    {
      metric: ses('Reputation.ComplaintRate'),
      samples: rep.map((m) => ({ t: at(m), value: s.reputation(m).complaint })),
    },
  );

  // The metrics function (its own pure core) every 5 minutes, reading what CloudWatch holds at the tick.
  const monitoring = metricOf(defs, 'MetricsHeartbeat').namespace;
  const published = new Map<string, Sample[]>();
  const publish = (name: string, sample: Sample) => {
    const list = published.get(name) ?? [];
    list.push(sample);
    published.set(name, list);
  };
  const guard = s.domains ? minimumSendVolume(s.env) : 0;
  for (let m = from; m < Math.min(to, s.pipelineStopsAt ?? to); m += 5) {
    const tick = at(m + METRICS_SCHEDULE_OFFSET_MINUTES);
    const window: MetricsWindow = metricsWindow(new Date(tick), {
      lagMinutes: 10,
      windowMinutes: METRICS_WINDOW_MINUTES,
    });
    const sum = (xs: Map<number, number>) =>
      [...xs]
        .filter(([mm]) => {
          const t = at(mm) + 30_000;
          return (
            t >= window.start.getTime() &&
            t < window.end.getTime() &&
            t + VISIBILITY_DELAY_SECONDS * 1000 <= tick
          );
        })
        .reduce((acc, [, v]) => acc + v, 0);
    const c: SesCounts = {
      Send: sum(byMetric.Send),
      Delivery: sum(byMetric.Delivery),
      Bounce: sum(byMetric.Bounce),
      Complaint: sum(byMetric.Complaint),
      Reject: 0,
    };
    for (const doc of planDocuments(window, c)) {
      for (const v of doc.metrics) publish(v.name, { t: tick + 30_000, value: v.value });
    }
    if (s.domains) {
      // The per-domain query: events of the period that just ended, as the log group holds them at the tick.
      const dw = domainWindow(new Date(tick), METRICS_SCHEDULE_OFFSET_MINUTES);
      // Events of minute k (stamped k + 30 s) in the window and already in the log group at the tick.
      const first = (dw.start.getTime() - T0) / MIN;
      const inLog = (xs: Map<number, number>, delay: number) => {
        let n = 0;
        for (let k = first; k < first + 5; k++) {
          if (at(k) + 30_000 + LOG_DELAY_SECONDS * 1000 <= tick) n += xs.get(k - delay) ?? 0;
        }
        return n;
      };
      const rows: DomainCounts[] = perDomain.map((d) => ({
        domain: d.name,
        Send: inLog(d.send, 0),
        Bounce: inLog(d.bounce, DELAY_MINUTES.Bounce),
        Complaint: inLog(d.complaint, DELAY_MINUTES.Complaint),
      }));
      const { document } = planDomainOutput(
        dw,
        { domains: rows, unattributed: { Send: 0, Bounce: 0, Complaint: 0 } },
        guard,
      );
      for (const v of document.metrics) {
        publish(v.name, {
          t: dw.start.getTime(),
          value: v.value,
          availableAt: tick + 30_000 + VISIBILITY_DELAY_SECONDS * 1000,
        });
      }
    }
  }
  for (const [name, samples] of published) {
    raw.push({ metric: { namespace: monitoring, name, dimensions: {} }, samples });
  }

  // The BYODKIM orchestrator's hourly tick: the four age metrics, 0 while no rotation waits.
  const hours = Array.from({ length: Math.ceil((to - from) / 60) }, (_, i) => from + i * 60);
  for (const name of BYODKIM_AGES) {
    raw.push({
      metric: metricOf(defs, name),
      samples: hours.map((m) => ({ t: at(m) + 60_000, value: s.byodkimAges?.(m)?.[name] ?? 0 })),
    });
  }
  return [...raw, ...(s.extra?.(defs) ?? [])];
}

/** The fixture environment's volume guard, as the generated metrics function receives it. */
function minimumSendVolume(env: 'prod' | 'dev'): number {
  const fn = Object.values(
    templates(env).monitoring.Resources as Record<
      string,
      { Type: string; Properties: { Environment?: { Variables?: Record<string, string> } } }
    >,
  ).find(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.MINIMUM_SEND_VOLUME,
  );
  return Number(fn!.Properties.Environment!.Variables!.MINIMUM_SEND_VOLUME);
}

export function runScenario(s: Scenario): ScenarioResult {
  const defs = alarmDefs(s.env);
  const store = new MetricStore(buildSeries(s, defs), [], VISIBILITY_DELAY_SECONDS);
  const timelines = evaluateAlarms(defs, store, {
    start: T0,
    end: T0 + s.minutes * MIN,
    stepSeconds: s.stepSeconds ?? 60,
  });
  return { scenario: s, defs, timelines };
}

/** ALARM notices (pages) of the given severities, after the alarms first settled. */
export function pages(
  r: ScenarioResult,
  severities: readonly string[] = ['P1', 'P2'],
): (Notice & { alarm: string })[] {
  return [...r.timelines.values()].flatMap((tl) =>
    severities.includes(tl.def.severity ?? '')
      ? tl.notices.filter((n) => n.state === 'ALARM').map((n) => ({ ...n, alarm: tl.def.name }))
      : [],
  );
}

/** Minutes from the incident to the alarm's first ALARM at or after it, or undefined when it never fired. */
export function timeToDetect(r: ScenarioResult, alarm: string): number | undefined {
  const tl = r.timelines.get(alarm);
  if (!tl) throw new Error(`no alarm ${alarm} in ${r.scenario.env}`);
  const incident = T0 + (r.scenario.incidentAt ?? 0) * MIN;
  const first = tl.notices.find((n) => n.state === 'ALARM' && n.t >= incident);
  return first === undefined ? undefined : (first.t - incident) / MIN;
}

/** Notices that reach people: the alarm has an action for the state and the notifier delivers the change. */
export function delivered(r: ScenarioResult, alarm: string): Notice[] {
  const tl = r.timelines.get(alarm);
  if (!tl) throw new Error(`no alarm ${alarm} in ${r.scenario.env}`);
  return tl.notices.filter((n) => n.actions.length > 0 && isDeliveredStateChange(n.state, n.from));
}

/** OK notices that follow an ALARM: the "復旧" mails. */
export function recoveries(r: ScenarioResult, alarm: string): Notice[] {
  return r.timelines.get(alarm)!.notices.filter((n) => n.state === 'OK' && n.from === 'ALARM');
}

export const alarmName = (r: ScenarioResult, suffix: string) =>
  `ses-migration-${r.scenario.env === 'prod' ? 'production' : 'development'}-${suffix}`;

export type { MetricAlarmDef };
