/** セキュリティ監査 (monthly report, seed 4.3.1). */
import { jstTime } from '../period.js';
import type { Block } from '../types.js';
import type { SectionContext } from './context.js';

/** セキュリティ監査: changes to IAM roles, key policies, bucket policies; console and root use. */
export async function securityAudit(ctx: SectionContext): Promise<Block[]> {
  const { cfg, period, sources } = ctx;
  const events = await sources.auditEvents(period.start, period.end);
  const ours = events.filter(
    (e) =>
      e.name === 'ConsoleLogin' ||
      e.user.includes('root') ||
      e.resources.some((r) => r.includes(cfg.prefix)) ||
      e.source === 'kms.amazonaws.com',
  );
  const root = ours.filter((e) => e.user.includes('root'));
  const consoleLogins = ours.filter((e) => e.name === 'ConsoleLogin');
  ctx.figures.security = { events: ours.length, root: root.length, consoleLogins: consoleLogins.length };
  return [
    {
      kind: 'paragraph',
      text:
        `対象期間の変更イベント ${ours.length - consoleLogins.length} 件、コンソールログイン ${consoleLogins.length} 件、ルートユーザーの操作 ${root.length} 件。` +
        'IAM はグローバルサービスのため us-east-1 の CloudTrail から取得しています。',
    },
    {
      kind: 'table',
      caption: 'IAM ロール・KMS キーポリシー・バケットポリシーの変更、コンソール・ルート利用',
      head: ['日時 (JST)', 'イベント', 'サービス', '主体', '対象'],
      rows: ours.map((e) => [
        jstTime(e.at),
        e.name,
        e.source.replace('.amazonaws.com', ''),
        e.user,
        e.resources.join(', ') || '—',
      ]),
      marks: ours.map((e) => (e.user.includes('root') ? 'bad' : undefined)),
    },
  ];
}
