/** コスト分析 (monthly report, seed 4.3.1). */
import { change, fmtPct, pct } from '../figures.js';
import { jstDate, previousPeriods } from '../period.js';
import type { Block } from '../types.js';
import type { SectionContext } from './context.js';

/** コスト分析: Cost Explorer by the Project cost allocation tag, month against the previous, untagged share. */
export async function costAnalysis(ctx: SectionContext): Promise<Block[]> {
  const { cfg, period, sources } = ctx;
  const [prev] = previousPeriods(period, 1);
  const lines = await sources.cost(prev!.key, jstDate(period.end));
  const total = (month: string, filter: (tag: string) => boolean) =>
    lines.filter((l) => l.month === month && filter(l.tag)).reduce((a, l) => a + l.amount, 0);
  const ours = (tag: string) => tag === cfg.projectCode;
  const untagged = (tag: string) => tag === '';
  const unit = lines[0]?.unit ?? 'USD';
  const cur = {
    project: total(period.key, ours),
    untagged: total(period.key, untagged),
    all: total(period.key, () => true),
  };
  const before = {
    project: total(prev!.key, ours),
    untagged: total(prev!.key, untagged),
    all: total(prev!.key, () => true),
  };
  const services = [...new Set(lines.filter((l) => ours(l.tag)).map((l) => l.service))]
    .map((s) => ({
      s,
      now: lines
        .filter((l) => l.month === period.key && ours(l.tag) && l.service === s)
        .reduce((a, l) => a + l.amount, 0),
      before: lines
        .filter((l) => l.month === prev!.key && ours(l.tag) && l.service === s)
        .reduce((a, l) => a + l.amount, 0),
    }))
    .sort((a, b) => b.now - a.now);
  let estimate: string;
  try {
    estimate = sources.costEstimate
      ? `${(await sources.costEstimate()).toFixed(2)} ${unit}`
      : 'コストモデル（npm run cost、lib/cost）の見積もりはこのレポートに未接続です: npm run cost -- <env> で確認してください';
  } catch (e) {
    estimate = `見積もりの取得に失敗しました（${(e as Error).message.slice(0, 120)}）`;
  }
  const untaggedShare = pct(cur.untagged, cur.all);
  ctx.figures.cost = {
    unit,
    current: cur,
    previous: before,
    untaggedSharePercent: untaggedShare,
    services,
    estimate,
  };
  const money = (n: number) => `${n.toFixed(2)} ${unit}`;
  return [
    {
      kind: 'table',
      caption: `コスト（Cost Explorer、UnblendedCost、タグ Project=${cfg.projectCode}）`,
      head: ['区分', prev!.label, period.label, '増減'],
      rows: [
        [
          `Project=${cfg.projectCode}`,
          money(before.project),
          money(cur.project),
          change(cur.project, before.project),
        ],
        [
          'タグなし（配分不能）',
          money(before.untagged),
          money(cur.untagged),
          change(cur.untagged, before.untagged),
        ],
        ['アカウント合計', money(before.all), money(cur.all), change(cur.all, before.all)],
        ['コストモデルの見積もり', '—', estimate, '—'],
      ],
    },
    {
      kind: 'table',
      caption: 'サービス別（Project タグ付き）',
      head: ['サービス', prev!.label, period.label, '増減'],
      rows: services.map((s) => [s.s, money(s.before), money(s.now), change(s.now, s.before)]),
    },
    {
      kind: 'paragraph',
      text:
        `タグなしの割合: ${fmtPct(untaggedShare, 1)}。コスト配分タグは支払いアカウントで有効化した日以降の請求にのみ付き、` +
        '遡って適用されません。SES の送信料金やデータ転送など、タグが付かない料金もあるため、タグなし分を隠さずに表示しています。',
    },
  ];
}
