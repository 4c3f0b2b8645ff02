/**
 * The metric catalogue: every metric the product publishes or alarms on, with its namespace, unit and the
 * dimension sets it is published with. Metric producers (handlers), alarms, dashboards and `npm run status`
 * take names from here, so a rename is one edit. Plain TypeScript: handlers bundle it.
 */
import type { NameSource } from './names.js';

export type MetricUnit = 'Count' | 'Percent' | 'Milliseconds' | 'None';

/** Where a metric lives: the product's two namespaces (per environment) or an AWS namespace. */
export type NamespaceKey = 'monitoring' | 'byodkim' | 'AWS/SES' | 'AWS/Lambda' | 'AWS/Firehose';

/** The product's custom namespaces for one environment (seed: `<project>/<environment>/Monitoring`). */
export function namespaces(cfg: NameSource) {
  return {
    monitoring: `${cfg.projectCode}/${cfg.environment}/Monitoring`,
    byodkim: `${cfg.projectCode}/${cfg.environment}/BYODKIM`,
  } as const;
}

/** The concrete namespace of a catalogue entry for one environment. */
export function namespaceOf(cfg: NameSource, key: NamespaceKey): string {
  return key === 'monitoring' || key === 'byodkim' ? namespaces(cfg)[key] : key;
}

/** Dimension names. */
export const DIMENSIONS = {
  /**
   * Sending domain. No metric is published with it (one metric per domain is what made 1,000 domains cost 160×
   * one domain, issue #14): the BYODKIM functions put it in each EMF record as a property, so Logs Insights
   * still breaks a figure down by domain, and the metrics function names the worst domains in its log.
   */
  domain: 'Domain',
  /** Powertools' default dimension (the function's service name). */
  service: 'service',
  /** SES's automatic message tag with the From domain: the per-domain key of `/aws/ses/events` (Logs Insights). */
  sesFromDomain: 'ses:from-domain',
  /**
   * SES's automatic tag with the configuration set: the one dimension of the CloudWatch event destination (one
   * value per set, so its metrics do not grow with domains).
   */
  sesConfigurationSet: 'ses:configuration-set',
} as const;

/**
 * Logs Insights field paths of the SES events in the events log group (`/aws/ses/events…`): EventBridge envelopes,
 * everything under `detail.` (aws-facts). In backticks, because `:` and `-` are not allowed bare in a field name.
 */
export const SES_EVENT_FIELDS = {
  /** SES's automatic From-domain tag: the per-domain key of the metrics function, dashboards and reports. */
  fromDomain: '`detail.mail.tags.ses:from-domain.0`',
} as const;

export interface MetricDef<N extends string = string, U extends MetricUnit = MetricUnit> {
  readonly namespace: NamespaceKey;
  readonly name: N;
  readonly unit: U;
  /** Dimension sets it is published with; `[]` is the account-wide aggregate. */
  readonly dimensions: readonly (readonly string[])[];
}

const m = <N extends string, U extends MetricUnit>(
  namespace: NamespaceKey,
  name: N,
  unit: U,
  dimensions: readonly (readonly string[])[] = [[]],
): MetricDef<N, U> => ({ namespace, name, unit, dimensions });

/** Every metric, by key. */
export const METRICS = {
  // metrics function (handlers/metrics), every 5 minutes: account-wide rates from AWS/SES
  sendSuccessRate: m('monitoring', 'SendSuccessRate', 'Percent', [[]]),
  bounceRate: m('monitoring', 'BounceRate', 'Percent', [[]]),
  complaintRate: m('monitoring', 'ComplaintRate', 'Percent', [[]]),
  sendVolume: m('monitoring', 'SendVolume', 'Count', [[]]),
  metricsHeartbeat: m('monitoring', 'MetricsHeartbeat', 'Count'),
  // metrics function: per-domain rates from one Logs Insights query over the SES events, published as the worst
  // domain's rate (only domains with at least alarms.minimumSendVolume sends in the 5-minute window count)
  worstDomainBounceRate: m('monitoring', 'WorstDomainBounceRate', 'Percent'),
  worstDomainComplaintRate: m('monitoring', 'WorstDomainComplaintRate', 'Percent'),
  /** Domains with enough sends in the window to be rated (0 is a datapoint: nobody was rated). */
  ratedDomains: m('monitoring', 'RatedDomains', 'Count'),
  /** 1 when the per-domain query failed (no worst-domain value then), 0 when it answered. */
  domainQueryFailed: m('monitoring', 'DomainQueryFailed', 'Count'),
  // metric filters (monitoring and ses stacks)
  applicationErrors: m('monitoring', 'ApplicationErrors', 'Count'),
  deliveryProcessingTime: m('monitoring', 'DeliveryProcessingTime', 'Milliseconds'),
  // masking function (handlers/firehose-masking), Powertools EMF with its service dimension
  maskingRecords: m('monitoring', 'MaskingRecords', 'Count', [[DIMENSIONS.service]]),
  maskingFailedRecords: m('monitoring', 'MaskingFailedRecords', 'Count', [[DIMENSIONS.service]]),
  // BYODKIM functions (handlers/byodkim): account-wide; each EMF record names its domain as a property
  byodkimVerificationStatus: m('byodkim', 'BYODKIMVerificationStatus', 'Count', [[]]),
  byodkimVerificationFailed: m('byodkim', 'BYODKIMVerificationFailed', 'Count', [[]]),
  byodkimTemporaryFailure: m('byodkim', 'BYODKIMTemporaryFailure', 'Count', [[]]),
  dnsRecordConsistency: m('byodkim', 'DNSRecordConsistency', 'Count', [[]]),
  byodkimKeyStatus: m('byodkim', 'BYODKIMKeyStatus', 'Count', [[]]),
  byodkimKeyRotation: m('byodkim', 'BYODKIMKeyRotation', 'Count', [[]]),
  byodkimKeyGenerationStatus: m('byodkim', 'BYODKIMKeyGenerationStatus', 'Count', [[]]),
  rotationFailed: m('byodkim', 'RotationFailed', 'Count', [[]]),
  dkimNotificationSent: m('byodkim', 'DKIMNotificationSent', 'Count', [[]]),
  dnsPendingRecordMismatch: m('byodkim', 'DNSPendingRecordMismatch', 'Count', [[]]),
  dnsRequestAgeHours: m('byodkim', 'DNSRequestAgeHours', 'None', [[]]),
  dnsPropagationHours: m('byodkim', 'DNSPropagationHours', 'None', [[]]),
  byodkimPendingHours: m('byodkim', 'BYODKIMPendingHours', 'None', [[]]),
  oldRecordAgeDays: m('byodkim', 'OldRecordAgeDays', 'None', [[]]),
  // AWS/SES (account reputation and volume)
  sesSend: m('AWS/SES', 'Send', 'Count'),
  sesDelivery: m('AWS/SES', 'Delivery', 'Count'),
  sesBounce: m('AWS/SES', 'Bounce', 'Count'),
  sesComplaint: m('AWS/SES', 'Complaint', 'Count'),
  sesReject: m('AWS/SES', 'Reject', 'Count'),
  sesRenderingFailure: m('AWS/SES', 'RenderingFailure', 'Count'),
  sesReputationBounceRate: m('AWS/SES', 'Reputation.BounceRate', 'None'),
  sesReputationComplaintRate: m('AWS/SES', 'Reputation.ComplaintRate', 'None'),
} as const satisfies Record<string, MetricDef>;

export type MetricKey = keyof typeof METRICS;
