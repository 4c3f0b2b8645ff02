/** Builds the report model of one period: charts first (sections reference them), then every section. */
import { jstTime } from './period.js';
import type { ReportSources } from './ports.js';
import { charts, guard, SECTIONS, type SectionContext } from './sections.js';
import type { ChartImage, Period, ReportConfig, ReportModel, Section } from './types.js';

const CADENCE_JA = { daily: '日次', weekly: '週次', monthly: '月次' } as const;

export interface BuiltReport {
  readonly model: ReportModel;
  readonly images: readonly ChartImage[];
}

export async function buildReport(
  cfg: ReportConfig,
  period: Period,
  sources: ReportSources,
  now: Date,
): Promise<BuiltReport> {
  const ctx: SectionContext = { cfg, period, sources, now, figures: {}, charts: new Map() };
  const chartRun = await charts(ctx);
  const sections: Section[] = [];
  for (const def of SECTIONS[period.cadence]) {
    let skipped = false;
    const section = await guard(
      def.id,
      def.title,
      async () => {
        const blocks = await def.build(ctx);
        if (blocks === undefined) skipped = true;
        return blocks ?? [];
      },
      ctx,
    );
    if (!skipped) sections.push(section);
  }
  if (chartRun.problems.length) {
    sections.push({
      id: 'charts',
      title: 'グラフ',
      status: 'missing',
      reason: chartRun.problems.join(' / '),
      blocks: [],
    });
  }
  const title = `【${CADENCE_JA[period.cadence]}レポート】${cfg.projectCode} ${cfg.environment} ${period.label}`;
  const model: ReportModel = {
    title,
    period,
    environment: cfg.environment,
    generatedAt: now,
    summary: summarise(cfg, period, sections, ctx.figures, now),
    sections,
    figures: ctx.figures,
  };
  return { model, images: chartRun.images };
}

/** One paragraph: volumes, rates, alarms and which sections are missing. */
function summarise(
  cfg: ReportConfig,
  period: Period,
  sections: readonly Section[],
  figures: Record<string, unknown>,
  now: Date,
): string {
  const parts: string[] = [
    `${cfg.projectCode} ${cfg.environment} の${CADENCE_JA[period.cadence]}レポート（${period.label}）。`,
  ];
  const s = figures.sending as
    | {
        account?: {
          Send: number;
          Delivery: number;
          bounceRate?: number;
          complaintRate?: number;
          sendSuccessRate?: number;
        };
      }
    | undefined;
  // A missing section leaves { missing: reason } in its figures.
  if (s?.account) {
    const a = s.account;
    const p = (n: number | undefined, d = 2) => (n === undefined ? '—' : `${n.toFixed(d)}%`);
    parts.push(
      `送信 ${a.Send.toLocaleString('en-US')} 件、配信 ${a.Delivery.toLocaleString('en-US')} 件、成功率 ${p(a.sendSuccessRate)}、バウンス率 ${p(a.bounceRate)}、苦情率 ${p(a.complaintRate, 3)}。`,
    );
  }
  const al = figures.alarms as { bySeverity?: { P1: number; P2: number; P3: number } } | undefined;
  if (al?.bySeverity)
    parts.push(`アラート P1 ${al.bySeverity.P1} 件、P2 ${al.bySeverity.P2} 件、P3 ${al.bySeverity.P3} 件。`);
  const pr = figures.proposals as { findings?: string[] } | undefined;
  if (pr?.findings) parts.push(`改善提案 ${pr.findings.length} 件。`);
  const missing = sections.filter((x) => x.status === 'missing');
  parts.push(
    missing.length
      ? `未取得のセクション: ${missing.map((x) => x.title).join('、')}。`
      : '全セクション取得済み。',
  );
  parts.push(`作成 ${jstTime(now)}。`);
  return parts.join('');
}
