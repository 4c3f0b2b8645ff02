/**
 * The sections of seed 4.3.1, each a function of the period and the sources. A section whose source fails (or does
 * not exist yet) is returned as "missing" with the reason, and the report still goes out.
 */
import { chartRequests } from './charts.js';
import {
  alarmEntries,
  alarmSpans,
  COUNTERS,
  type Counts,
  change,
  countsIn,
  duration,
  fmtInt,
  fmtNum,
  fmtPct,
  pct,
  rates,
  risingRun,
  tierOf,
} from './figures.js';
import { jstDate, jstTime, previousPeriods } from './period.js';
import type { AlarmTransition, MetricQuery, MetricSeries, ReportSources } from './ports.js';
import type { Block, Cadence, Period, ReportConfig, Section } from './types.js';

export interface SectionContext {
  readonly cfg: ReportConfig;
  readonly period: Period;
  readonly sources: ReportSources;
  readonly now: Date;
  /** Figures archived as JSON, filled by the sections. */
  readonly figures: Record<string, unknown>;
  /** Chart ids per section id, filled by the charts step. */
  readonly charts: Map<string, { id: string; title: string }[]>;
}

export class MissingSource extends Error {
  override readonly name = 'MissingSource';
}

const DOMAIN_DIM = 'ses:from-domain';
const DAY = 86_400;

/** Runs a section; a failure becomes a missing section naming the reason. */
export async function guard(
  id: string,
  title: string,
  build: () => Promise<Block[]>,
  ctx: SectionContext,
): Promise<Section> {
  try {
    const blocks = await build();
    const charts = ctx.charts.get(id) ?? [];
    return {
      id,
      title,
      status: 'ok',
      blocks: [
        ...blocks,
        ...charts.map((c) => ({ kind: 'chart' as const, id: c.id, title: c.title, alt: c.title })),
      ],
    };
  } catch (error) {
    const e = error as Error;
    const reason =
      e instanceof MissingSource
        ? e.message
        : `データ取得に失敗しました（${e.name}: ${e.message.slice(0, 300)}）`;
    ctx.figures[id] = { missing: reason };
    return { id, title, status: 'missing', reason, blocks: [] };
  }
}

