/**
 * What a report run asks of the outside world, one narrow function per question. The AWS adapters under
 * `lib/reports/aws/` implement them (one module per service); tests pass recorded answers or moto-backed clients.
 * A port that throws makes only its sections "missing", with the error as the reason.
 */
import type { PiiAccessRow } from '../pii-audit/core.js';
import type { Severity } from './types.js';

/** One GetMetricData query: a metric with dimensions and a statistic, or a metric math expression. */
export interface MetricQuery {
  readonly id: string;
  readonly namespace: string;
  readonly metric: string;
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly stat: string;
}

export interface MetricSeries {
  readonly id: string;
  /** Oldest first. */
  readonly timestamps: readonly Date[];
  readonly values: readonly number[];
}

export interface AlarmInfo {
  readonly name: string;
  readonly severity: Severity | undefined;
  readonly state: string;
}

export interface AlarmTransition {
  readonly alarm: string;
  readonly at: Date;
  readonly from: string;
  readonly to: string;
}

export interface LogGroupInfo {
  readonly name: string;
  readonly retentionInDays: number | undefined;
  readonly dataProtection: boolean;
}

export interface CostLine {
  /** Month start YYYY-MM-DD. */
  readonly month: string;
  /** Project tag value; '' for cost carrying no Project tag. */
  readonly tag: string;
  readonly service: string;
  readonly amount: number;
  readonly unit: string;
}

export interface AuditEvent {
  readonly at: Date;
  readonly name: string;
  readonly source: string;
  readonly user: string;
  readonly resources: readonly string[];
  readonly region: string;
}

export interface TrailStatus {
  readonly name: string;
  readonly logging: boolean;
  readonly logFileValidation: boolean;
  readonly latestDeliveryError?: string;
}

export interface KeyAge {
  readonly domain: string;
  readonly stage: string;
  readonly selector?: string;
  readonly keyCreatedAt?: string;
  readonly lastRotationCompletedAt?: string;
  readonly nextRotationAt?: string;
  readonly completedRotations: number;
  readonly lastError?: string;
}

export interface DriftSummary {
  readonly key: string;
  readonly startedAt: string;
  readonly stacks: readonly { readonly stack: string; readonly status: string }[];
}

/** The read side of a report. */
export interface ReportSources {
  metricData(
    queries: readonly MetricQuery[],
    start: Date,
    end: Date,
    periodSeconds: number,
  ): Promise<MetricSeries[]>;
  /** Body of a CloudWatch dashboard (JSON). */
  dashboard(name: string): Promise<unknown>;
  /** PNG of one metric widget (GetMetricWidgetImage). */
  widgetImage(widget: unknown): Promise<Uint8Array>;
  alarms(prefix: string): Promise<AlarmInfo[]>;
  alarmHistory(prefix: string, start: Date, end: Date): Promise<AlarmTransition[]>;
  /** Logs Insights: rows as field → value. */
  insights(
    logGroups: readonly string[],
    query: string,
    start: Date,
    end: Date,
  ): Promise<Record<string, string>[]>;
  logGroups(names: readonly string[]): Promise<LogGroupInfo[]>;
  latestDrift(): Promise<DriftSummary | undefined>;
  keyAges(domains: readonly string[]): Promise<KeyAge[]>;
  trailStatus(name: string): Promise<TrailStatus>;
  /** Monthly unblended cost grouped by the Project tag and service, months [start, end). */
  cost(start: string, end: string): Promise<CostLine[]>;
  /** CloudTrail management events that change IAM, KMS key policies, bucket policies; console and root use. */
  auditEvents(start: Date, end: Date): Promise<AuditEvent[]>;
  /** Unmasked log reads of the period (the PII audit of lib/pii-audit); undefined: not available. */
  piiAccess?: (start: Date, end: Date) => Promise<PiiAccessRow[]>;
  /** The cost model's monthly estimate (lib/cost, `npm run cost`); undefined: not wired into the report. */
  costEstimate?: () => Promise<number>;
}

/** The write side: archive, mail, topic. */
export interface ReportSinks {
  getObject(key: string): Promise<string | undefined>;
  putObject(
    key: string,
    body: string | Uint8Array,
    contentType: string,
    onlyIfAbsent?: boolean,
  ): Promise<void>;
  /** Link an operator can open (console URL of the object). */
  objectLink(key: string): string;
  sendRawEmail(
    raw: Uint8Array,
    from: string,
    to: readonly string[],
    configurationSet: string,
  ): Promise<string>;
  publish(subject: string, message: string): Promise<void>;
}
