/** Environment contract of the metrics function (handlers/metrics): written by the monitoring stack. */
import { type Env, EnvReader, type TemplateValue } from './env.js';

/** An environment variable of the metrics function is missing or malformed. */
export class MetricsConfigError extends Error {
  override readonly name = 'MetricsConfigError';
}

export interface MetricsConfig {
  /** `METRICS_NAMESPACE`, e.g. `ses-migration/production/Monitoring`. */
  readonly namespace: string;
  /** `DOMAINS_JSON`: the sending domains, each published with dimension `Domain`. */
  readonly domains: readonly string[];
  /** `METRICS_LAG_MINUTES` (default 10). */
  readonly lagMinutes: number;
  /** `METRICS_WINDOW_MINUTES` (default 15). */
  readonly windowMinutes: number;
}

/** What the generator sets; lag and window keep their defaults unless an operator sets them by hand. */
/** Default length of the window each metrics run reads (the send-failure alarms' volume guard scales with it). */
export const METRICS_WINDOW_MINUTES = 15;

export function writeMetricsEnv(
  v: Pick<MetricsConfig, 'namespace' | 'domains'>,
): Record<string, TemplateValue> {
  return { METRICS_NAMESPACE: v.namespace, DOMAINS_JSON: JSON.stringify(v.domains) };
}

/** Reads and checks the handler's environment; throws `MetricsConfigError` naming the variable. */
export function loadMetricsConfig(env: Env): MetricsConfig {
  const r = new EnvReader(env, (message, options) => new MetricsConfigError(message, options));
  const namespace = r.text(
    'METRICS_NAMESPACE',
    '1-255 characters not starting with "AWS/", e.g. "ses-migration/production/Monitoring"',
    /^(?!AWS\/).{1,255}$/,
  );
  const domains = r.domains('DOMAINS_JSON');
  const minutes = { max: 60, step: 5 };
  return {
    namespace,
    domains,
    lagMinutes: r.integer('METRICS_LAG_MINUTES', { ...minutes, min: 0, fallback: 10 }),
    windowMinutes: r.integer('METRICS_WINDOW_MINUTES', {
      ...minutes,
      min: 5,
      fallback: METRICS_WINDOW_MINUTES,
    }),
  };
}
