/**
 * Every physical name the product creates, derived from the environment. These names are the contract the
 * operations team knows (the seed's alarm, topic, log group and dashboard names): change them only on purpose,
 * since renaming a named resource makes CloudFormation replace it.
 */
import { namespaces } from './metrics.js';
import type { EscalationLevel, Severity } from './severity.js';

/** The stacks of one environment, in launch order. */
export const STACK_IDS = [
  'base',
  'monitoring',
  'enhanced-kinesis',
  'ses',
  'security',
  'byodkim',
  'reports',
] as const;
/** A stack holding SES identities beyond the `ses` stack (`ses.identityStacks` > 1; contracts/identity-stacks). */
export type IdentityShardStackId = `ses-identities-${number}`;
export type StackId = (typeof STACK_IDS)[number] | IdentityShardStackId;

/** The stack id of identity shard `k`: `ses` for 0 (today's stack), `ses-identities-<k>` after. */
export function identityStackId(k: number): 'ses' | IdentityShardStackId {
  return k === 0 ? 'ses' : `ses-identities-${k}`;
}

/** Every stack id of an environment with `identityStacks` identity stacks, in launch order (shards after ses). */
export function environmentStackIds(identityStacks = 1): StackId[] {
  return STACK_IDS.flatMap((id): StackId[] =>
    id === 'ses' ? Array.from({ length: Math.max(1, identityStacks) }, (_, k) => identityStackId(k)) : [id],
  );
}

/** Sceptre environment directory -> environment name in resource names, for the environments shipped here. */
export const ENVIRONMENT_NAMES: Readonly<Record<string, string>> = { prod: 'production', dev: 'development' };

export interface NameSource {
  readonly projectCode: string;
  /** Environment name in resource names: production, development. */
  readonly environment: string;
}

/** A name source that also knows its Sceptre environment directory (prod, dev): stack names use that. */
export interface StackNameSource extends NameSource {
  readonly sceptreEnv: string;
}

/** CloudFormation stack name as Sceptre derives it: `<project_code>-<sceptre env>-<stack>`. */
export function stackName(
  cfg: { readonly projectCode: string; readonly sceptreEnv: string },
  stack: string,
): string {
  return `${cfg.projectCode}-${cfg.sceptreEnv}-${stack}`;
}

/** Every stack name of an environment, in launch order (with its identity stacks when `ses` is given). */
export function stackNames(cfg: {
  readonly projectCode: string;
  readonly sceptreEnv: string;
  readonly ses?: { readonly identityStacks?: number };
}): string[] {
  return environmentStackIds(cfg.ses?.identityStacks).map((id) => stackName(cfg, id));
}

/** EventBridge Scheduler schedules, by name suffix (the full name is `names(cfg).schedule(suffix)`). */
export const SCHEDULES = {
  /** The hourly tick that starts BYODKIM rotations whose nextRotationAt is due. */
  rotationTick: 'byodkim-rotation-tick',
  validationCheck: 'byodkim-validation-check',
} as const;

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
    escalationTopic: (level: EscalationLevel) => `${p}-escalation-level${level}`,
    keyAlias: (purpose: string) => `alias/${p}-${purpose}`,
    artifactsBucket: `${p}-artifacts`,
    archiveBucket: `${p}-ses-archive`,
    accessLogsBucket: `${p}-access-logs`,
    auditTrailBucket: `${p}-audit-trail`,
    configurationSet: `${p}-config-set`,
    deliveryStream: `${p}-ses-events`,
    namespace: namespaces(cfg),
    logGroup: {
      // The seed's name for production; other environments get their own group in a shared account.
      sesEvents: cfg.environment === 'production' ? '/aws/ses/events' : `/aws/ses/events/${cfg.environment}`,
      application: `/aws/application/${cfg.projectCode}/${cfg.environment}`,
      compliance: `/aws/monitoring/compliance/japanese/${cfg.projectCode}/${cfg.environment}`,
      firehose: `/aws/kinesisfirehose/${p}-ses-events`,
      /** Alarm state changes from EventBridge (dashboards' 24-hour history, seed 4.1.3). */
      alarmHistory: `/aws/events/${cfg.projectCode}/${cfg.environment}/alarm-history`,
      lambda: (fn: string) => `/aws/lambda/${p}-${fn}`,
    },
    lambda: (fn: string) => `${p}-${fn}`,
    role: (purpose: string) => `${p}-${purpose}`,
    policy: (purpose: string) => `${p}-${purpose}`,
    alarm: (suffix: string) => `${p}-${suffix}`,
    dashboard: {
      main: `${p}-dashboard`,
      tokyo: `${p}-tokyo-region-monitoring-dashboard`,
      /** Seed 4.2.1 管理者用ダッシュボード (originals for those allowed logs:Unmask). */
      privacyAdmin: `${p}-privacy-admin-dashboard`,
      /** Seed 4.2.2 一般ユーザー用ダッシュボード (masked email and IP). */
      privacyMasked: `${p}-privacy-masked-dashboard`,
    },
    query: (name: string) => `${p}/${name}`,
    schedule: (name: string) => `${p}-${name}`,
    /** BYODKIM rotation state table. */
    stateTable: `${p}-byodkim-state`,
    /** Every alarm of the environment starts with this. */
    alarmPrefix: `${p}-`,
    eventRule: (name: string) => `${p}-${name}`,
    trail: `${p}-archive-access`,
    /** Alarm episodes: acknowledgements and what the escalation check sent (contracts/alarm-episodes.ts). */
    alarmEpisodesTable: `${p}-alarm-episodes`,
  };
}

export type Names = ReturnType<typeof names>;

/** English label of an environment in display names: production -> Production, staging -> Staging. */
export function environmentLabel(environment: string): string {
  return environment
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}

/** Japanese label for dashboards: 本番 (Production), 開発 (Development), otherwise the English label. */
export function environmentLabelJa(environment: string): string {
  const ja: Readonly<Record<string, string>> = {
    production: '本番',
    development: '開発',
    staging: 'ステージング',
  };
  const en = environmentLabel(environment);
  return ja[environment] ? `${ja[environment]} (${en})` : en;
}
