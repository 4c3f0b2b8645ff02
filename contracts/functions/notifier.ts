/**
 * Environment contract of the notifier (handlers/notifier): written by the monitoring stack. Read per path, so
 * a notification never fails on an escalation setting.
 */

import { names } from '../names.js';
import {
  ESCALATION_LEVELS,
  type EscalationLevel,
  FIRST_NOTICE_LEVEL,
  SEVERITIES,
  type Severity,
} from '../severity.js';
import { type Env, EnvReader, type TemplateValue } from './env.js';

export { FIRST_NOTICE_LEVEL };

/** An environment variable of the notifier is missing or malformed. */
export class NotifierConfigError extends Error {
  override readonly name = 'NotifierConfigError';
}

/** What the messages need to know about where they come from. */
export interface FormatContext {
  /** `production` / `development`. */
  readonly environment: string;
  /** The environment as the project's commands take it (`prod`, `dev`: the Sceptre environment). */
  readonly commandEnvironment: string;
  /** Fallback region when the alarm ARN carries none (the function's own region). */
  readonly region: string;
  /** Sending domains for the runbook's identity check: at most {@link RUNBOOK_DOMAINS}, the first configured. */
  readonly domains: readonly string[];
  /** Log group of the SES events (EventBridge envelopes), for the Logs Insights step. */
  readonly sesEventsLogGroup: string;
  /** `METRICS_LOG_GROUP`: the metrics function's log group, whose "worst domains" records name the domains. */
  readonly metricsLogGroup: string;
}

export interface NotifyConfig {
  readonly format: FormatContext;
  /** `ALARM_TOPIC_P1_ARN` …: where the alarms publish; decides the severity of a record. */
  readonly alarmTopics: Readonly<Record<Severity, string>>;
  /** `DELIVERY_TOPIC_P1_ARN` …: the topics people subscribe to. */
  readonly deliveryTopics: Readonly<Record<Severity, string>>;
  /** `ESCALATION_TOPIC_LEVEL1_ARN` …: the responder levels of seed 5.4.2. */
  readonly escalationTopics: Readonly<Record<EscalationLevel, string>>;
}

export interface EscalateConfig extends NotifyConfig {
  readonly alarmNamePrefix: string;
  /** `EPISODE_TABLE_NAME`: the alarm-episode table (acknowledgements, what was sent). */
  readonly episodeTable: string;
  /** `P1_RENOTIFY_MINUTES`: minutes between automatic P1 re-notifications. */
  readonly p1RenotifyMinutes: number;
  /** `P2_AUTO_ESCALATE_MINUTES`: empty for off (level 2 only when a person asks). */
  readonly p2AutoEscalateMinutes: number | undefined;
}

/**
 * How many sending domains the runbook names when the alarm carries none: the notifier's environment holds only
 * these (the first of the environment file), so it does not grow with the domains (4 KB per function).
 */
export const RUNBOOK_DOMAINS = 3;

const alarmTopicVar = (s: Severity) => `ALARM_TOPIC_${s}_ARN`;
const deliveryTopicVar = (s: Severity) => `DELIVERY_TOPIC_${s}_ARN`;
const escalationTopicVar = (l: EscalationLevel) => `ESCALATION_TOPIC_LEVEL${l}_ARN`;

/** What the generator sets (ENVIRONMENT comes with every function). */
export function writeNotifierEnv(v: {
  alarmTopics: Readonly<Record<Severity, TemplateValue>>;
  deliveryTopics: Readonly<Record<Severity, TemplateValue>>;
  escalationTopics: Readonly<Record<EscalationLevel, TemplateValue>>;
  alarmNamePrefix: string;
  sceptreEnvironment: string;
  episodeTable: TemplateValue;
  p1RenotifyMinutes: number;
  p2AutoEscalateMinutes: number | undefined;
  domains: readonly string[];
  sesEventsLogGroup: string;
  metricsLogGroup: string;
}): Record<string, TemplateValue> {
  return {
    ...Object.fromEntries(SEVERITIES.map((s) => [alarmTopicVar(s), v.alarmTopics[s]])),
    ...Object.fromEntries(SEVERITIES.map((s) => [deliveryTopicVar(s), v.deliveryTopics[s]])),
    ...Object.fromEntries(ESCALATION_LEVELS.map((l) => [escalationTopicVar(l), v.escalationTopics[l]])),
    ALARM_NAME_PREFIX: v.alarmNamePrefix,
    SCEPTRE_ENVIRONMENT: v.sceptreEnvironment,
    EPISODE_TABLE_NAME: v.episodeTable,
    P1_RENOTIFY_MINUTES: String(v.p1RenotifyMinutes),
    P2_AUTO_ESCALATE_MINUTES: String(v.p2AutoEscalateMinutes ?? ''),
    DOMAINS_JSON: JSON.stringify(v.domains.slice(0, RUNBOOK_DOMAINS)),
    SES_EVENTS_LOG_GROUP: v.sesEventsLogGroup,
    METRICS_LOG_GROUP: v.metricsLogGroup,
  };
}

