/**
 * What every report section shares: its context (config, period, sources, the figures it archives), the
 * `MissingSource` error, `guard` (a failing section becomes a missing one, the report still goes out) and the
 * daily SES counters several sections read.
 */
import { QUERY_LIMITS } from '../../../contracts/limits.js';
import { SES_EVENT_FIELDS } from '../../../contracts/metrics.js';
import { COUNTERS, type Counter, type Counts } from '../figures.js';
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

/** Daily series of the account's SES counters over [start, end) (AWS/SES, no dimensions). */
export async function sesCounters(
  ctx: SectionContext,
  start: Date,
  end: Date,
): Promise<Map<string, MetricSeries>> {
  const queries: MetricQuery[] = COUNTERS.map((m) => ({
    id: `a_${m}`,
    namespace: 'AWS/SES',
    metric: m,
    stat: 'Sum',
  }));
  const series = await ctx.sources.metricData(queries, start, end, DAY);
  return new Map(series.map((s) => [s.id, s]));
}

/** SES event types as `/aws/ses/events` records them, and the counter each adds to. */
const EVENT_COUNTER: Readonly<Record<string, Counter | 'DeliveryDelay'>> = {
  Send: 'Send',
  Delivery: 'Delivery',
  Bounce: 'Bounce',
  Complaint: 'Complaint',
  Reject: 'Reject',
  'Rendering Failure': 'RenderingFailure',
  DeliveryDelay: 'DeliveryDelay',
};
/** Logs Insights returns at most 10,000 rows (7 per domain: 1,428 domains). */
const INSIGHTS_MAX_ROWS = QUERY_LIMITS.insightsMaxRows;

/**
 * Each configured domain's counters over [start, end) from the SES events (one Logs Insights query by SES's
 * `ses:from-domain` tag): there is no metric per domain (issue #14). A full page of rows may be cut off, so it
 * is an error rather than a wrong table.
 */
export async function domainCounters(
  ctx: SectionContext,
  start: Date,
  end: Date,
): Promise<Map<string, Counts>> {
  const types = Object.keys(EVENT_COUNTER)
    .map((t) => `"${t}"`)
    .join(', ');
  const rows = await ctx.sources.insights(
    [ctx.cfg.logGroups.sesEvents],
    [
      `filter detail.eventType in [${types}]`,
      `| stats count(*) as events by ${SES_EVENT_FIELDS.fromDomain} as domain, detail.eventType as eventType`,
    ].join('\n'),
    start,
    end,
  );
  if (rows.length >= INSIGHTS_MAX_ROWS) {
    throw new MissingSource(
      `ドメイン別の集計が Logs Insights の上限 ${INSIGHTS_MAX_ROWS} 行に達しました（結果が欠けている可能性があります）`,
    );
  }
  const out = new Map<string, Counts>(
    ctx.cfg.domains.map((d) => [
      d.name,
      { ...(Object.fromEntries(COUNTERS.map((k) => [k, 0])) as Counts), DeliveryDelay: 0 },
    ]),
  );
  for (const row of rows) {
    const c = out.get((row.domain ?? '').toLowerCase());
    const counter = EVENT_COUNTER[row.eventType ?? ''];
    if (c && counter) c[counter] = (c[counter] ?? 0) + Number(row.events ?? 0);
  }
  return out;
}
