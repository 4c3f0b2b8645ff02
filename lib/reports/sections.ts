/**
 * The sections of seed 4.3.1, one module each in ./sections/, each a function of the period and the sources. A
 * section whose source fails (or does not exist yet) is returned as "missing" with the reason, and the report
 * still goes out (./sections/context.ts: `guard`).
 */

import { alarmsOfPeriod } from './sections/alarms.js';
import { bounceDetail } from './sections/bounces.js';
import { byodkimYear } from './sections/byodkim.js';
import { complianceStatus } from './sections/compliance.js';
import type { SectionContext } from './sections/context.js';
import { costAnalysis } from './sections/cost.js';
import { japanCompliance } from './sections/japan.js';
import { performance } from './sections/performance.js';
import { piiAccess } from './sections/pii.js';
import { proposals } from './sections/proposals.js';
import { securityAudit } from './sections/security.js';
import { sendingSummary } from './sections/sending.js';
import { trend } from './sections/trend.js';
import type { Block, Cadence } from './types.js';

export { charts } from './sections/chart-images.js';
export { guard, MissingSource, type SectionContext } from './sections/context.js';

type SectionDef = {
  readonly id: string;
  readonly title: string;
  readonly build: (ctx: SectionContext) => Promise<Block[] | undefined>;
};

/** The first section of every report, under each cadence's title. */
const sending = (title: string): SectionDef => ({ id: 'sending', title, build: sendingSummary });
const alarms: SectionDef = { id: 'alarms', title: 'アラート（重要度別・継続時間）', build: alarmsOfPeriod };

/** The sections of each cadence, in order, with the seed's titles. */
export const SECTIONS: Record<Cadence, readonly SectionDef[]> = {
  daily: [
    sending('送信統計サマリー'),
    { id: 'bounces', title: 'エラー・バウンス詳細', build: bounceDetail },
    { id: 'performance', title: 'パフォーマンス指標', build: performance },
    { id: 'pii', title: '個人情報アクセスログ（マスク済み）', build: piiAccess },
    alarms,
  ],
  weekly: [
    sending('週間送信統計'),
    { id: 'trend', title: 'トレンド分析', build: trend },
    { id: 'proposals', title: '改善提案', build: proposals },
    { id: 'compliance', title: 'コンプライアンス状況', build: complianceStatus },
    alarms,
  ],
  monthly: [
    sending('月間送信統計'),
    { id: 'cost', title: 'コスト分析', build: costAnalysis },
    { id: 'security', title: 'セキュリティ監査', build: securityAudit },
    { id: 'japan', title: '日本コンプライアンス報告', build: japanCompliance },
    { id: 'byodkim-year', title: 'BYODKIM 年次まとめ（seed 6.2.2）', build: byodkimYear },
  ],
};
