/** CloudWatch adapter: metric data, the dashboard, widget images, alarms and their history. */
import {
  type CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetDashboardCommand,
  GetMetricDataCommand,
  GetMetricWidgetImageCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch';
import type { AlarmInfo, AlarmTransition, MetricQuery, MetricSeries } from '../ports.js';
import type { Severity } from '../types.js';

const MAX_QUERIES = 500;

export async function metricData(
  cw: CloudWatchClient,
  queries: readonly MetricQuery[],
  start: Date,
  end: Date,
  periodSeconds: number,
): Promise<MetricSeries[]> {
  const out = new Map<string, { t: Date[]; v: number[] }>();
  for (let i = 0; i < queries.length; i += MAX_QUERIES) {
    const batch: MetricDataQuery[] = queries.slice(i, i + MAX_QUERIES).map((q) => ({
      Id: q.id,
      MetricStat: {
        Metric: {
          Namespace: q.namespace,
          MetricName: q.metric,
          Dimensions: Object.entries(q.dimensions ?? {}).map(([Name, Value]) => ({ Name, Value })),
        },
        Period: periodSeconds,
        Stat: q.stat,
      },
      ReturnData: true,
    }));
    let token: string | undefined;
    do {
      const res = await cw.send(
        new GetMetricDataCommand({
          MetricDataQueries: batch,
          StartTime: start,
          EndTime: end,
          ScanBy: 'TimestampAscending',
          NextToken: token,
        }),
      );
      for (const r of res.MetricDataResults ?? []) {
        const cur = out.get(r.Id!) ?? { t: [], v: [] };
        cur.t.push(...(r.Timestamps ?? []).map((x) => new Date(x)));
        cur.v.push(...(r.Values ?? []));
        out.set(r.Id!, cur);
      }
      token = res.NextToken;
    } while (token);
  }
  return queries.map((q) => {
    const s = out.get(q.id) ?? { t: [], v: [] };
    const order = s.t.map((_, i) => i).sort((a, b) => s.t[a]!.getTime() - s.t[b]!.getTime());
    return { id: q.id, timestamps: order.map((i) => s.t[i]!), values: order.map((i) => s.v[i]!) };
  });
}

export async function dashboard(cw: CloudWatchClient, name: string): Promise<unknown> {
  const res = await cw.send(new GetDashboardCommand({ DashboardName: name }));
  return JSON.parse(res.DashboardBody ?? '{}');
}

export async function widgetImage(cw: CloudWatchClient, widget: unknown): Promise<Uint8Array> {
  const res = await cw.send(
    new GetMetricWidgetImageCommand({ MetricWidget: JSON.stringify(widget), OutputFormat: 'png' }),
  );
  if (!res.MetricWidgetImage?.length) throw new Error('GetMetricWidgetImage returned no image');
  return res.MetricWidgetImage;
}

/** Severity from the alarm action: the alarm topics are named <prefix>-alarms-p1/p2/p3. */
export function severityOf(actions: readonly string[] | undefined): Severity | undefined {
  for (const a of actions ?? []) {
    const m = /-alarms-(p[123])$/.exec(a);
    if (m) return m[1]!.toUpperCase() as Severity;
  }
  return undefined;
}

export async function alarms(cw: CloudWatchClient, prefix: string): Promise<AlarmInfo[]> {
  const out: AlarmInfo[] = [];
  let token: string | undefined;
  do {
    const res = await cw.send(
      new DescribeAlarmsCommand({
        AlarmNamePrefix: prefix,
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        NextToken: token,
      }),
    );
    for (const a of [...(res.MetricAlarms ?? []), ...(res.CompositeAlarms ?? [])]) {
      out.push({
        name: a.AlarmName!,
        severity: severityOf(a.AlarmActions),
        state: a.StateValue ?? 'UNKNOWN',
      });
    }
    token = res.NextToken;
  } while (token);
  return out;
}

export async function alarmHistory(
  cw: CloudWatchClient,
  prefix: string,
  start: Date,
  end: Date,
): Promise<AlarmTransition[]> {
  const out: AlarmTransition[] = [];
  let token: string | undefined;
  do {
    const res = await cw.send(
      new DescribeAlarmHistoryCommand({
        HistoryItemType: 'StateUpdate',
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        StartDate: start,
        EndDate: end,
        NextToken: token,
      }),
    );
    for (const h of res.AlarmHistoryItems ?? []) {
      if (!h.AlarmName?.startsWith(prefix) || !h.Timestamp) continue;
      const data = JSON.parse(h.HistoryData ?? '{}') as {
        oldState?: { stateValue?: string };
        newState?: { stateValue?: string };
      };
      out.push({
        alarm: h.AlarmName,
        at: new Date(h.Timestamp),
        from: data.oldState?.stateValue ?? 'UNKNOWN',
        to: data.newState?.stateValue ?? 'UNKNOWN',
      });
    }
    token = res.NextToken;
  } while (token);
  return out;
}
