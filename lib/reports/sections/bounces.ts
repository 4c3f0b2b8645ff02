/** エラー・バウンス詳細 (daily report, seed 4.3.1). */
import { SES_EVENT_FIELDS } from '../../../contracts/metrics.js';
import { jstTime } from '../period.js';
import type { Block } from '../types.js';
import type { SectionContext } from './context.js';

/** エラー・バウンス詳細: bounce types, top reasons and domains, recent bounces with masked recipients. */
export async function bounceDetail(ctx: SectionContext): Promise<Block[]> {
  const { cfg, period, sources } = ctx;
  const groups = [cfg.logGroups.sesEvents];
  const byType = await sources.insights(
    groups,
    [
      'filter detail.eventType in ["Bounce", "Complaint", "Reject", "DeliveryDelay", "RenderingFailure"]',
      '| stats count() as events by detail.eventType as eventType, detail.bounce.bounceType as bounceType,',
      '    detail.bounce.bounceSubType as bounceSubType',
      '| sort events desc',
    ].join('\n'),
    period.start,
    period.end,
  );
  // Diagnostic codes can quote addresses: the log group's data-protection policy masks them in results.
  const reasons = await sources.insights(
    groups,
    [
      'filter detail.eventType = "Bounce"',
      '| parse `detail.mail.destination.0` "*@*" as rcptLocal, rcptDomain',
      '| stats count() as events by detail.bounce.bounceType as bounceType, rcptDomain,',
      '    substr(`detail.bounce.bouncedRecipients.0.diagnosticCode`, 0, 80) as reason',
      '| sort events desc',
      '| limit 10',
    ].join('\n'),
    period.start,
    period.end,
  );
  const recent = await sources.insights(
    groups,
    [
      'filter detail.eventType = "Bounce" or detail.eventType = "Complaint"',
      '| fields @timestamp, detail.eventType as eventType, detail.bounce.bounceType as bounceType,',
      '  concat(substr(`detail.mail.destination.0`, 0, 1), "***@***.***") as maskedRecipient,',
      `  ${SES_EVENT_FIELDS.fromDomain} as fromDomain`,
      '| sort @timestamp desc',
      '| limit 10',
    ].join('\n'),
    period.start,
    period.end,
  );
  ctx.figures.bounceDetail = { byType, reasons, recentCount: recent.length };
  return [
    {
      kind: 'table',
      caption: 'イベント種別ごとの件数（/aws/ses/events）',
      head: ['種別', 'バウンス種別', 'サブ種別', '件数'],
      rows: byType.map((r) => [
        r.eventType ?? '—',
        r.bounceType ?? '—',
        r.bounceSubType ?? '—',
        Number(r.events ?? 0),
      ]),
    },
    {
      kind: 'table',
      caption: 'バウンス理由と受信ドメイン 上位10件（理由中のアドレスはマスク済み）',
      head: ['バウンス種別', '受信ドメイン', '理由（先頭80文字）', '件数'],
      rows: reasons.map((r) => [
        r.bounceType ?? '—',
        r.rcptDomain ?? '—',
        r.reason ?? '—',
        Number(r.events ?? 0),
      ]),
    },
    {
      kind: 'table',
      caption: '直近のバウンス・苦情 10件（宛先はマスク済み）',
      head: ['日時 (JST)', '種別', 'バウンス種別', '宛先', '送信ドメイン'],
      rows: recent.map((r) => [
        r['@timestamp'] ? jstTime(new Date(`${r['@timestamp'].replace(' ', 'T')}Z`)) : '—',
        r.eventType ?? '—',
        r.bounceType ?? '—',
        r.maskedRecipient ?? '—',
        r.fromDomain ?? '—',
      ]),
    },
  ];
}
