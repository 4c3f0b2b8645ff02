/**
 * Metric data as CloudWatch would return it at a given moment: statistics per period computed from raw
 * datapoints (only those already visible), or taken from series CloudWatch already aggregated.
 */
import type { AggregatedSeries, MetricRef, RawSeries, Sample } from './types.js';

/** Stable key of a metric: namespace, name and sorted dimensions. */
export function metricKey(m: MetricRef): string {
  const dims = Object.entries(m.dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${m.namespace}|${m.name}|${dims}`;
}

/** Statistic over raw values; undefined when there is no value. Percentiles use the nearest rank. */
export function statistic(stat: string, values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  switch (stat) {
    case 'Sum':
      return values.reduce((s, v) => s + v, 0);
    case 'Average':
      return values.reduce((s, v) => s + v, 0) / values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
    case 'SampleCount':
      return values.length;
    default: {
      const m = /^p(\d+(?:\.\d+)?)$/.exec(stat);
      if (!m)
        throw new Error(
          `statistic ${stat} is not modelled (Sum, Average, Minimum, Maximum, SampleCount, pNN)`,
        );
      const sorted = [...values].sort((a, b) => a - b);
      const rank = Math.ceil((Number(m[1]) / 100) * sorted.length);
      return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }
  }
}

/** How a coarser period is built from finer aggregated points of the same statistic. */
const REAGGREGATE: Record<string, (xs: number[]) => number> = {
  Sum: (xs) => xs.reduce((s, v) => s + v, 0),
  SampleCount: (xs) => xs.reduce((s, v) => s + v, 0),
  Minimum: (xs) => Math.min(...xs),
  Maximum: (xs) => Math.max(...xs),
  // Unweighted mean of period averages: exact only when each finer period holds as many samples.
  Average: (xs) => xs.reduce((s, v) => s + v, 0) / xs.length,
};

interface Indexed {
  readonly times: number[];
  readonly samples: Sample[];
}

export class MetricStore {
  private readonly raw = new Map<string, Indexed>();
  private readonly agg = new Map<string, (AggregatedSeries & { byTime: Map<number, number> })[]>();

  constructor(
    raw: readonly RawSeries[] = [],
    aggregated: readonly AggregatedSeries[] = [],
    /** Seconds between a raw datapoint's timestamp and the moment CloudWatch returns it. */
    private readonly visibilityDelaySeconds = 0,
  ) {
    for (const r of raw) {
      const key = metricKey(r.metric);
      const prev = this.raw.get(key)?.samples ?? [];
      const samples = [...prev, ...r.samples].sort((a, b) => a.t - b.t);
      this.raw.set(key, { times: samples.map((s) => s.t), samples });
    }
    for (const a of aggregated) {
      const key = metricKey(a.metric);
      const byTime = new Map(a.points.map((p) => [p.t, p.value]));
      this.agg.set(key, [...(this.agg.get(key) ?? []), { ...a, byTime }]);
    }
  }

  /** Does the store hold any data for this metric? */
  has(metric: MetricRef): boolean {
    const key = metricKey(metric);
    return this.raw.has(key) || this.agg.has(key);
  }

  /**
   * The statistic of `metric` over [slot, slot + period) as returned at time `now` (epoch ms), or undefined
   * when CloudWatch would return no datapoint.
   */
  value(metric: MetricRef, stat: string, period: number, slot: number, now: number): number | undefined {
    const key = metricKey(metric);
    const periodMs = period * 1000;
    const raw = this.raw.get(key);
    if (raw) {
      const from = lowerBound(raw.times, slot);
      const to = lowerBound(raw.times, Math.min(slot + periodMs, now + 1));
      const values: number[] = [];
      const delay = this.visibilityDelaySeconds * 1000;
      for (let i = from; i < to; i++) {
        const s = raw.samples[i]!;
        if ((s.availableAt ?? s.t + delay) <= now) values.push(s.value);
      }
      return statistic(stat, values);
    }
    for (const a of this.agg.get(key) ?? []) {
      if (a.stat !== stat) continue;
      // An aggregated point is returned once its period is complete.
      if (a.period === period) {
        if (slot + periodMs > now) return undefined;
        return a.byTime.get(slot);
      }
      const combine = REAGGREGATE[stat];
      if (combine && period % a.period === 0) {
        const xs: number[] = [];
        for (let t = slot; t < slot + periodMs && t + a.period * 1000 <= now; t += a.period * 1000) {
          const v = a.byTime.get(t);
          if (v !== undefined) xs.push(v);
        }
        return xs.length ? combine(xs) : undefined;
      }
    }
    return undefined;
  }
}

function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
