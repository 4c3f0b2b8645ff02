/**
 * Every physical name the product creates, derived from the environment. These names are the contract the
 * operations team knows (the seed's alarm, topic, log group and dashboard names): change them only on purpose,
 * since renaming a named resource makes CloudFormation replace it.
 */
import type { Severity } from './config/schema.js';

export interface NameSource {
  readonly projectCode: string;
  readonly environment: string;
}

/** Names for one environment; `p` is the common prefix, e.g. ses-migration-production. */
export function names(cfg: NameSource) {
  const p = `${cfg.projectCode}-${cfg.environment}`;
  const lower = (s: Severity) => s.toLowerCase();
  return {
    prefix: p,
    /** Alarm topics: alarms publish here; no person subscribes (the notifier does). */
    alarmTopic: (s: Severity) => `${p}-alarms-${lower(s)}`,
    /** Delivery topics people subscribe to. P1 keeps the seed's topic name. */
    deliveryTopic: (s: Severity) => (s === 'P1' ? `${p}-notifications` : `${p}-notifications-${lower(s)}`),
    escalationTopic: (level: 1 | 2 | 3) => `${p}-escalation-level${level}`,
    keyAlias: (purpose: string) => `alias/${p}-${purpose}`,
    artifactsBucket: `${p}-artifacts`,
    archiveBucket: `${p}-ses-archive`,
    accessLogsBucket: `${p}-access-logs`,
    auditTrailBucket: `${p}-audit-trail`,
    configurationSet: `${p}-config-set`,
    deliveryStream: `${p}-ses-events`,
    namespace: {
      monitoring: `${cfg.projectCode}/${cfg.environment}/Monitoring`,
      byodkim: `${cfg.projectCode}/${cfg.environment}/BYODKIM`,
    },
    logGroup: {
      // The seed's name for production; other environments get their own group in a shared account.
      sesEvents: cfg.environment === 'production' ? '/aws/ses/events' : `/aws/ses/events/${cfg.environment}`,
      application: `/aws/application/${cfg.projectCode}/${cfg.environment}`,
      compliance: `/aws/monitoring/compliance/japanese/${cfg.projectCode}/${cfg.environment}`,
      firehose: `/aws/kinesisfirehose/${p}-ses-events`,
      lambda: (fn: string) => `/aws/lambda/${p}-${fn}`,
    },
    lambda: (fn: string) => `${p}-${fn}`,
    role: (purpose: string) => `${p}-${purpose}`,
    policy: (purpose: string) => `${p}-${purpose}`,
    alarm: (suffix: string) => `${p}-${suffix}`,
    dashboard: {
      main: `${p}-dashboard`,
      tokyo: `${p}-tokyo-region-monitoring-dashboard`,
    },
    query: (name: string) => `${p}/${name}`,
    schedule: (name: string) => `${p}-${name}`,
    eventRule: (name: string) => `${p}-${name}`,
    trail: `${p}-archive-access`,
  };
}

export type Names = ReturnType<typeof names>;
