/** トレンド分析 (weekly report, seed 4.3.1), and the five weeks of counts the proposals read too. */
import { type Counts, change, countsIn, fmtInt, fmtPct, rates } from '../figures.js';
import { jstDate, previousPeriods } from '../period.js';
import type { Block } from '../types.js';
import { domainCounters, type SectionContext, sesCounters } from './context.js';

/** Weekly counts of the account and each domain for the period and the four before it. */
export async function weeklySeries(ctx: SectionContext) {
  const weeks = [...previousPeriods(ctx.period, 4), ctx.period];
  const byId = await sesCounters(ctx, weeks[0]!.start, ctx.period.end);
  const account = weeks.map((w) => countsIn(byId, 'a_', w.start, w.end));
  // Per domain: one Logs Insights query per week over /aws/ses/events (no metric per domain, issue #14).
  const perWeek: Map<string, Counts>[] = [];
  for (const w of weeks) perWeek.push(await domainCounters(ctx, w.start, w.end));
  const domains = ctx.cfg.domains.map((d) => ({
    name: d.name,
    weeks: perWeek.map((m) => m.get(d.name)!),
  }));
  return { weeks, account, domains };
}

/** トレンド分析: the week against the previous four, per metric and per domain. */
export async function trend(ctx: SectionContext): Promise<Block[]> {
  const { weeks, account, domains } = await weeklySeries(ctx);
  const head = ['指標', ...weeks.map((w) => `${jstDate(w.start).slice(5)}週`), '前4週平均比'];
  const avg4 = (xs: (number | undefined)[]) => {
    const v = xs.slice(0, 4).filter((x): x is number => x !== undefined);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
  };
  const row = (label: string, xs: (number | undefined)[], fmt: (n: number | undefined) => string) => [
    label,
    ...xs.map(fmt),
    change(xs[4], avg4(xs)),
  ];
  const br = account.map((c) => rates(c).bounceRate);
  const cr = account.map((c) => rates(c).complaintRate);
  const sr = account.map((c) => rates(c).sendSuccessRate);
  ctx.figures.trend = {
    weeks: weeks.map((w) => w.key),
    account: account.map((c) => ({ ...c, ...rates(c) })),
    domains: Object.fromEntries(
      domains.map((d) => [d.name, d.weeks.map((c) => ({ Send: c.Send, ...rates(c) }))]),
    ),
  };
  return [
    {
      kind: 'table',
      caption: 'アカウント全体: 今週と前4週',
      head,
      rows: [
        row(
          '送信数',
          account.map((c) => c.Send),
          fmtInt,
        ),
        row(
          '配信数',
          account.map((c) => c.Delivery),
          fmtInt,
        ),
        row('バウンス率', br, (n) => fmtPct(n)),
        row('苦情率', cr, (n) => fmtPct(n, 3)),
        row('送信成功率', sr, (n) => fmtPct(n)),
      ],
    },
    {
      kind: 'table',
      caption: 'ドメイン別バウンス率: 今週と前4週',
      head,
      rows: domains.map((d) =>
        row(
          d.name,
          d.weeks.map((c) => rates(c).bounceRate),
          (n) => fmtPct(n),
        ),
      ),
    },
  ];
}
