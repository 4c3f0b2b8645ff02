/**
 * The report configuration of an environment, derived from its validated config (pure). The generator writes it
 * as a configuration object (`config/<env>/report-config/<sha256>.json`, uploaded by the deploy gate) whose key
 * the functions get in REPORT_CONFIG_KEY; `npm run report` builds the same from environments/<env>.yaml.
 */
import { configObjectKey, sha256Hex } from '../../contracts/artifacts.js';
import { names } from '../../contracts/names.js';
import type { Cadence, ReportConfig, Tiers } from './types.js';

/** Every function of the product (name suffixes), for the performance section and the retention check. */
export const PRODUCT_FUNCTIONS = [
  'custom-metrics',
  'notifier',
  'drift-detection',
  'data-masking',
  'dkim-rotation-orchestrator',
  'dkim-key-generator',
  'ses-config-updater',
  'notification-manager',
  'validation-monitor',
  'daily-report',
  'weekly-report',
  'monthly-report',
] as const;

/** The structural part of EnvConfig the reports read. */
export interface ReportEnvInput {
  readonly projectCode: string;
  readonly environment: string;
  readonly region: string;
  readonly ses: {
    readonly domains: readonly { readonly name: string; readonly rotationIntervalDays: number }[];
  };
  readonly alarms: {
    readonly bounceRate: Tiers;
    readonly complaintRate: Tiers;
    readonly sendSuccessRate: Tiers;
    readonly deliveryLatencyP90Ms: number;
    readonly firehoseFreshnessSeconds: number;
  };
  readonly logs: { readonly retentionInDays: number };
  readonly archive: { readonly transitionToGlacierDays: number | null; readonly expirationDays: number };
  readonly reports: { readonly sender?: string } & Readonly<Record<Cadence, readonly string[]>>;
}

export function reportConfig(cfg: ReportEnvInput): ReportConfig {
  const n = names(cfg);
  const functions = PRODUCT_FUNCTIONS.map((f) => n.lambda(f));
  return {
    projectCode: cfg.projectCode,
    environment: cfg.environment,
    region: cfg.region,
    prefix: n.prefix,
    domains: cfg.ses.domains.map((d) => ({ name: d.name, rotationIntervalDays: d.rotationIntervalDays })),
    tiers: {
      bounceRate: cfg.alarms.bounceRate,
      complaintRate: cfg.alarms.complaintRate,
      sendSuccessRate: cfg.alarms.sendSuccessRate,
    },
    deliveryLatencyP90Ms: cfg.alarms.deliveryLatencyP90Ms,
    firehoseFreshnessSeconds: cfg.alarms.firehoseFreshnessSeconds,
    logRetentionDays: cfg.logs.retentionInDays,
    archiveExpirationDays: cfg.archive.expirationDays,
    archiveGlacierDays: cfg.archive.transitionToGlacierDays,
    namespace: n.namespace.monitoring,
    deliveryStream: n.deliveryStream,
    dashboard: n.dashboard.main,
    configurationSet: n.configurationSet,
    reportConfigurationSet: `${n.prefix}-reports`,
    logGroups: {
      sesEvents: n.logGroup.sesEvents,
      application: n.logGroup.application,
      compliance: n.logGroup.compliance,
    },
    functions,
    ownedLogGroups: [
      n.logGroup.sesEvents,
      n.logGroup.application,
      n.logGroup.compliance,
      n.logGroup.firehose,
      ...PRODUCT_FUNCTIONS.map((f) => n.logGroup.lambda(f)),
    ],
    byodkimTable: n.stateTable,
    trailName: n.trail,
    ...(cfg.reports.sender ? { sender: cfg.reports.sender } : {}),
    recipients: { daily: cfg.reports.daily, weekly: cfg.reports.weekly, monthly: cfg.reports.monthly },
  };
}

/** The compact input the function receives (Lambda environments hold at most 4 KB): only what is not derivable. */
export function reportEnvInput(cfg: ReportEnvInput): ReportEnvInput {
  const tier = (t: Tiers) => t;
  return {
    projectCode: cfg.projectCode,
    environment: cfg.environment,
    region: cfg.region,
    ses: {
      domains: cfg.ses.domains.map((d) => ({ name: d.name, rotationIntervalDays: d.rotationIntervalDays })),
    },
    alarms: {
      bounceRate: tier(cfg.alarms.bounceRate),
      complaintRate: tier(cfg.alarms.complaintRate),
      sendSuccessRate: tier(cfg.alarms.sendSuccessRate),
      deliveryLatencyP90Ms: cfg.alarms.deliveryLatencyP90Ms,
      firehoseFreshnessSeconds: cfg.alarms.firehoseFreshnessSeconds,
    },
    logs: { retentionInDays: cfg.logs.retentionInDays },
    archive: {
      transitionToGlacierDays: cfg.archive.transitionToGlacierDays,
      expirationDays: cfg.archive.expirationDays,
    },
    reports: {
      ...(cfg.reports.sender ? { sender: cfg.reports.sender } : {}),
      daily: cfg.reports.daily,
      weekly: cfg.reports.weekly,
      monthly: cfg.reports.monthly,
    },
  };
}

/** Name of the report configuration object (the `<name>` of `config/<env>/<name>/<sha256>.json`). */
export const REPORT_CONFIG_OBJECT = 'report-config';

/**
 * The report configuration object of a Sceptre environment: `reportEnvInput` (which holds every domain, so it
 * grows with them) as deterministic bytes, keyed by their SHA-256. The reports stack names the key in
 * REPORT_CONFIG_KEY instead of putting the input into the 4 KB environment.
 */
export function reportConfigObject(sceptreEnv: string, cfg: ReportEnvInput): { key: string; body: string } {
  const body = `${JSON.stringify(reportEnvInput(cfg))}\n`;
  return { key: configObjectKey(sceptreEnv, REPORT_CONFIG_OBJECT, sha256Hex(body)), body };
}

/**
 * Parses a `reportEnvInput` (the body of the report configuration object, or REPORT_CONFIG_JSON for local runs;
 * `source` names it in errors); a missing or unreadable value is a deployment error.
 */
export function parseReportConfig(raw: string | undefined, source = 'REPORT_CONFIG_JSON'): ReportConfig {
  if (!raw)
    throw new Error(
      `${source} is not set: the function must be deployed by the reports stack (REPORT_CONFIG_KEY names its configuration object)`,
    );
  let input: ReportEnvInput;
  try {
    input = JSON.parse(raw) as ReportEnvInput;
  } catch (e) {
    throw new Error(`${source} is not valid JSON: ${(e as Error).message}`);
  }
  return reportConfig(input);
}
