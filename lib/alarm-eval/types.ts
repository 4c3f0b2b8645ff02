/** The vocabulary of the alarm evaluator: alarm definitions as CloudWatch holds them, metric data, timelines. */

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type TreatMissingData = 'missing' | 'ignore' | 'breaching' | 'notBreaching';
export type Comparison =
  | 'GreaterThanThreshold'
  | 'GreaterThanOrEqualToThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

/** One CloudWatch metric: namespace, name and its exact dimension set (an alarm matches exactly one). */
export interface MetricRef {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** A `MetricStat` query of a metric-math alarm (or the single metric of a plain alarm, as `m1`). */
export interface MetricStatQuery {
  readonly kind: 'stat';
  readonly id: string;
  readonly metric: MetricRef;
  /** Sum, Average, Minimum, Maximum, SampleCount or a percentile such as p90. */
  readonly stat: string;
  readonly period: number;
  readonly returnData: boolean;
}

/** A metric-math `Expression` query. */
export interface ExpressionQuery {
  readonly kind: 'expression';
  readonly id: string;
  readonly expression: string;
  readonly returnData: boolean;
  readonly label?: string;
}

export type AlarmQuery = MetricStatQuery | ExpressionQuery;

export interface AlarmActions {
  readonly alarm: readonly string[];
  readonly ok: readonly string[];
  readonly insufficientData: readonly string[];
}

export interface MetricAlarmDef {
  readonly kind: 'metric';
  readonly name: string;
  /** Tag `Severity` (P1/P2/P3) when the template sets one. */
  readonly severity?: string;
  /** Where it was read from, e.g. `ses/BounceRateAlarm`. */
  readonly source?: string;
  readonly comparison: Comparison;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
  /** Period of every MetricStat (CloudWatch requires one period per alarm). */
  readonly period: number;
  readonly queries: readonly AlarmQuery[];
  /** Id of the query whose values are compared with the threshold. */
  readonly returnId: string;
  readonly actions: AlarmActions;
}

export interface CompositeAlarmDef {
  readonly kind: 'composite';
  readonly name: string;
  readonly severity?: string;
  readonly source?: string;
  readonly rule: string;
  readonly actions: AlarmActions;
}

export type AlarmDef = MetricAlarmDef | CompositeAlarmDef;

/** One published datapoint (PutMetricData value, EMF value, or one SES count for a minute). */
export interface Sample {
  /** Timestamp of the datapoint, epoch milliseconds. */
  readonly t: number;
  readonly value: number;
  /** When CloudWatch can first return it (default: `t` + the evaluation's visibility delay). */
  readonly availableAt?: number;
}

/** Raw datapoints of one metric: every statistic and period is computed from them. */
export interface RawSeries {
  readonly metric: MetricRef;
  readonly samples: readonly Sample[];
}

/** Datapoints already aggregated by CloudWatch (GetMetricData): one statistic at one period. */
export interface AggregatedSeries {
  readonly metric: MetricRef;
  readonly stat: string;
  readonly period: number;
  /** Period start (epoch ms) and value. */
  readonly points: readonly { readonly t: number; readonly value: number }[];
}

export interface Transition {
  readonly t: number;
  readonly from: AlarmState;
  readonly to: AlarmState;
  /** Why, in CloudWatch's words (datapoints evaluated, or the composite rule). */
  readonly reason: string;
}

/** An action CloudWatch would invoke (SNS topics) on a state change. */
export interface Notice {
  readonly t: number;
  readonly state: AlarmState;
  readonly from: AlarmState;
  readonly actions: readonly string[];
}

export interface Span {
  readonly start: number;
  /** End of the span; `undefined` while still in that state at the end of the evaluation. */
  readonly end?: number;
}

export interface AlarmTimeline {
  readonly def: AlarmDef;
  readonly transitions: readonly Transition[];
  readonly notices: readonly Notice[];
  /** State at the end of the evaluation. */
  readonly finalState: AlarmState;
}
