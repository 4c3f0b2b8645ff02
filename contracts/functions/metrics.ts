/** Environment contract of the metrics function (handlers/metrics): written by the monitoring stack. */
import { type Env, EnvReader, type TemplateValue } from './env.js';

/** An environment variable of the metrics function is missing or malformed. */
export class MetricsConfigError extends Error {
  override readonly name = 'MetricsConfigError';
}

export interface MetricsConfig {
  /** `METRICS_NAMESPACE`, e.g. `ses-migration/production/Monitoring`. */
  readonly namespace: string;
  /**
   * `SES_EVENTS_LOG_GROUP`: the SES events (EventBridge envelopes) the per-domain query reads. The function needs
   * no list of domains: the query finds every From domain that sent in the window.
   */
  readonly sesEventsLogGroup: string;
  /** `MINIMUM_SEND_VOLUME`: sends per 5 minutes a domain needs to be rated (alarms.minimumSendVolume). */
  readonly minimumSendVolume: number;
  /** `METRICS_DOMAIN_LAG_MINUTES` (default 2): how long after its end the per-domain 5-minute window is read. */
  readonly domainLagMinutes: number;
  /** `DOMAIN_QUERY_TIMEOUT_SECONDS` (default 40): the Insights query is stopped and the run says so after this. */
  readonly domainQueryTimeoutSeconds: number;
  /** `METRICS_LAG_MINUTES` (default 10). */
  readonly lagMinutes: number;
  /** `METRICS_WINDOW_MINUTES` (default 15). */
  readonly windowMinutes: number;
}

/** What the generator sets; lag and window keep their defaults unless an operator sets them by hand. */
/** Default length of the window each metrics run reads (the send-failure alarms' volume guard scales with it). */
export const METRICS_WINDOW_MINUTES = 15;

/** The schedule runs this many minutes past each 5-minute boundary: the per-domain window's lag. */
export const METRICS_SCHEDULE_OFFSET_MINUTES = 2;
/** The function's timeout: the Insights query's own limit stays well inside it. */
export const METRICS_TIMEOUT_SECONDS = 60;

export function writeMetricsEnv(
  v: Pick<MetricsConfig, 'namespace' | 'sesEventsLogGroup' | 'minimumSendVolume'>,
): Record<string, TemplateValue> {
  return {
    METRICS_NAMESPACE: v.namespace,
    SES_EVENTS_LOG_GROUP: v.sesEventsLogGroup,
    MINIMUM_SEND_VOLUME: String(v.minimumSendVolume),
  };
}

/** Reads and checks the handler's environment; throws `MetricsConfigError` naming the variable. */
export function loadMetricsConfig(env: Env): MetricsConfig {
  const r = new EnvReader(env, (message, options) => new MetricsConfigError(message, options));
  const namespace = r.text(
    'METRICS_NAMESPACE',
    '1-255 characters not starting with "AWS/", e.g. "ses-migration/production/Monitoring"',
    /^(?!AWS\/).{1,255}$/,
  );
  const sesEventsLogGroup = r.text(
    'SES_EVENTS_LOG_GROUP',
    'a CloudWatch Logs group name such as "/aws/ses/events" (1-512 characters of [A-Za-z0-9_./#-])',
    /^[A-Za-z0-9_./#-]{1,512}$/,
  );
  const minutes = { max: 60, step: 5 };
  return {
    namespace,
    sesEventsLogGroup,
    minimumSendVolume: r.integer('MINIMUM_SEND_VOLUME', { min: 1, max: 1_000_000, fallback: 100 }),
    domainLagMinutes: r.integer('METRICS_DOMAIN_LAG_MINUTES', {
      min: 0,
      max: 10,
      fallback: METRICS_SCHEDULE_OFFSET_MINUTES,
    }),
    domainQueryTimeoutSeconds: r.integer('DOMAIN_QUERY_TIMEOUT_SECONDS', {
      min: 5,
      max: METRICS_TIMEOUT_SECONDS - 10,
      fallback: 40,
      why: `the function's timeout is ${METRICS_TIMEOUT_SECONDS} s`,
    }),
    lagMinutes: r.integer('METRICS_LAG_MINUTES', { ...minutes, min: 0, fallback: 10 }),
    windowMinutes: r.integer('METRICS_WINDOW_MINUTES', {
      ...minutes,
      min: 5,
      fallback: METRICS_WINDOW_MINUTES,
    }),
  };
}
