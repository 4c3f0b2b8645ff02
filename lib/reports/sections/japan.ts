/** 日本コンプライアンス報告 (monthly report, seed 4.3.1). */
import type { Block } from '../types.js';
import type { SectionContext } from './context.js';

/** 日本コンプライアンス報告 (APPI): what personal data is held where, retention, masking, access. */
export async function japanCompliance(ctx: SectionContext): Promise<Block[]> {
  const { cfg } = ctx;
  const y = (days: number) => `${days} 日（約${Math.round(days / 365)}年）`;
  const archive =
    cfg.archiveGlacierDays === null
      ? y(cfg.archiveExpirationDays)
      : `${y(cfg.archiveExpirationDays)}（${cfg.archiveGlacierDays} 日後に Glacier IR へ移行）`;
  return [
    {
      kind: 'paragraph',
      text:
        '個人情報保護法（APPI）に基づく安全管理措置の状況です。保有する個人データはメール送信に伴う宛先メールアドレスと送信元 IP アドレスで、' +
        `すべて東京リージョン（${cfg.region}）内に保管し、国外へ移転していません。`,
    },
    {
      kind: 'table',
      caption: '保有する個人データと保管場所',
      head: ['保管場所', '内容', 'マスキング', '保存期間', 'アクセス'],
      rows: [
        [
          cfg.logGroups.sesEvents,
          'SES イベント（宛先・送信元 IP）',
          'データ保護ポリシーで全体マスク',
          y(cfg.logRetentionDays),
          '閲覧は全員マスク、unmask は管理者ロールのみ',
        ],
        [
          cfg.logGroups.application,
          'アプリケーションログ',
          'データ保護ポリシーで全体マスク',
          y(cfg.logRetentionDays),
          '同上',
        ],
        [
          'アーカイブ masked/',
          'SES イベント',
          '部分マスク（t***@example***.***、203.*.*.*）',
          archive,
          '運用ロール',
        ],
        [
          'アーカイブ raw/・errors/',
          '未マスクの SES イベント',
          'なし（KMS 暗号化）',
          archive,
          '管理者ロールのみ（バケットポリシー）、読み取りは CloudTrail に記録',
        ],
        ['定期レポート reports/', '集計値とマスク済み宛先のみ', 'クエリでマスク', archive, 'レポート受信者'],
      ],
    },
    {
      kind: 'paragraph',
      text: '個人データへのアクセス記録（誰がいつ unmask したか）は日次レポートの「個人情報アクセスログ」で報告します。raw/・errors/ の読み取りは監査証跡に記録され、npm run status の --pii-access-days で確認できます。',
    },
  ];
}
