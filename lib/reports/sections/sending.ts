/** 送信統計サマリー / 週間送信統計 / 月間送信統計 (seed 4.3.1), with the month-over-month table of the monthly report. */
import { type Counts, change, countsIn, fmtInt, fmtPct, rates, tierOf } from '../figures.js';
import { previousPeriods } from '../period.js';
import type { Block, ReportConfig } from '../types.js';
import { domainCounters, MissingSource, type SectionContext, sesCounters } from './context.js';

function countsRow(label: string, c: Counts): (string | number)[] {
  const r = rates(c);
  return [
    label,
    fmtInt(c.Send),
    fmtInt(c.Delivery),
    fmtInt(c.Bounce),
    fmtInt(c.Complaint),
    fmtInt(c.Reject),
    c.DeliveryDelay === undefined ? '—' : fmtInt(c.DeliveryDelay),
    fmtPct(r.sendSuccessRate),
    fmtPct(r.bounceRate),
    fmtPct(r.complaintRate, 3),
  ];
}
const COUNT_HEAD = [
  '対象',
  '送信',
  '配信',
  'バウンス',
  '苦情',
  '拒否',
  '配信遅延',
  '成功率',
  'バウンス率',
  '苦情率',
];

/** 送信統計サマリー (daily), 週間送信統計 (weekly), 月間送信統計 (monthly). */
export async function sendingSummary(ctx: SectionContext): Promise<Block[]> {
  const { cfg, period } = ctx;
  const byId = await sesCounters(ctx, period.start, period.end);
  const account = countsIn(byId, 'a_', period.start, period.end);
  // The per-domain query failing leaves the account figures (AWS/SES) standing: the domain table says why.
  let domainProblem: string | undefined;
  let perDomain = new Map<string, Counts>();
  try {
    perDomain = await domainCounters(ctx, period.start, period.end);
  } catch (error) {
    const e = error as Error;
    domainProblem = e instanceof MissingSource ? e.message : `${e.name}: ${e.message.slice(0, 300)}`;
  }
  const domains = domainProblem ? [] : cfg.domains.map((d) => ({ name: d.name, c: perDomain.get(d.name)! }));
  const r = rates(account);
  const t = cfg.tiers;
  const verdict = (s: string | undefined) => (s ? `${s} 閾値超過` : '閾値内');
  const tierRows = [
    [
      'バウンス率',
      fmtPct(r.bounceRate),
      tierText(t.bounceRate, '>'),
      verdict(tierOf(r.bounceRate, t.bounceRate)),
    ],
    [
      '苦情率',
      fmtPct(r.complaintRate, 3),
      tierText(t.complaintRate, '>'),
      verdict(tierOf(r.complaintRate, t.complaintRate)),
    ],
    [
      '送信成功率',
      fmtPct(r.sendSuccessRate),
      tierText(t.sendSuccessRate, '<'),
      verdict(tierOf(r.sendSuccessRate, t.sendSuccessRate, true)),
    ],
  ];
  const sorted = [...domains].sort(
    (a, b) =>
      (rates(b.c).bounceRate ?? -1) - (rates(a.c).bounceRate ?? -1) ||
      (rates(b.c).complaintRate ?? -1) - (rates(a.c).complaintRate ?? -1),
  );
  ctx.figures.sending = {
    account: { ...account, ...r },
    domains: Object.fromEntries(sorted.map((d) => [d.name, { ...d.c, ...rates(d.c) }])),
    ...(domainProblem ? { domainsMissing: domainProblem } : {}),
  };
  const mark = (c: Counts) =>
    tierOf(rates(c).bounceRate, t.bounceRate) || tierOf(rates(c).complaintRate, t.complaintRate)
      ? ('bad' as const)
      : undefined;
  const blocks: Block[] = [
    {
      kind: 'table',
      caption: `アカウント全体（AWS/SES、${period.label}）`,
      head: COUNT_HEAD,
      rows: [countsRow('アカウント全体', account)],
      marks: [mark(account)],
    },
    {
      kind: 'table',
      caption: '率とアラーム閾値（期間平均。アラームは5分間の値で評価します）',
      head: ['指標', '期間の値', '閾値 P1 / P2 / P3', '判定'],
      rows: tierRows,
      marks: tierRows.map((row) => (String(row[3]).includes('超過') ? 'bad' : undefined)),
    },
    domainProblem
      ? { kind: 'paragraph', text: `ドメイン別の集計を取得できませんでした（${domainProblem}）。` }
      : {
          kind: 'table',
          caption: 'ドメイン別（/aws/ses/events の ses:from-domain、バウンス率の高い順）',
          head: COUNT_HEAD,
          rows: sorted.map((d) => countsRow(d.name, d.c)),
          marks: sorted.map((d) => mark(d.c)),
        },
  ];
  if (ctx.period.cadence === 'monthly') blocks.push(...(await monthOverMonth(ctx, account)));
  return blocks;
}

function tierText(t: ReportConfig['tiers']['bounceRate'], op: string): string {
  return `${op} ${t.P1.threshold}% / ${t.P2.threshold}% / ${t.P3.threshold}%`;
}

async function monthOverMonth(ctx: SectionContext, current: Counts): Promise<Block[]> {
  const [prev] = previousPeriods(ctx.period, 1);
  const byId = await sesCounters(ctx, prev!.start, prev!.end);
  const before = countsIn(byId, 'a_', prev!.start, prev!.end);
  ctx.figures.previousMonth = { ...before, ...rates(before) };
  return [
    {
      kind: 'table',
      caption: `前月（${prev!.label}）との比較`,
      head: ['指標', prev!.label, ctx.period.label, '増減'],
      rows: [
        ...(['Send', 'Delivery', 'Bounce', 'Complaint', 'Reject'] as const).map((k) => [
          k,
          fmtInt(before[k]),
          fmtInt(current[k]),
          change(current[k], before[k]),
        ]),
        ['バウンス率', fmtPct(rates(before).bounceRate), fmtPct(rates(current).bounceRate), '—'],
        ['苦情率', fmtPct(rates(before).complaintRate, 3), fmtPct(rates(current).complaintRate, 3), '—'],
      ],
    },
  ];
}
