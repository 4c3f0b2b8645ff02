/** The charts of a report: rendered from the environment's dashboard widgets, attached to their sections. */
import { chartRequests } from '../charts.js';
import type { SectionContext } from './context.js';

/** Renders the charts of the period; returns the images and fills ctx.charts (section → chart ids). */
export async function charts(
  ctx: SectionContext,
): Promise<{ images: { id: string; title: string; png: Uint8Array }[]; problems: string[] }> {
  const problems: string[] = [];
  let body: unknown;
  try {
    body = await ctx.sources.dashboard(ctx.cfg.dashboard);
  } catch (e) {
    return {
      images: [],
      problems: [`ダッシュボード ${ctx.cfg.dashboard} を読めません（${(e as Error).message.slice(0, 120)}）`],
    };
  }
  const { requests, missing } = chartRequests(body, ctx.period);
  for (const m of missing) problems.push(`ダッシュボードに ${m} のグラフがありません`);
  const images: { id: string; title: string; png: Uint8Array }[] = [];
  for (const r of requests) {
    try {
      const png = await ctx.sources.widgetImage(r.widget);
      images.push({ id: r.id, title: r.title, png });
      ctx.charts.set(r.section, [...(ctx.charts.get(r.section) ?? []), { id: r.id, title: r.title }]);
    } catch (e) {
      problems.push(`グラフ「${r.title}」を作成できません（${(e as Error).message.slice(0, 120)}）`);
    }
  }
  return { images, problems };
}
