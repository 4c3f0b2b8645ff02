/**
 * What every report section shares: its context (config, period, sources, the figures it archives), the
 * `MissingSource` error, `guard` (a failing section becomes a missing one, the report still goes out) and the
 * daily SES counters several sections read.
 */
import { COUNTERS } from '../figures.js';
import type { MetricQuery, MetricSeries, ReportSources } from '../ports.js';
import type { Block, Period, ReportConfig, Section } from '../types.js';

export interface SectionContext {
  readonly cfg: ReportConfig;
  readonly period: Period;
  readonly sources: ReportSources;
  readonly now: Date;
  /** Figures archived as JSON, filled by the sections. */
  readonly figures: Record<string, unknown>;
  /** Chart ids per section id, filled by the charts step. */
  readonly charts: Map<string, { id: string; title: string }[]>;
}

export class MissingSource extends Error {
  override readonly name = 'MissingSource';
}

const DOMAIN_DIM = 'ses:from-domain';
const DAY = 86_400;

/** Runs a section; a failure becomes a missing section naming the reason. */
export async function guard(
  id: string,
  title: string,
  build: () => Promise<Block[]>,
  ctx: SectionContext,
): Promise<Section> {
  try {
    const blocks = await build();
    const charts = ctx.charts.get(id) ?? [];
    return {
      id,
      title,
      status: 'ok',
      blocks: [
        ...blocks,
        ...charts.map((c) => ({ kind: 'chart' as const, id: c.id, title: c.title, alt: c.title })),
      ],
    };
  } catch (error) {
    const e = error as Error;
    const reason =
      e instanceof MissingSource
        ? e.message
        : `データ取得に失敗しました（${e.name}: ${e.message.slice(0, 300)}）`;
    ctx.figures[id] = { missing: reason };
    return { id, title, status: 'missing', reason, blocks: [] };
  }
}

/** Daily series of the account's and every domain's SES counters over [start, end). */
export async function sesCounters(
  ctx: SectionContext,
  start: Date,
  end: Date,
): Promise<Map<string, MetricSeries>> {
  const queries: MetricQuery[] = [
    ...COUNTERS.map((m) => ({ id: `a_${m}`, namespace: 'AWS/SES', metric: m, stat: 'Sum' })),
    ...ctx.cfg.domains.flatMap((d, i) =>
      [...COUNTERS, 'DeliveryDelay'].map((m) => ({
        id: `d${i}_${m}`,
        namespace: 'AWS/SES',
        metric: m,
        dimensions: { [DOMAIN_DIM]: d.name },
        stat: 'Sum',
      })),
    ),
  ];
  const series = await ctx.sources.metricData(queries, start, end, DAY);
  return new Map(series.map((s) => [s.id, s]));
}
