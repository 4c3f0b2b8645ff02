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
  /** Sending domain, on the metrics function's and the BYODKIM functions' per-domain points. */
  domain: 'Domain',
  /** Powertools' default dimension (the function's service name). */
  service: 'service',
  /** SES's own per-domain tag dimension, read from AWS/SES (the configuration set adds it). */
  sesFromDomain: 'ses:from-domain',
} as const;

export interface MetricDef<N extends string = string, U extends MetricUnit = MetricUnit> {
  readonly namespace: NamespaceKey;
  readonly name: N;
  readonly unit: U;
  /** Dimension sets it is published with; `[]` is the account-wide aggregate. */
  readonly dimensions: readonly (readonly string[])[];
}

const ACCOUNT_AND_DOMAIN = [[], [DIMENSIONS.domain]] as const;
const m = <N extends string, U extends MetricUnit>(
  namespace: NamespaceKey,
  name: N,
  unit: U,
  dimensions: readonly (readonly string[])[] = [[]],
): MetricDef<N, U> => ({ namespace, name, unit, dimensions });

/** Every metric, by key. */
export const METRICS = {
  // metrics function (handlers/metrics), every 5 minutes
  sendSuccessRate: m('monitoring', 'SendSuccessRate', 'Percent', ACCOUNT_AND_DOMAIN),
  bounceRate: m('monitoring', 'BounceRate', 'Percent', ACCOUNT_AND_DOMAIN),
  complaintRate: m('monitoring', 'ComplaintRate', 'Percent', ACCOUNT_AND_DOMAIN),
  sendVolume: m('monitoring', 'SendVolume', 'Count', ACCOUNT_AND_DOMAIN),
  metricsHeartbeat: m('monitoring', 'MetricsHeartbeat', 'Count'),
  // metric filters (monitoring and ses stacks)
  applicationErrors: m('monitoring', 'ApplicationErrors', 'Count'),
  deliveryProcessingTime: m('monitoring', 'DeliveryProcessingTime', 'Milliseconds'),
  // masking function (handlers/firehose-masking), Powertools EMF with its service dimension
  maskingRecords: m('monitoring', 'MaskingRecords', 'Count', [[DIMENSIONS.service]]),
  maskingFailedRecords: m('monitoring', 'MaskingFailedRecords', 'Count', [[DIMENSIONS.service]]),
  // BYODKIM functions (handlers/byodkim): each point per domain and account-wide
  byodkimVerificationStatus: m('byodkim', 'BYODKIMVerificationStatus', 'Count', ACCOUNT_AND_DOMAIN),
  byodkimVerificationFailed: m('byodkim', 'BYODKIMVerificationFailed', 'Count', ACCOUNT_AND_DOMAIN),
  byodkimTemporaryFailure: m('byodkim', 'BYODKIMTemporaryFailure', 'Count', ACCOUNT_AND_DOMAIN),
  dnsRecordConsistency: m('byodkim', 'DNSRecordConsistency', 'Count', ACCOUNT_AND_DOMAIN),
  byodkimKeyStatus: m('byodkim', 'BYODKIMKeyStatus', 'Count', ACCOUNT_AND_DOMAIN),
  byodkimKeyRotation: m('byodkim', 'BYODKIMKeyRotation', 'Count', ACCOUNT_AND_DOMAIN),
  byodkimKeyGenerationStatus: m('byodkim', 'BYODKIMKeyGenerationStatus', 'Count', ACCOUNT_AND_DOMAIN),
  rotationFailed: m('byodkim', 'RotationFailed', 'Count', ACCOUNT_AND_DOMAIN),
  dkimNotificationSent: m('byodkim', 'DKIMNotificationSent', 'Count', ACCOUNT_AND_DOMAIN),
  dnsPendingRecordMismatch: m('byodkim', 'DNSPendingRecordMismatch', 'Count', ACCOUNT_AND_DOMAIN),
  dnsRequestAgeHours: m('byodkim', 'DNSRequestAgeHours', 'None', ACCOUNT_AND_DOMAIN),
  dnsPropagationHours: m('byodkim', 'DNSPropagationHours', 'None', ACCOUNT_AND_DOMAIN),
  byodkimPendingHours: m('byodkim', 'BYODKIMPendingHours', 'None', ACCOUNT_AND_DOMAIN),
  oldRecordAgeDays: m('byodkim', 'OldRecordAgeDays', 'None', ACCOUNT_AND_DOMAIN),
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

/** A catalogue entry by its published name, for code that receives names (e.g. the BYODKIM metrics port). */
export function metricByName(namespace: NamespaceKey, name: string): MetricDef | undefined {
  return Object.values(METRICS).find((d) => d.namespace === namespace && d.name === name);
}
