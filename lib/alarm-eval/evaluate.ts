/**
 * Evaluates alarms the way CloudWatch does ("Using Amazon CloudWatch alarms": evaluating an alarm, M out of N,
 * how alarm state is evaluated when data is missing), minute by minute, and composite alarms on the states of
 * their children. See README.md for what is and is not modelled.
 */
import { parseRule } from './composite.js';
import { evaluateNode, type MathValue, parseExpression, type Series } from './math.js';
import type { MetricStore } from './store.js';
import type {
  AlarmDef,
  AlarmState,
  AlarmTimeline,
  Comparison,
  CompositeAlarmDef,
  MetricAlarmDef,
  Notice,
  Span,
  Transition,
  TreatMissingData,
} from './types.js';

/** A datapoint of the evaluation range: breaching, not breaching, or missing (undefined). */
export type Point = boolean | undefined;

export interface Decision {
  readonly state: AlarmState;
  readonly reason: string;
}

/**
 * The state CloudWatch sets from the datapoints of the evaluation range (oldest first):
 * - at least N datapoints exist: the N most recent existing ones decide (M breaching → ALARM, else OK);
 * - none exists: missing → INSUFFICIENT_DATA, ignore → unchanged, breaching → ALARM, notBreaching → OK;
 * - fewer than N exist: breaching / notBreaching fill the N − existing missing ones; missing / ignore decide
 *   on the existing ones: M breaching → ALARM, any non-breaching → OK, otherwise (only breaching, fewer than
 *   M) INSUFFICIENT_DATA / unchanged, except that with `missing` a breaching datapoint at least M periods
 *   old with only breaching or missing ones after it sets ALARM (AWS knowledge center, "Why did my
 *   CloudWatch alarm send me a notification after a single breached data point?").
 */
export function decideState(
  points: readonly Point[],
  n: number,
  m: number,
  treat: TreatMissingData,
  current: AlarmState,
): Decision {
  const existing = points.filter((p): p is boolean => p !== undefined);
  const show = points.map((p) => (p === undefined ? '-' : p ? 'X' : '0')).join(' ');
  const verdict = (breaching: number, of: string): Decision =>
    breaching >= m
      ? { state: 'ALARM', reason: `${breaching} of ${n} datapoints breaching (${of}) [${show}]` }
      : { state: 'OK', reason: `${breaching} of ${n} datapoints breaching (${of}), ${m} needed [${show}]` };
  if (existing.length >= n) {
    const recent = existing.slice(existing.length - n);
    return verdict(recent.filter(Boolean).length, 'most recent existing');
  }
  if (existing.length === 0) {
    switch (treat) {
      case 'missing':
        return { state: 'INSUFFICIENT_DATA', reason: `no datapoint in the evaluation range [${show}]` };
      case 'ignore':
        return { state: current, reason: `no datapoint, state kept (ignore) [${show}]` };
      case 'breaching':
        return verdict(n, 'missing treated as breaching');
      case 'notBreaching':
        return verdict(0, 'missing treated as not breaching');
    }
  }
  const breaching = existing.filter(Boolean).length;
  const fill = n - existing.length;
  if (treat === 'breaching') return verdict(breaching + fill, `${fill} missing filled as breaching`);
  if (treat === 'notBreaching') return verdict(breaching, `${fill} missing filled as not breaching`);
  if (breaching >= m) return verdict(breaching, 'existing datapoints');
  if (existing.length > breaching) return verdict(breaching, 'existing datapoints');
  if (treat === 'missing') {
    const oldest = points.indexOf(true);
    const age = points.length - oldest;
    if (age >= m) {
      return {
        state: 'ALARM',
        reason: `breaching datapoint ${age} periods old with only missing or breaching after it [${show}]`,
      };
    }
    return { state: 'INSUFFICIENT_DATA', reason: `too few datapoints to decide [${show}]` };
  }
  return { state: current, reason: `too few datapoints, state kept (ignore) [${show}]` };
}

