/**
 * Charts are CloudWatch's own renderings (GetMetricWidgetImage) of the main dashboard's metric widgets, read
 * from the deployed dashboard at run time: the report shows exactly the metric definitions the operators see on
 * the dashboard, drawn by CloudWatch, with no charting library in the function and no image in the template.
 * Only the time range, size and time zone are overridden.
 */
import type { Cadence, Period } from './types.js';

/** Which dashboard widget (found by a metric it plots) illustrates which report section. */
export const CHART_PICKS: readonly {
  readonly metric: string;
  readonly section: string;
  readonly id: string;
}[] = [
  { metric: 'Send', section: 'sending', id: 'ses-counts' },
  { metric: 'SendSuccessRate', section: 'sending', id: 'rates' },
  { metric: 'DeliveryProcessingTime', section: 'performance', id: 'latency' },
  { metric: 'DeliveryToS3.DataFreshness', section: 'performance', id: 'firehose' },
  { metric: 'ApplicationErrors', section: 'alarms', id: 'application-errors' },
];

/** Graph period per cadence: 5 minutes for a day (as the dashboard), hourly for a week, 6-hourly for a month. */
const PERIOD: Record<Cadence, number | undefined> = { daily: undefined, weekly: 3600, monthly: 21600 };

interface Widget {
  readonly type: string;
  readonly properties: {
    readonly title?: string;
    readonly metrics?: unknown[][];
    readonly [k: string]: unknown;
  };
}

export interface ChartRequest {
  readonly id: string;
  readonly section: string;
  readonly title: string;
  /** The MetricWidget JSON object for GetMetricWidgetImage. */
  readonly widget: Record<string, unknown>;
}

function plots(w: Widget, metric: string): boolean {
  return (w.properties.metrics ?? []).some((m) => Array.isArray(m) && m[1] === metric);
}

/** The chart requests for a period from a dashboard body. Unknown or missing widgets are skipped (and listed). */
export function chartRequests(
  dashboardBody: unknown,
  period: Period,
): { requests: ChartRequest[]; missing: string[] } {
  const widgets = ((dashboardBody as { widgets?: Widget[] })?.widgets ?? []).filter(
    (w) => w.type === 'metric' && w.properties?.view !== 'singleValue',
  );
  const requests: ChartRequest[] = [];
  const missing: string[] = [];
  for (const pick of CHART_PICKS) {
    const w = widgets.find((x) => plots(x, pick.metric));
    if (!w) {
      missing.push(pick.metric);
      continue;
    }
    const graphPeriod = PERIOD[period.cadence];
    requests.push({
      id: pick.id,
      section: pick.section,
      title: String(w.properties.title ?? pick.metric),
      widget: {
        ...w.properties,
        ...(graphPeriod ? { period: graphPeriod } : {}),
        start: period.start.toISOString(),
        end: period.end.toISOString(),
        timezone: '+0900',
        width: 640,
        height: 280,
      },
    });
  }
  return { requests, missing };
}
