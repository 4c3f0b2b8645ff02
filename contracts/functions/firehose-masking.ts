/**
 * Environment contract of the Firehose masking function: written by the enhanced-kinesis stack. Read leniently:
 * the function sits on the delivery path, and a missing namespace must not stop masking (its metrics then go to
 * the fallback namespace).
 */
import type { Env, TemplateValue } from './env.js';

export interface MaskingConfig {
  /** `METRICS_NAMESPACE`: where MaskingRecords and MaskingFailedRecords go. */
  readonly namespace: string;
  /** `POWERTOOLS_SERVICE_NAME` (the function name; the metrics' `service` dimension). */
  readonly serviceName: string;
}

export function writeMaskingEnv(v: Pick<MaskingConfig, 'namespace'>): Record<string, TemplateValue> {
  return { METRICS_NAMESPACE: v.namespace };
}

export function loadMaskingConfig(env: Env): MaskingConfig {
  return {
    namespace: env.METRICS_NAMESPACE || env.POWERTOOLS_METRICS_NAMESPACE || 'ses-migration/Monitoring',
    serviceName: env.POWERTOOLS_SERVICE_NAME || 'firehose-masking',
  };
}
