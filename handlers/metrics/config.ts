/** Environment of the `metrics` handler, validated once per invocation. */
import { MetricsConfigError } from './errors.js';

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

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/i;

function minutes(
  env: Readonly<Record<string, string | undefined>>,
  key: string,
  fallback: number,
  max: number,
) {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max || value % 5 !== 0) {
    throw new MetricsConfigError(
      `${key} is ${JSON.stringify(raw)}; allowed: a multiple of 5 between 0 and ${max} (default ${fallback})`,
    );
  }
  return value;
}

/** Reads and checks the handler's environment; throws `MetricsConfigError` naming the variable. */
export function loadMetricsConfig(env: Readonly<Record<string, string | undefined>>): MetricsConfig {
  const namespace = env.METRICS_NAMESPACE ?? '';
  if (namespace.length === 0 || namespace.length > 255 || namespace.startsWith('AWS/')) {
    throw new MetricsConfigError(
      `METRICS_NAMESPACE is ${JSON.stringify(namespace)}; allowed: 1-255 characters not starting with "AWS/", ` +
        'e.g. "ses-migration/production/Monitoring"',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(env.DOMAINS_JSON ?? '');
  } catch (cause) {
    throw new MetricsConfigError(
      `DOMAINS_JSON is ${JSON.stringify(env.DOMAINS_JSON)}; allowed: a JSON array of domain names, e.g. ["example.co.jp"]`,
      { cause },
    );
  }
  if (!Array.isArray(parsed)) {
    throw new MetricsConfigError(
      `DOMAINS_JSON must be a JSON array of domain names; got ${JSON.stringify(parsed)}`,
    );
  }
  const domains: string[] = [];
  for (const item of parsed) {
    if (typeof item !== 'string' || !DOMAIN.test(item)) {
      throw new MetricsConfigError(
        `DOMAINS_JSON contains ${JSON.stringify(item)}, which is not a domain name; allowed: e.g. "example.co.jp"`,
      );
    }
    if (domains.includes(item)) {
      throw new MetricsConfigError(`DOMAINS_JSON lists ${JSON.stringify(item)} twice; each domain once`);
    }
    domains.push(item);
  }
  const windowMinutes = minutes(env, 'METRICS_WINDOW_MINUTES', 15, 60);
  if (windowMinutes === 0) {
    throw new MetricsConfigError('METRICS_WINDOW_MINUTES is 0; allowed: a multiple of 5 between 5 and 60');
  }
  return { namespace, domains, lagMinutes: minutes(env, 'METRICS_LAG_MINUTES', 10, 60), windowMinutes };
}
