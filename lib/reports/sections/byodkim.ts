/** 年次 BYODKIM まとめ (monthly report, seed 6.2.2). */
import { jstTime } from '../period.js';
import type { Block } from '../types.js';
import type { SectionContext } from './context.js';

/** 年次 BYODKIM まとめ (seed 6.2.2), in the monthly report of a month with a completed rotation. */
export async function byodkimYear(ctx: SectionContext): Promise<Block[] | undefined> {
  const keys = await ctx.sources.keyAges(ctx.cfg.domains.map((d) => d.name));
  const inMonth = keys.filter((k) => {
    const t = k.lastRotationCompletedAt ? Date.parse(k.lastRotationCompletedAt) : Number.NaN;
    return t >= ctx.period.start.getTime() && t < ctx.period.end.getTime();
  });
  if (!inMonth.length) return undefined;
  ctx.figures.byodkimYear = inMonth;
  return [
    {
      kind: 'table',
      caption: '今月完了した BYODKIM 年次ローテーション',
      head: [
        'ドメイン',
        '新しいセレクタ',
        '完了日時 (JST)',
        '累計ローテーション',
        '次回予定',
        '直近のエラー',
      ],
      rows: inMonth.map((k) => [
        k.domain,
        k.selector ?? '—',
        jstTime(new Date(k.lastRotationCompletedAt!)),
        k.completedRotations,
        k.nextRotationAt?.slice(0, 10) ?? '—',
        k.lastError ?? 'なし',
      ]),
    },
  ];
}
