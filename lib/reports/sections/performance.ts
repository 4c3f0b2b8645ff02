/** パフォーマンス指標 (daily report, seed 4.3.1). */
import { fmtInt, fmtNum } from '../figures.js';
import type { MetricQuery } from '../ports.js';
import type { Block } from '../types.js';
import type { SectionContext } from './context.js';

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