const reader = (env: Env) =>
  new EnvReader(env, (message, options) => new NotifierConfigError(message, options));

function formatContext(r: EnvReader): FormatContext {
  const environment = r.text(
    'ENVIRONMENT',
    'the environment name, e.g. "production" or "development"',
    /^[a-z][a-z0-9-]{0,31}$/,
  );
  const commandEnvironment = r.optionalText('SCEPTRE_ENVIRONMENT', environment);
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(commandEnvironment)) {
    r.reject('SCEPTRE_ENVIRONMENT', `the environment file's name, e.g. "prod"`);
  }
  return {
    environment,
    commandEnvironment,
    region: r.optionalText('AWS_REGION', 'ap-northeast-1'),
    domains: r.env.DOMAINS_JSON ? r.domains('DOMAINS_JSON').slice(0, RUNBOOK_DOMAINS) : [],
    sesEventsLogGroup: r.optionalText('SES_EVENTS_LOG_GROUP', '/aws/ses/events'),
    metricsLogGroup: r.optionalText(
      'METRICS_LOG_GROUP',
      // Written by the monitoring stack; the fallback is the same name from the common PROJECT_CODE/ENVIRONMENT.
      names({ projectCode: r.optionalText('PROJECT_CODE', 'ses-migration'), environment }).logGroup.lambda(
        'custom-metrics',
      ),
    ),
  };
}

function notifyConfig(r: EnvReader): NotifyConfig {
  const topics = (name: (s: Severity) => string) =>
    Object.fromEntries(SEVERITIES.map((s) => [s, r.topicArn(name(s))])) as Record<Severity, string>;
  const alarmTopics = topics(alarmTopicVar);
  if (new Set(Object.values(alarmTopics)).size !== SEVERITIES.length) {
    throw new NotifierConfigError('ALARM_TOPIC_P1_ARN, _P2_ and _P3_ must be three different topics');
  }
  return {
    format: formatContext(r),
    alarmTopics,
    deliveryTopics: topics(deliveryTopicVar),
    escalationTopics: Object.fromEntries(
      ESCALATION_LEVELS.map((l) => [l, r.topicArn(escalationTopicVar(l))]),
    ) as Record<EscalationLevel, string>,
  };
}

/** Settings of the SNS path. */
export function loadNotifyConfig(env: Env): NotifyConfig {
  return notifyConfig(reader(env));
}

/** Settings of the scheduled escalation path. */
export function loadEscalateConfig(env: Env): EscalateConfig {
  const r = reader(env);
  const alarmNamePrefix = r.text('ALARM_NAME_PREFIX', 'e.g. "ses-migration-production-"', /^[^\s]{1,255}$/);
  const episodeTable = r.text(
    'EPISODE_TABLE_NAME',
    'a DynamoDB table name such as "ses-migration-production-alarm-episodes"',
    /^[A-Za-z0-9_.-]{3,255}$/,
  );
  const minutes = { min: 5, max: 1440 };
  const p2 = r.env.P2_AUTO_ESCALATE_MINUTES?.trim();
  return {
    ...notifyConfig(r),
    alarmNamePrefix,
    episodeTable,
    p1RenotifyMinutes: r.integer('P1_RENOTIFY_MINUTES', { ...minutes, fallback: 15 }),
    p2AutoEscalateMinutes: p2
      ? r.integer('P2_AUTO_ESCALATE_MINUTES', { ...minutes, fallback: 0 })
      : undefined,
  };
}
