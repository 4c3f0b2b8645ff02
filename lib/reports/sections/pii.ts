/** 個人情報アクセスログ（マスク済み） (daily report, seed 4.3.1). */
import { jstTime } from '../period.js';
import type { Block } from '../types.js';
import { MissingSource, type SectionContext } from './context.js';

/** 個人情報アクセスログ（マスク済み）: unmasked log reads from the PII audit (lib/pii-audit); never invented. */
export async function piiAccess(ctx: SectionContext): Promise<Block[]> {
  if (!ctx.sources.piiAccess) {
    throw new MissingSource(
      '個人情報アクセス監査のデータソースが設定されていないため、このセクションは作成できません。',
    );
  }
  const rows = await ctx.sources.piiAccess(ctx.period.start, ctx.period.end);
  ctx.figures.piiAccess = { unmaskedReads: rows.length, denied: rows.filter((r) => r.denied).length };
  return [
    {
      kind: 'paragraph',
      text:
        `期間中に個人情報をマスクなしで参照しようとした操作: ${rows.length} 件（うち拒否 ${rows.filter((r) => r.denied).length} 件）。` +
        'CloudTrail のイベント履歴（logs.amazonaws.com の unmask 付き読み取り・unmask() を含むクエリ）から作成しています。' +
        'クエリ文字列中のアドレスはマスク済みです。raw/・errors/ の読み取り（S3 データイベント）は監査証跡のログファイルにあり、' +
        '`npm run status -- <env> --pii-access-days N` で確認できます（このレポートには含みません）。',
    },
    {
      kind: 'table',
      caption: '個人情報のマスク解除（unmask）',
      head: ['日時 (JST)', '主体', '操作', '対象', '詳細'],
      rows: rows.map((r) => [
        Number.isNaN(Date.parse(r.time)) ? r.time : jstTime(new Date(r.time)),
        r.who,
        r.denied ? `${r.how}（拒否: ${r.denied}）` : r.how,
        r.what,
        r.detail ?? '—',
      ]),
      marks: rows.map((r) => (r.denied ? 'warn' : undefined)),
    },
  ];
}
