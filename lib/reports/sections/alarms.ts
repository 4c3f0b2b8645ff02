/** アラート（重要度別・継続時間） (daily and weekly reports, seed 4.3.1). */
import { alarmSpans, duration } from '../figures.js';
import { jstTime } from '../period.js';
import type { Block } from '../types.js';
import type { SectionContext } from './context.js';

/** アラート（重要度別、継続時間。P3 はここでレビュー）. */
export async function alarmsOfPeriod(ctx: SectionContext): Promise<Block[]> {
  const { cfg, period, sources } = ctx;
  const prefix = `${cfg.prefix}-`;
  const [alarms, history] = await Promise.all([
    sources.alarms(prefix),
    sources.alarmHistory(prefix, period.start, period.end),
  ]);
  const spans = alarmSpans(history, alarms, period);
  const bySeverity = { P1: 0, P2: 0, P3: 0, none: 0 };
  for (const s of spans) bySeverity[s.severity ?? 'none']++;
  const inAlarm = alarms.filter((a) => a.state === 'ALARM');
  ctx.figures.alarms = {
    bySeverity,
    spans: spans.map((s) => ({ ...s, start: s.start.toISOString(), end: s.end?.toISOString() })),
    inAlarmNow: inAlarm.map((a) => a.name),
  };
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        `期間中のアラート発生: P1 ${bySeverity.P1} 件、P2 ${bySeverity.P2} 件、P3 ${bySeverity.P3} 件。` +
        `現在 ALARM 状態: ${inAlarm.length ? inAlarm.map((a) => a.name.replace(prefix, '')).join('、') : 'なし'}。`,
    },
    {
      kind: 'table',
      caption: '発生したアラート（重要度順。P3 は即時対応不要のため、ここでレビューします）',
      head: ['重要度', 'アラーム', '開始 (JST)', '終了 (JST)', '継続時間'],
      rows: spans.map((s) => [
        s.severity ?? '—',
        s.alarm.replace(prefix, ''),
        s.carriedOver ? `${jstTime(s.start)}（前期間から継続）` : jstTime(s.start),
        s.end ? jstTime(s.end) : '継続中',
        duration(s.minutes),
      ]),
      marks: spans.map((s) => (s.severity === 'P1' ? 'bad' : s.severity === 'P2' ? 'warn' : undefined)),
    },
  ];
  return blocks;
}