export function breaches(value: number, comparison: Comparison, threshold: number): boolean {
  switch (comparison) {
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

export interface EvaluationOptions {
  /** First evaluation (epoch ms). */
  readonly start: number;
  /** Last evaluation (epoch ms, inclusive). */
  readonly end: number;
  /** Seconds between evaluations. @default 60 (CloudWatch evaluates standard-resolution alarms every minute) */
  readonly stepSeconds?: number;
  /**
   * Include the period still in progress as the newest datapoint (with the data visible so far).
   * @default false: each period is evaluated once it has ended, with the data visible by then (late data is
   * modelled by the store's visibility delay). Partial periods make volume-guarded rates flap at every period
   * start, which CloudWatch alarms do not do.
   */
  readonly includePartialPeriod?: boolean;
  /** Datapoints CloudWatch retrieves per evaluation. @default N + 2 (the documented example: N = 3 → 5) */
  readonly evaluationRange?: (def: MetricAlarmDef) => number;
  /** State before the first evaluation. @default INSUFFICIENT_DATA (a new alarm) */
  readonly initialState?: AlarmState;
  /**
   * Evaluate a metric alarm only when one of its periods has just ended. Exact when every datapoint becomes
   * visible at its period's end (aggregated history, as the backtest fetches it), and much faster over weeks.
   * @default false
   */
  readonly onlyAtPeriodEnds?: boolean;
}

/** The queries of a metric alarm compiled once: expression trees in dependency order. */
interface Compiled {
  readonly def: MetricAlarmDef;
  readonly exprs: Map<string, ReturnType<typeof parseExpression>>;
}

function compile(def: MetricAlarmDef): Compiled {
  const exprs = new Map<string, ReturnType<typeof parseExpression>>();
  for (const q of def.queries) if (q.kind === 'expression') exprs.set(q.id, parseExpression(q.expression));
  return { def, exprs };
}

/** The alarm's value per slot (the returned query), as CloudWatch would compute it at `now`. */
function seriesAt(c: Compiled, store: MetricStore, slots: readonly number[], now: number): Series {
  const env = new Map<string, MathValue>();
  for (const q of c.def.queries) {
    if (q.kind !== 'stat') continue;
    const s = new Map<number, number>();
    for (const slot of slots) {
      const v = store.value(q.metric, q.stat, q.period, slot, now);
      if (v !== undefined) s.set(slot, v);
    }
    env.set(q.id, s);
  }
  // Expressions may refer to each other: evaluate until every one is known (at most #expressions rounds).
  const pending = new Map(c.exprs);
  for (let round = 0; pending.size > 0 && round <= c.exprs.size; round++) {
    for (const [id, node] of pending) {
      try {
        env.set(id, evaluateNode(node, env, slots));
        pending.delete(id);
      } catch (e) {
        if (!(e instanceof Error && e.message.startsWith('unknown id'))) throw e;
      }
    }
  }
  if (pending.size > 0)
    throw new Error(`${c.def.name}: unresolved expression ids ${[...pending.keys()].join(', ')}`);
  const out = env.get(c.def.returnId);
  if (out === undefined) throw new Error(`${c.def.name}: no query with id ${c.def.returnId}`);
  if (out instanceof Map) return out;
  // A constant expression: the same value in every slot.
  if (typeof out === 'number') return new Map(slots.map((t) => [t, out]));
  throw new Error(`${c.def.name}: the returned expression is an array of series`);
}

/** Period starts of the evaluation range ending at `now` (oldest first). */
function slotsAt(def: MetricAlarmDef, now: number, range: number, partial: boolean): number[] {
  const p = def.period * 1000;
  const newest = partial ? Math.floor((now - 1) / p) * p : Math.floor(now / p) * p - p;
  return Array.from({ length: range }, (_, i) => newest - (range - 1 - i) * p);
}

/** Per complete period of [start, end), the value the alarm compares with its threshold (for charts). */
export function alarmValues(
  def: MetricAlarmDef,
  store: MetricStore,
  start: number,
  end: number,
): { t: number; value: number }[] {
  const p = def.period * 1000;
  const slots: number[] = [];
  for (let t = Math.ceil(start / p) * p; t + p <= end; t += p) slots.push(t);
  const s = seriesAt(compile(def), store, slots, end);
  return slots.filter((t) => s.has(t)).map((t) => ({ t, value: s.get(t)! }));
}

class Tracker {
  state: AlarmState;
  readonly transitions: Transition[] = [];
  readonly notices: Notice[] = [];
  constructor(
    readonly def: AlarmDef,
    initial: AlarmState,
  ) {
    this.state = initial;
  }
  set(t: number, next: Decision): void {
    if (next.state === this.state) return;
    const from = this.state;
    this.transitions.push({ t, from, to: next.state, reason: next.reason });
    const a = this.def.actions;
    const actions = next.state === 'ALARM' ? a.alarm : next.state === 'OK' ? a.ok : a.insufficientData;
    this.notices.push({ t, state: next.state, from, actions });
    this.state = next.state;
  }
  timeline(): AlarmTimeline {
    return { def: this.def, transitions: this.transitions, notices: this.notices, finalState: this.state };
  }
}

/** Every alarm's state timeline over [start, end], metric alarms first, then composites on their children. */
export function evaluateAlarms(
  defs: readonly AlarmDef[],
  store: MetricStore,
  opts: EvaluationOptions,
): Map<string, AlarmTimeline> {
  const step = (opts.stepSeconds ?? 60) * 1000;
  const partial = opts.includePartialPeriod ?? false;
  const range = opts.evaluationRange ?? ((d: MetricAlarmDef) => d.evaluationPeriods + 2);
  const initial = opts.initialState ?? 'INSUFFICIENT_DATA';
  const metric = defs.filter((d): d is MetricAlarmDef => d.kind === 'metric').map(compile);
  const composites = orderComposites(defs.filter((d): d is CompositeAlarmDef => d.kind === 'composite'));
  const trackers = new Map<string, Tracker>(defs.map((d) => [d.name, new Tracker(d, initial)]));
  const rules = new Map(composites.map((c) => [c.name, parseRule(c.rule)]));
  const stateOf = (name: string): AlarmState => trackers.get(name)?.state ?? 'INSUFFICIENT_DATA';
  for (let now = opts.start; now <= opts.end; now += step) {
    for (const c of metric) {
      if (opts.onlyAtPeriodEnds && now % (c.def.period * 1000) !== 0 && now !== opts.start) continue;
      const slots = slotsAt(c.def, now, range(c.def), partial);
      const values = seriesAt(c, store, slots, now);
      const points = slots.map((t) => {
        const v = values.get(t);
        return v === undefined ? undefined : breaches(v, c.def.comparison, c.def.threshold);
      });
      const tracker = trackers.get(c.def.name)!;
      tracker.set(
        now,
        decideState(
          points,
          c.def.evaluationPeriods,
          c.def.datapointsToAlarm,
          c.def.treatMissingData,
          tracker.state,
        ),
      );
    }
    for (const c of composites) {
      const on = rules.get(c.name)!.evaluate(stateOf);
      trackers
        .get(c.name)!
        .set(now, { state: on ? 'ALARM' : 'OK', reason: `rule ${on ? 'true' : 'false'}: ${c.rule}` });
    }
  }
  return new Map([...trackers].map(([name, t]) => [name, t.timeline()]));
}

/** Composites that name other composites come after them. */
function orderComposites(cs: readonly CompositeAlarmDef[]): CompositeAlarmDef[] {
  const byName = new Map(cs.map((c) => [c.name, c]));
  const out: CompositeAlarmDef[] = [];
  const seen = new Set<string>();
  const visit = (c: CompositeAlarmDef, path: string[]) => {
    if (seen.has(c.name)) return;
    if (path.includes(c.name))
      throw new Error(`composite alarms form a cycle: ${[...path, c.name].join(' → ')}`);
    for (const child of parseRule(c.rule).children) {
      const cc = byName.get(child);
      if (cc) visit(cc, [...path, c.name]);
    }
    seen.add(c.name);
    out.push(c);
  };
  for (const c of cs) visit(c, []);
  return out;
}

/** Spans of time the alarm spent in `state` (the last one open when the evaluation ended in it). */
export function spans(tl: AlarmTimeline, state: AlarmState = 'ALARM'): Span[] {
  const out: Span[] = [];
  let open: number | undefined;
  for (const tr of tl.transitions) {
    if (tr.to === state && open === undefined) open = tr.t;
    else if (tr.from === state && open !== undefined) {
      out.push({ start: open, end: tr.t });
      open = undefined;
    }
  }
  if (open !== undefined) out.push({ start: open });
  return out;
}
