/**
 * Parses the JSON that CloudWatch publishes to SNS when an alarm changes state: metric alarms (with
 * `Trigger`; metric-math alarms carry `Trigger.Metrics[]` instead of `MetricName`) and composite alarms
 * (with `AlarmRule` and `TriggeringChildren`, no `Trigger`). Pure; tolerant of missing optional fields.
 */
import { AlarmMessageError } from './errors.js';
import { parseAlarmTimestamp } from './jst.js';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
const STATES: readonly string[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

export interface Dimension {
  readonly name: string;
  readonly value: string;
}

/** The watched series of a plain metric alarm. */
export interface SingleMetricTrigger {
  readonly kind: 'metric';
  readonly metricName: string;
  readonly namespace: string;
  readonly statistic: string;
  readonly dimensions: readonly Dimension[];
}

/** A metric-math alarm: the returned expression and the metrics it uses. */
export interface MathTrigger {
  readonly kind: 'math';
  /** The expression (or metric) whose value is compared, i.e. the entry with `ReturnData: true`. */
  readonly expression: string;
  readonly label: string | undefined;
  readonly inputs: readonly {
    readonly id: string;
    readonly namespace: string;
    readonly metricName: string;
  }[];
}

export interface TriggerInfo {
  readonly series: SingleMetricTrigger | MathTrigger;
  readonly comparisonOperator: string;
  readonly threshold: number | undefined;
  readonly period: number | undefined;
  readonly evaluationPeriods: number | undefined;
  readonly datapointsToAlarm: number | undefined;
}

export interface Datapoint {
  readonly value: number;
  /** CloudWatch prints datapoint times in UTC as `dd/MM/yy HH:mm:ss`. */
  readonly at: Date | undefined;
}

export interface ChildAlarm {
  readonly arn: string;
  readonly name: string;
  readonly state: string | undefined;
  readonly at: Date | undefined;
}

export interface AlarmNotice {
  readonly name: string;
  readonly description: string | undefined;
  readonly arn: string | undefined;
  /** Region code read from the alarm ARN, e.g. `ap-northeast-1`. */
  readonly region: string | undefined;
  /** Region display name as CloudWatch writes it, e.g. `Asia Pacific (Tokyo)`. */
  readonly regionName: string | undefined;
  readonly accountId: string | undefined;
  readonly newState: AlarmState;
  readonly oldState: string | undefined;
  readonly reason: string;
  readonly changedAt: Date | undefined;
  readonly alarmActions: readonly string[];
  readonly okActions: readonly string[];
  readonly composite:
    | { readonly rule: string; readonly triggeringChildren: readonly ChildAlarm[] }
    | undefined;
  readonly trigger: TriggerInfo | undefined;
  /** The datapoints quoted in `NewStateReason`, newest first as CloudWatch lists them. */
  readonly datapoints: readonly Datapoint[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
};
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** `arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:name` → region and name. */
function splitAlarmArn(arn: string | undefined): { region?: string; name?: string } {
  const match = arn?.match(/^arn:[^:]+:cloudwatch:([^:]*):\d*:alarm:(.+)$/);
  return match ? { region: match[1], name: match[2] } : {};
}

const DATAPOINT = /(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?) \((\d{2})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})\)/g;

/** The `value (dd/MM/yy HH:mm:ss)` pairs quoted in a `NewStateReason`. */
export function parseDatapoints(reason: string): Datapoint[] {
  return [...reason.matchAll(DATAPOINT)].map((m) => {
    const [, value, dd, mm, yy, hh, mi, ss] = m;
    const at = new Date(`20${yy}-${mm}-${dd}T${hh}:${mi}:${ss}Z`);
    return { value: Number(value), at: Number.isNaN(at.getTime()) ? undefined : at };
  });
}