/** Daily series of the account's and every domain's SES counters over [start, end). */
async function sesCounters(ctx: SectionContext, start: Date, end: Date): Promise<Map<string, MetricSeries>> {
  const queries: MetricQuery[] = [
    ...COUNTERS.map((m) => ({ id: `a_${m}`, namespace: 'AWS/SES', metric: m, stat: 'Sum' })),
    ...ctx.cfg.domains.flatMap((d, i) =>
      [...COUNTERS, 'DeliveryDelay'].map((m) => ({
        id: `d${i}_${m}`,
        namespace: 'AWS/SES',
        metric: m,
        dimensions: { [DOMAIN_DIM]: d.name },
        stat: 'Sum',
      })),
    ),
  ];
  const series = await ctx.sources.metricData(queries, start, end, DAY);
  return new Map(series.map((s) => [s.id, s]));
}

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
  const domains = cfg.domains.map((d, i) => ({
    name: d.name,
    c: countsIn(byId, `d${i}_`, period.start, period.end),
  }));
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
    {
      kind: 'table',
      caption: 'ドメイン別（ses:from-domain、バウンス率の高い順）',
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
      '  detail.mail.tags.ses:from-domain.0 as fromDomain',
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

/** パフォーマンス指標: delivery latency percentiles, Firehose freshness, function errors and durations. */
export async function performance(ctx: SectionContext): Promise<Block[]> {
  const { cfg, period, sources } = ctx;
  const seconds = Math.round((period.end.getTime() - period.start.getTime()) / 1000);
  const stream = { DeliveryStreamName: cfg.deliveryStream };
  const queries: MetricQuery[] = [
    ...['p50', 'p90', 'p99'].map((s) => ({
      id: `lat_${s}`,
      namespace: cfg.namespace,
      metric: 'DeliveryProcessingTime',
      stat: s,
    })),
    {
      id: 'fh_max',
      namespace: 'AWS/Firehose',
      metric: 'DeliveryToS3.DataFreshness',
      dimensions: stream,
      stat: 'Maximum',
    },
    {
      id: 'fh_avg',
      namespace: 'AWS/Firehose',
      metric: 'DeliveryToS3.DataFreshness',
      dimensions: stream,
      stat: 'Average',
    },
    ...cfg.functions.flatMap((fn, i) =>
      (
        [
          ['inv', 'Invocations', 'Sum'],
          ['err', 'Errors', 'Sum'],
          ['thr', 'Throttles', 'Sum'],
          ['davg', 'Duration', 'Average'],
          ['dmax', 'Duration', 'Maximum'],
        ] as const
      ).map(([k, metric, stat]) => ({
        id: `fn${i}_${k}`,
        namespace: 'AWS/Lambda',
        metric,
        dimensions: { FunctionName: fn },
        stat,
      })),
    ),
  ];
  const series = new Map(
    (await sources.metricData(queries, period.start, period.end, seconds)).map((s) => [s.id, s]),
  );
  const one = (id: string) => series.get(id)?.values[0];
  const latency = { p50: one('lat_p50'), p90: one('lat_p90'), p99: one('lat_p99') };
  const functions = cfg.functions.map((fn, i) => ({
    fn,
    invocations: one(`fn${i}_inv`) ?? 0,
    errors: one(`fn${i}_err`) ?? 0,
    throttles: one(`fn${i}_thr`) ?? 0,
    durationAvg: one(`fn${i}_davg`),
    durationMax: one(`fn${i}_dmax`),
  }));
  ctx.figures.performance = {
    latencyMs: latency,
    firehoseFreshnessSeconds: { max: one('fh_max'), avg: one('fh_avg') },
    functions,
  };
  const shortName = (fn: string) => fn.replace(`${cfg.prefix}-`, '');
  return [
    {
      kind: 'table',
      caption: '配信レイテンシ（delivery.processingTimeMillis、期間全体のパーセンタイル）と Firehose 鮮度',
      head: ['指標', '値', 'アラーム閾値'],
      rows: [
        ['配信レイテンシ p50', `${fmtInt(latency.p50)} ms`, '—'],
        ['配信レイテンシ p90', `${fmtInt(latency.p90)} ms`, `${fmtInt(cfg.deliveryLatencyP90Ms)} ms (P3)`],
        ['配信レイテンシ p99', `${fmtInt(latency.p99)} ms`, '—'],
        ['Firehose 鮮度 最大', `${fmtInt(one('fh_max'))} 秒`, `${cfg.firehoseFreshnessSeconds} 秒 (P2)`],
        ['Firehose 鮮度 平均', `${fmtInt(one('fh_avg'))} 秒`, '—'],
      ],
      marks: [
        undefined,
        (latency.p90 ?? 0) > cfg.deliveryLatencyP90Ms ? 'bad' : undefined,
        undefined,
        (one('fh_max') ?? 0) > cfg.firehoseFreshnessSeconds ? 'bad' : undefined,
        undefined,
      ],
    },
    {
      kind: 'table',
      caption: 'Lambda 関数（エラーのある関数が先頭）',
      head: ['関数', '実行回数', 'エラー', 'スロットル', '平均時間 (ms)', '最大時間 (ms)'],
      rows: [...functions]
        .sort((a, b) => b.errors - a.errors || a.fn.localeCompare(b.fn))
        .map((f) => [
          shortName(f.fn),
          fmtInt(f.invocations),
          fmtInt(f.errors),
          fmtInt(f.throttles),
          fmtNum(f.durationAvg),
          fmtNum(f.durationMax),
        ]),
      marks: [...functions]
        .sort((a, b) => b.errors - a.errors || a.fn.localeCompare(b.fn))
        .map((f) => (f.errors > 0 ? 'bad' : f.throttles > 0 ? 'warn' : undefined)),
    },
  ];
}

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

/** Weekly counts of the account and each domain for the period and the four before it. */
async function weeklySeries(ctx: SectionContext) {
  const weeks = [...previousPeriods(ctx.period, 4), ctx.period];
  const byId = await sesCounters(ctx, weeks[0]!.start, ctx.period.end);
  const account = weeks.map((w) => countsIn(byId, 'a_', w.start, w.end));
  const domains = ctx.cfg.domains.map((d, i) => ({
    name: d.name,
    weeks: weeks.map((w) => countsIn(byId, `d${i}_`, w.start, w.end)),
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

/** 改善提案: explainable rules over the trend and the alarm history. */
export async function proposals(ctx: SectionContext): Promise<Block[]> {
  const { cfg, period, sources } = ctx;
  const { weeks, account, domains } = await weeklySeries(ctx);
  const history: AlarmTransition[] = await sources.alarmHistory(`${cfg.prefix}-`, period.start, period.end);
  const findings: string[] = [];
  const rules: string[] = [];
  const minSends = 100;
  rules.push('規則1: 送信数100件以上の週が続く中でバウンス率が3週連続で上昇したドメイン');
  for (const d of domains) {
    const rs = d.weeks.map((c) => (c.Send >= minSends ? rates(c).bounceRate : undefined));
    if (risingRun(rs, 3)) {
      findings.push(
        `${d.name}: バウンス率が3週連続で上昇しています（${rs
          .slice(-3)
          .map((r) => fmtPct(r))
          .join(' → ')}）。` +
          'リストの衛生状態（無効アドレスの削除、ダブルオプトイン）と送信元アプリケーションを確認してください。',
      );
    }
  }
  rules.push('規則2: 1週間に4回以上 ALARM になったアラーム（フラッピング）');
  for (const [alarm, n] of alarmEntries(history, period.start, period.end)) {
    if (n >= 4) {
      findings.push(
        `${alarm}: 今週 ${n} 回 ALARM になりました（フラッピング）。評価期間数（evaluationPeriods）を増やすか、閾値を見直してください。`,
      );
    }
  }
  rules.push('規則3: 5週間の週平均がP3閾値の半分に一度も達しない率（閾値が緩すぎる可能性）');
  const maxOf = (xs: (number | undefined)[]) => Math.max(...xs.map((x) => x ?? 0));
  const bounceMax = maxOf(account.map((c) => rates(c).bounceRate));
  const complaintMax = maxOf(account.map((c) => rates(c).complaintRate));
  if (account.some((c) => c.Send > 0)) {
    if (bounceMax < cfg.tiers.bounceRate.P3.threshold / 2) {
      findings.push(
        `バウンス率の週平均は5週間で最大 ${fmtPct(bounceMax)} で、P3 閾値 ${cfg.tiers.bounceRate.P3.threshold}% の半分に達していません。` +
          'より早く異常に気付くため、P3 閾値を下げることを検討してください（参考情報）。',
      );
    }
    if (complaintMax < cfg.tiers.complaintRate.P3.threshold / 2) {
      findings.push(
        `苦情率の週平均は5週間で最大 ${fmtPct(complaintMax, 3)} で、P3 閾値 ${cfg.tiers.complaintRate.P3.threshold}% の半分に達していません（参考情報）。`,
      );
    }
  }
  rules.push('規則4: 今週の送信成功率の平均が P3 閾値を下回った');
  const success = rates(account[account.length - 1]!).sendSuccessRate;
  if (success !== undefined && success < cfg.tiers.sendSuccessRate.P3.threshold) {
    findings.push(
      `今週の送信成功率 ${fmtPct(success)} が P3 閾値 ${cfg.tiers.sendSuccessRate.P3.threshold}% を下回っています。拒否・バウンスの内訳を確認してください。`,
    );
  }
  ctx.figures.proposals = { rules, findings, weeks: weeks.map((w) => w.key) };
  return [
    findings.length
      ? { kind: 'list', items: findings }
      : { kind: 'paragraph', text: '今週はどの規則にも該当しませんでした。改善提案はありません。' },
    { kind: 'paragraph', text: '判定に使った規則:' },
    { kind: 'list', items: rules },
  ];
}

/** コンプライアンス状況: retention, data-protection findings, drift, BYODKIM key ages, audit trail. */
export async function complianceStatus(ctx: SectionContext): Promise<Block[]> {
  const { cfg, period, sources, now } = ctx;
  const rows: (string | number)[][] = [];
  const marks: ('bad' | 'warn' | undefined)[] = [];
  const problems: string[] = [];
  const add = (item: string, state: string, ok: boolean | 'warn') => {
    rows.push([item, state, ok === true ? 'OK' : ok === 'warn' ? '要確認' : 'NG']);
    marks.push(ok === true ? undefined : ok === 'warn' ? 'warn' : 'bad');
  };
  const attempt = async (label: string, f: () => Promise<void>) => {
    try {
      await f();
    } catch (e) {
      problems.push(`${label}: ${(e as Error).name}: ${(e as Error).message.slice(0, 200)}`);
      add(label, 'データ取得失敗', 'warn');
    }
  };
  await attempt('ログ保持期間', async () => {
    const groups = await sources.logGroups(cfg.ownedLogGroups);
    for (const name of cfg.ownedLogGroups) {
      const g = groups.find((x) => x.name === name);
      if (!g) add(`保持期間 ${name}`, '存在しません', false);
      else
        add(
          `保持期間 ${name}`,
          `${g.retentionInDays ?? '無期限'} 日（設定値 ${cfg.logRetentionDays} 日）`,
          g.retentionInDays === cfg.logRetentionDays,
        );
    }
    for (const name of [cfg.logGroups.sesEvents, cfg.logGroups.application]) {
      const g = groups.find((x) => x.name === name);
      if (g)
        add(
          `データ保護ポリシー ${name}`,
          g.dataProtection ? '有効（メール・IP をマスク）' : '無効',
          g.dataProtection,
        );
    }
  });
  await attempt('データ保護の検出', async () => {
    const rows2 = await sources.insights(
      [cfg.logGroups.compliance],
      'stats count() as findings',
      period.start,
      period.end,
    );
    const n = Number(rows2[0]?.findings ?? 0);
    ctx.figures.dataProtectionFindings = n;
    add('データ保護の検出（監査ログ）', `${n} 件（マスクされた個人情報の検出記録）`, true);
  });
  await attempt('ドリフト', async () => {
    const drift = await sources.latestDrift();
    if (!drift) {
      add('CloudFormation ドリフト', 'ドリフト検出レポートがありません', 'warn');
      return;
    }
    const drifted = drift.stacks.filter((s) => s.status !== 'IN_SYNC');
    add(
      'CloudFormation ドリフト',
      `${drift.startedAt.slice(0, 10)} 実行: ${drifted.length ? drifted.map((s) => `${s.stack}=${s.status}`).join(', ') : '全スタック IN_SYNC'}`,
      drifted.length === 0,
    );
  });
  await attempt('BYODKIM', async () => {
    const keys = await sources.keyAges(cfg.domains.map((d) => d.name));
    ctx.figures.byodkim = keys;
    for (const k of keys) {
      const age = k.keyCreatedAt
        ? Math.floor((now.getTime() - Date.parse(k.keyCreatedAt)) / 86_400_000)
        : undefined;
      const interval = cfg.domains.find((d) => d.name === k.domain)?.rotationIntervalDays ?? 365;
      add(
        `BYODKIM ${k.domain}`,
        `段階 ${k.stage}、鍵 ${k.selector ?? '—'}（${age === undefined ? '作成日不明' : `${age} 日経過`}）、次回ローテーション ${k.nextRotationAt?.slice(0, 10) ?? '未定'}`,
        k.stage === 'FAILED' ? false : age !== undefined && age > interval ? 'warn' : true,
      );
    }
  });
  await attempt('監査証跡', async () => {
    const t = await sources.trailStatus(cfg.trailName);
    add(
      `監査証跡 ${t.name}`,
      `記録 ${t.logging ? '中' : '停止'}、ログファイル検証 ${t.logFileValidation ? '有効' : '無効'}${t.latestDeliveryError ? `、配信エラー ${t.latestDeliveryError}` : ''}`,
      t.logging && t.logFileValidation && !t.latestDeliveryError,
    );
  });
  ctx.figures.compliance = { rows, problems };
  const blocks: Block[] = [{ kind: 'table', head: ['項目', '状態', '判定'], rows, marks }];
  if (problems.length)
    blocks.push({ kind: 'paragraph', text: `取得できなかった項目: ${problems.join(' / ')}` });
  return blocks;
}

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

/** Renders the charts of the period; returns the images and fills ctx.charts (section → chart ids). */
export async function charts(
  ctx: SectionContext,
): Promise<{ images: { id: string; title: string; png: Uint8Array }[]; problems: string[] }> {
  const problems: string[] = [];
  let body: unknown;
  try {
    body = await ctx.sources.dashboard(ctx.cfg.dashboard);
  } catch (e) {
    return {
      images: [],
      problems: [`ダッシュボード ${ctx.cfg.dashboard} を読めません（${(e as Error).message.slice(0, 120)}）`],
    };
  }
  const { requests, missing } = chartRequests(body, ctx.period);
  for (const m of missing) problems.push(`ダッシュボードに ${m} のグラフがありません`);
  const images: { id: string; title: string; png: Uint8Array }[] = [];
  for (const r of requests) {
    try {
      const png = await ctx.sources.widgetImage(r.widget);
      images.push({ id: r.id, title: r.title, png });
      ctx.charts.set(r.section, [...(ctx.charts.get(r.section) ?? []), { id: r.id, title: r.title }]);
    } catch (e) {
      problems.push(`グラフ「${r.title}」を作成できません（${(e as Error).message.slice(0, 120)}）`);
    }
  }
  return { images, problems };
}

/** The sections of each cadence, in order, with the seed's titles. */
export const SECTIONS: Record<
  Cadence,
  readonly { id: string; title: string; build: (ctx: SectionContext) => Promise<Block[] | undefined> }[]
> = {
  daily: [
    { id: 'sending', title: '送信統計サマリー', build: sendingSummary },
    { id: 'bounces', title: 'エラー・バウンス詳細', build: bounceDetail },
    { id: 'performance', title: 'パフォーマンス指標', build: performance },
    { id: 'pii', title: '個人情報アクセスログ（マスク済み）', build: piiAccess },
    { id: 'alarms', title: 'アラート（重要度別・継続時間）', build: alarmsOfPeriod },
  ],
  weekly: [
    { id: 'sending', title: '週間送信統計', build: sendingSummary },
    { id: 'trend', title: 'トレンド分析', build: trend },
    { id: 'proposals', title: '改善提案', build: proposals },
    { id: 'compliance', title: 'コンプライアンス状況', build: complianceStatus },
    { id: 'alarms', title: 'アラート（重要度別・継続時間）', build: alarmsOfPeriod },
  ],
  monthly: [
    { id: 'sending', title: '月間送信統計', build: sendingSummary },
    { id: 'cost', title: 'コスト分析', build: costAnalysis },
    { id: 'security', title: 'セキュリティ監査', build: securityAudit },
    { id: 'japan', title: '日本コンプライアンス報告', build: japanCompliance },
    { id: 'byodkim-year', title: 'BYODKIM 年次まとめ（seed 6.2.2）', build: byodkimYear },
  ],
};
