/** The backtest report: per alarm how often and how long it was in ALARM, and when. Pure. */
import {
  type AlarmDef,
  type AlarmTimeline,
  alarmValues,
  type MetricAlarmDef,
  type MetricStore,
  spans,
} from '../../lib/alarm-eval/index.js';

export interface AlarmReport {
  readonly alarm: string;
  readonly severity: string;
  readonly kind: 'metric' | 'composite';
  /** ALARM spans (ISO 8601 UTC); a span still open at the end of the window ends there, `ongoing: true`. */
  readonly spans: { start: string; end: string; ongoing?: true }[];
  /** How many times it went into ALARM. */
  readonly alarms: number;
  readonly minutesInAlarm: number;
  readonly finalState: string;
  /** What it compares (metric alarms). */
  readonly condition?: string;
  /** Resolution notes: the alarm evaluated on coarser data than its period, metrics without data. */
  readonly warnings: string[];
}

export function conditionOf(def: MetricAlarmDef): string {
  const op = {
    GreaterThanThreshold: '>',
    GreaterThanOrEqualToThreshold: '>=',
    LessThanThreshold: '<',
    LessThanOrEqualToThreshold: '<=',
  }[def.comparison];
  const ret = def.queries.find((q) => q.id === def.returnId)!;
  const what = ret.kind === 'expression' ? ret.expression : `${ret.metric.name} ${ret.stat}`;
  return `${what} ${op} ${def.threshold} for ${def.datapointsToAlarm} of ${def.evaluationPeriods} × ${def.period} s (missing: ${def.treatMissingData})`;
}

export function buildReports(
  defs: readonly AlarmDef[],
  timelines: ReadonlyMap<string, AlarmTimeline>,
  end: number,
  warnings: ReadonlyMap<string, string[]>,
): AlarmReport[] {
  return defs.map((def) => {
    const tl = timelines.get(def.name)!;
    const sp = spans(tl);
    const minutes = sp.reduce((m, s) => m + ((s.end ?? end) - s.start) / 60_000, 0);
    return {
      alarm: def.name,
      severity: def.severity ?? 'none',
      kind: def.kind,
      spans: sp.map((s) => ({
        start: new Date(s.start).toISOString(),
        end: new Date(s.end ?? end).toISOString(),
        ...(s.end === undefined ? { ongoing: true as const } : {}),
      })),
      alarms: sp.length,
      minutesInAlarm: Math.round(minutes),
      finalState: tl.finalState,
      ...(def.kind === 'metric' ? { condition: conditionOf(def) } : {}),
      warnings: warnings.get(def.name) ?? [],
    };
  });
}

/** A plain-text table for the terminal. */
export function renderText(reports: readonly AlarmReport[], header: string): string {
  const rows = reports.map((r) => [
    r.alarm,
    r.severity,
    String(r.alarms),
    String(r.minutesInAlarm),
    r.spans.length
      ? r.spans
          .map((s) => `${s.start.slice(5, 16)}..${s.end.slice(11, 16)}`)
          .slice(0, 3)
          .join(' ') + (r.spans.length > 3 ? ' ...' : '')
      : '-',
  ]);
  const head = ['alarm', 'sev', 'ALARMs', 'minutes', 'spans (UTC)'];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(w[i]!))
      .join('  ')
      .trimEnd();
  const notes = reports.flatMap((r) => r.warnings.map((x) => `warning: ${r.alarm}: ${x}`));
  return `${[header, line(head), ...rows.map(line), ...notes].join('\n')}\n`;
}

export interface ChartData {
  readonly alarm: string;
  readonly severity: string;
  readonly condition: string;
  readonly threshold?: number;
  /** Epoch seconds and values of the compared series (metric alarms) or of the state (composites: 1 = ALARM). */
  readonly x: number[];
  readonly y: (number | null)[];
  readonly spans: { start: number; end: number }[];
}

/** The series each chart shows: the value the alarm compares, per period, over the window. */
export function chartData(
  defs: readonly AlarmDef[],
  timelines: ReadonlyMap<string, AlarmTimeline>,
  store: MetricStore,
  start: number,
  end: number,
): ChartData[] {
  return defs.map((def) => {
    const tl = timelines.get(def.name)!;
    const sp = spans(tl).map((s) => ({ start: s.start / 1000, end: (s.end ?? end) / 1000 }));
    if (def.kind === 'composite') {
      const x = [start / 1000, ...tl.transitions.map((t) => t.t / 1000), end / 1000];
      let state = 0;
      const y = [0, ...tl.transitions.map((t) => (state = t.to === 'ALARM' ? 1 : 0)), state];
      return { alarm: def.name, severity: def.severity ?? 'none', condition: def.rule, x, y, spans: sp };
    }
    const values = alarmValues(def, store, start, end);
    return {
      alarm: def.name,
      severity: def.severity ?? 'none',
      condition: conditionOf(def),
      threshold: def.threshold,
      x: values.map((v) => v.t / 1000),
      y: values.map((v) => v.value),
      spans: sp,
    };
  });
}
