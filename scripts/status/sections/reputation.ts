/** Section 3 of `npm run status`: SES reputation and the last 24 hours' volume (AWS/SES metrics). */
import { GetMetricDataCommand, type GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import { METRICS, type MetricDef } from '../../../contracts/metrics.js';
import { guarded, type Section, type StatusClients, type StatusContext } from './shared.js';

/** AWS's account review thresholds (SES puts the account under review at these rates). */
export const BOUNCE_REVIEW = 0.05;
export const COMPLAINT_REVIEW = 0.001;

function pct(fraction: number | undefined, digits = 2): string {
  return fraction === undefined ? 'no data' : `${(fraction * 100).toFixed(digits)}%`;
}

function latest(out: GetMetricDataCommandOutput, id: string): number | undefined {
  const r = out.MetricDataResults?.find((m) => m.Id === id);
  if (!r?.Values?.length || !r.Timestamps?.length) return undefined;
  let best = 0;
  r.Timestamps.forEach((t, i) => {
    if (t.getTime() > (r.Timestamps?.[best]?.getTime() ?? 0)) best = i;
  });
  return r.Values[best];
}

function sum(out: GetMetricDataCommandOutput, id: string): number | undefined {
  const r = out.MetricDataResults?.find((m) => m.Id === id);
  return r?.Values?.length ? r.Values.reduce((a, b) => a + b, 0) : undefined;
}

/** 3. Reputation and the last 24 hours' volume from AWS/SES metrics. */
export function reputationSection(ctx: StatusContext, c: StatusClients): Promise<Section> {
  const title = 'SES reputation and volume (last 24 h)';
  return guarded(title, 'AWS/SES metrics (cloudwatch:GetMetricData)', async () => {
    const end = new Date(Math.floor(ctx.now() / 60_000) * 60_000);
    const start = new Date(end.getTime() - 24 * 3600_000);
    const metric = (id: string, def: MetricDef, stat: string) => ({
      Id: id,
      MetricStat: { Metric: { Namespace: def.namespace, MetricName: def.name }, Period: 3600, Stat: stat },
      ReturnData: true,
    });
    const out: GetMetricDataCommandOutput = await c.cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: start,
        EndTime: end,
        MetricDataQueries: [
          metric('bouncerate', METRICS.sesReputationBounceRate, 'Maximum'),
          metric('complaintrate', METRICS.sesReputationComplaintRate, 'Maximum'),
          metric('send', METRICS.sesSend, 'Sum'),
          metric('bounce', METRICS.sesBounce, 'Sum'),
          metric('complaint', METRICS.sesComplaint, 'Sum'),
        ],
      }),
    );
    const bounceRate = latest(out, 'bouncerate');
    const complaintRate = latest(out, 'complaintrate');
    const over = (v: number | undefined, limit: number) => v !== undefined && v >= limit;
    const attention = over(bounceRate, BOUNCE_REVIEW) || over(complaintRate, COMPLAINT_REVIEW);
    const flag = (v: number | undefined, limit: number) =>
      over(v, limit) ? '  <-- at or over the AWS review threshold' : '';
    return {
      title,
      state: attention ? 'attention' : 'ok',
      lines: [
        `bounce rate    ${pct(bounceRate)} (AWS review at 5%, pause at 10%)${flag(bounceRate, BOUNCE_REVIEW)}`,
        `complaint rate ${pct(complaintRate, 3)} (AWS review at 0.1%, pause at 0.5%)${flag(complaintRate, COMPLAINT_REVIEW)}`,
        `sent ${sum(out, 'send') ?? 0}, bounces ${sum(out, 'bounce') ?? 0}, complaints ${sum(out, 'complaint') ?? 0}`,
      ],
    };
  });
}