function parseTrigger(trigger: Json): TriggerInfo {
  const common = {
    comparisonOperator: str(trigger.ComparisonOperator) ?? 'Unknown',
    threshold: num(trigger.Threshold),
    period: num(trigger.Period),
    evaluationPeriods: num(trigger.EvaluationPeriods),
    datapointsToAlarm: num(trigger.DatapointsToAlarm),
  };
  if (Array.isArray(trigger.Metrics)) {
    const entries = trigger.Metrics.filter(isObject);
    const returned = entries.find((m) => m.ReturnData === true) ?? entries[0];
    const inputs = entries.flatMap((m) => {
      const metric =
        isObject(m.MetricStat) && isObject(m.MetricStat.Metric) ? m.MetricStat.Metric : undefined;
      return metric
        ? [
            {
              id: str(m.Id) ?? '?',
              namespace: str(metric.Namespace) ?? '?',
              metricName: str(metric.MetricName) ?? '?',
            },
          ]
        : [];
    });
    const returnedMetric =
      returned && isObject(returned.MetricStat) && isObject(returned.MetricStat.Metric)
        ? returned.MetricStat.Metric
        : undefined;
    const expression =
      str(returned?.Expression) ??
      (returnedMetric ? `${str(returnedMetric.Namespace)} ${str(returnedMetric.MetricName)}` : '?');
    return { ...common, series: { kind: 'math', expression, label: str(returned?.Label), inputs } };
  }
  const dimensions = Array.isArray(trigger.Dimensions)
    ? trigger.Dimensions.filter(isObject).map((d) => ({
        name: str(d.name) ?? str(d.Name) ?? '?',
        value: str(d.value) ?? str(d.Value) ?? '',
      }))
    : [];
  return {
    ...common,
    series: {
      kind: 'metric',
      metricName: str(trigger.MetricName) ?? '?',
      namespace: str(trigger.Namespace) ?? '?',
      statistic: str(trigger.Statistic) ?? str(trigger.ExtendedStatistic) ?? '?',
      dimensions,
    },
  };
}

function parseChildren(value: unknown): ChildAlarm[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((child): ChildAlarm[] => {
    if (typeof child === 'string') {
      return [{ arn: child, name: splitAlarmArn(child).name ?? child, state: undefined, at: undefined }];
    }
    if (!isObject(child)) return [];
    const arn = str(child.Arn) ?? '';
    const state = isObject(child.State) ? child.State : {};
    return [
      {
        arn,
        name: splitAlarmArn(arn).name ?? arn,
        state: str(state.Value),
        at: parseAlarmTimestamp(state.Timestamp),
      },
    ];
  });
}

/** Parses an SNS `Message` published by CloudWatch; throws `AlarmMessageError` if it is not one. */
export function parseAlarmMessage(message: string): AlarmNotice {
  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch (cause) {
    throw new AlarmMessageError(
      `the SNS message is not JSON (starts ${JSON.stringify(message.slice(0, 40))}); expected a CloudWatch alarm state change`,
      { cause },
    );
  }
  if (!isObject(body))
    throw new AlarmMessageError('the SNS message is JSON but not an object; expected a CloudWatch alarm');
  const name = str(body.AlarmName);
  const newState = str(body.NewStateValue);
  if (name === undefined || newState === undefined || !STATES.includes(newState)) {
    throw new AlarmMessageError(
      `the SNS message has AlarmName ${JSON.stringify(body.AlarmName)} and NewStateValue ` +
        `${JSON.stringify(body.NewStateValue)}; expected a name and one of ${STATES.join(', ')}`,
    );
  }
  const arn = str(body.AlarmArn);
  const reason = str(body.NewStateReason) ?? '';
  const rule = str(body.AlarmRule);
  return {
    name,
    description: str(body.AlarmDescription),
    arn,
    region: splitAlarmArn(arn).region,
    regionName: str(body.Region),
    accountId: str(body.AWSAccountId),
    newState: newState as AlarmState,
    oldState: str(body.OldStateValue),
    reason,
    changedAt: parseAlarmTimestamp(body.StateChangeTime),
    alarmActions: strings(body.AlarmActions),
    okActions: strings(body.OKActions),
    composite:
      rule === undefined ? undefined : { rule, triggeringChildren: parseChildren(body.TriggeringChildren) },
    trigger: isObject(body.Trigger) ? parseTrigger(body.Trigger) : undefined,
    datapoints: parseDatapoints(reason),
  };
}
